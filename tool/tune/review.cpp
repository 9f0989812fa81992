#include "tool/tune/review.hpp"

#include "tool/tune/points.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

namespace {

// Bytes of one element of a buffer type: "f32" -> 4, "u8" -> 1; 0 when unknown.
double element_bytes(const std::string& type) {
  auto bits = util::parse_int(type.size() > 1 ? std::string_view(type).substr(1) : "");
  return bits && *bits > 0 ? static_cast<double>(*bits) / 8 : 0;
}

std::string level_text(const std::string& level) {
  return level.empty() || level == "memory" ? "memory" : level + " cache";
}

std::string join(const std::vector<std::string>& lines, std::string_view between) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : std::string(between)) + l;
  return out;
}

}  // namespace

double footprint_bytes(const backends::Description& described) {
  double bytes = 0;
  for (const backends::BufferInfo& b : described.buffers)
    bytes += static_cast<double>(b.count) * element_bytes(b.type);
  return bytes;
}

std::optional<backends::Peaks> harness_peaks(const std::optional<backends::Peaks>& peaks,
                                             const backends::Description& described) {
  if (!peaks) return std::nullopt;
  backends::Peaks out = *peaks;
  out.copy_bytes_per_s = backends::level_for(*peaks, footprint_bytes(described)).bytes_per_s;
  return out;
}

knowledge::ReviewEvidence evidence_of(double time_s, double baseline_s,
                                      const backends::Description& described,
                                      const std::optional<backends::Peaks>& peaks) {
  knowledge::ReviewEvidence e;
  e.time_s = time_s;
  e.baseline_s = baseline_s;
  e.speedup = time_s > 0 ? baseline_s / time_s : 1;
  if (time_s <= 0) return e;
  if (described.traffic > 0) {
    e.bytes_per_s = described.traffic / time_s;
    if (peaks) {
      backends::MemoryLevel level = backends::level_for(*peaks, footprint_bytes(described));
      if (level.bytes_per_s > 0) {
        e.peak_bytes_per_s = level.bytes_per_s;
        e.memory_level = level.name;
      }
    }
  }
  if (described.work > 0) {
    e.flops_per_s = described.work / time_s;
    if (peaks && peaks->fma_flops_per_s > 0) e.peak_flops_per_s = peaks->fma_flops_per_s;
  }
  return e;
}

std::vector<std::string> beyond_light(const knowledge::ReviewEvidence& e) {
  std::vector<std::string> out;
  if (e.bytes_per_s && e.peak_bytes_per_s &&
      *e.bytes_per_s > k_light_margin * *e.peak_bytes_per_s) {
    out.push_back(
        fmt::format("{} by the harness's traffic(), {:.3g}x the measured {} bandwidth ({})",
                    util::format_rate(*e.bytes_per_s, "B/s"), *e.bytes_per_s / *e.peak_bytes_per_s,
                    level_text(e.memory_level), util::format_rate(*e.peak_bytes_per_s, "B/s")));
  }
  if (e.flops_per_s && e.peak_flops_per_s &&
      *e.flops_per_s > k_light_margin * *e.peak_flops_per_s) {
    out.push_back(fmt::format("{} by the harness's work(), {:.3g}x the measured fp32 FMA rate ({})",
                              util::format_rate(*e.flops_per_s, "FLOP/s"),
                              *e.flops_per_s / *e.peak_flops_per_s,
                              util::format_rate(*e.peak_flops_per_s, "FLOP/s")));
  }
  return out;
}

std::vector<std::string> review_reasons(const knowledge::ReviewEvidence& e) {
  std::vector<std::string> out;
  if (e.speedup > k_review_speedup) {
    out.push_back(fmt::format("{:.1f}x faster than the defaults (more than {:g}x)", e.speedup,
                              k_review_speedup));
  }
  for (std::string& line : beyond_light(e)) out.push_back(std::move(line));
  return out;
}

std::optional<std::string> defaults_beyond_light(const knowledge::ReviewEvidence& defaults) {
  std::vector<std::string> beyond = beyond_light(defaults);
  if (beyond.empty()) return std::nullopt;
  return fmt::format(
      "the defaults run faster than the device's speed of light ({} a run: {}), so the timing "
      "measures something other than the kernel's work. Likely causes: the kernel does no work, "
      "or its results are unused and optimised away; the run lambda does not call it on the "
      "harness's buffers, or reads data that are gone by then; traffic() or work() overstate one "
      "run; or the peaks were measured on a busy machine (kevolve hw --measure again). Nothing "
      "was recorded for this unit",
      format_seconds(defaults.time_s), join(beyond, "; "));
}

GateDecision decide_review(const knowledge::ParamValues& best,
                           const std::optional<knowledge::VariantRef>& variant,
                           const knowledge::ReviewEvidence& evidence,
                           const knowledge::SizeRecord* previous,
                           const knowledge::ParamValues& defaults) {
  GateDecision d;
  std::vector<std::string> reasons = review_reasons(evidence);
  if (reasons.empty()) return d;
  d.review =
      knowledge::Review{knowledge::ReviewState::pending, std::move(reasons), evidence, {}, {}};
  if (!previous) return d;
  const bool same_winner = previous->best == best && previous->variant == variant;
  if (same_winner && previous->review &&
      previous->review->state == knowledge::ReviewState::accepted) {
    d.review->state = knowledge::ReviewState::accepted;
    d.review->accepted_by = previous->review->accepted_by;
    d.review->accepted_at = previous->review->accepted_at;
  } else if (previous->pending_review()) {
    d.fallback = previous->fallback;  // what builds use now, still
  } else if (!previous->variant && previous->best != defaults) {
    d.fallback =
        knowledge::Fallback{previous->best, previous->time_s, previous->speedup, previous->date};
  }
  return d;
}

std::string apply_review_gates(knowledge::SizeRecord& record, bool won,
                               const backends::Description& described,
                               const std::optional<backends::Peaks>& peaks,
                               const knowledge::SizeRecord* previous,
                               const knowledge::ParamValues& defaults, Progress& progress) {
  if (!won) {
    record.extra["note"] = "no candidate beat the defaults beyond the measured noise";
    return {};
  }
  GateDecision d = decide_review(record.best, record.variant,
                                 evidence_of(record.time_s, record.baseline_s, described, peaks),
                                 previous, defaults);
  record.review = std::move(d.review);
  record.fallback = std::move(d.fallback);
  if (!record.review) return {};
  if (!record.pending_review()) {
    progress.note(fmt::format("the same winner was accepted by {} on {}; it stays accepted",
                              record.review->accepted_by, record.review->accepted_at));
    return {};
  }
  std::string line = pending_line(record);
  progress.note("warning: " + line);
  return line;
}

util::Expected<void> accept_review(knowledge::SizeRecord& record, const std::string& who,
                                   const std::string& when) {
  if (!record.review) return util::unexpected(std::string("its winner needs no review"));
  if (!record.pending_review()) {
    return util::unexpected(fmt::format("its winner was accepted already, by {} on {}",
                                        record.review->accepted_by, record.review->accepted_at));
  }
  record.review->state = knowledge::ReviewState::accepted;
  record.review->accepted_by = who.empty() ? "unknown" : who;
  record.review->accepted_at = when;
  record.fallback.reset();
  return {};
}

std::string pending_line(const knowledge::SizeRecord& record) {
  std::string reasons = record.review ? join(record.review->reasons, "; ") : "";
  std::string instead =
      record.fallback ? fmt::format("the previous winner {} ({:.2f}x)",
                                    params_text_of(record.fallback->best), record.fallback->speedup)
                      : std::string("the defaults");
  std::string winner = params_text_of(record.best);
  if (record.variant) winner = "code variant " + record.variant->file_name() + " " + winner;
  return fmt::format("the winner {} waits for review ({}); builds use {}", winner, reasons,
                     instead);
}

}  // namespace kevolve::tune
