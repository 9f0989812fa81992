#include "tool/tune/record_text.hpp"

#include "tool/eval/diagnosis.hpp"
#include "tool/tune/points.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace kevolve::tune {

namespace {

std::string number_text(const util::Json& n) {
  if (n.is_number_integer() || n.is_number_unsigned()) return n.dump();
  const double d = n.get<double>();
  if (!std::isfinite(d)) return "-";
  return fmt::format("{:.4g}", d);
}

std::string date_of(const knowledge::SizeRecord& record) { return record.date.substr(0, 10); }

// "41% of the measured copy bandwidth"; the level's where the peaks name it ("L3").
std::string share_text(double percent, const std::string& of) {
  return fmt::format("{:.0f}% of the measured {}", percent, of);
}

}  // namespace

bool defaults_stood(const knowledge::SizeRecord& record, const knowledge::ParamValues* defaults) {
  if (record.variant) return false;
  if (auto note = record.extra.find("note");
      note != record.extra.end() && note->is_string() && *note == k_defaults_stand_note)
    return true;
  if (defaults && record.best == *defaults) return true;
  return record.speedup == 1 && record.time_s == record.baseline_s;
}

std::string winner_text(const knowledge::SizeRecord& record) {
  if (defaults_stood(record)) return "the defaults";
  std::string what = params_text_of(record.best);
  if (record.variant) {
    what = fmt::format("variant {}{}{}", record.variant->hash.substr(0, 8), what.empty() ? "" : " ",
                       what);
  }
  return fmt::format("{} {:.2f}x [{:.2f}, {:.2f}]", what, record.speedup, record.speedup_low,
                     record.speedup_high);
}

std::optional<std::string> replacement_note(const knowledge::SizeRecord& previous,
                                            const knowledge::SizeRecord& now) {
  const bool stood = defaults_stood(previous);
  const bool stands = defaults_stood(now);
  if (stood && stands) return std::nullopt;
  if (!stood && !stands && previous.best == now.best && previous.variant == now.variant)
    return std::nullopt;
  return fmt::format("replaces {} (found {}) with {}", winner_text(previous), date_of(previous),
                     stands ? std::string("the defaults (no candidate beat them beyond the noise)")
                            : winner_text(now));
}

std::string achieved_text(const util::Json& achieved, const util::Json& peaks) {
  const eval::Diagnosis d = eval::diagnosis_from(achieved);
  std::string level = "copy bandwidth";
  if (peaks.is_object()) {
    if (auto l = peaks.find("memory_level"); l != peaks.end() && l->is_string())
      level = l->get<std::string>() + " bandwidth";
  }
  std::string out;
  const auto add = [&](double rate, const char* unit, std::optional<double> percent,
                       const std::string& of) {
    if (!(rate > 0) || !std::isfinite(rate)) return;
    out += (out.empty() ? "" : "; ") + util::format_rate(rate, unit);
    if (percent && std::isfinite(*percent)) out += ", " + share_text(*percent, of);
  };
  add(d.bytes_per_s, "B/s", d.memory_percent, level);
  add(d.flops_per_s, "FLOP/s", d.compute_percent, "fp32 FMA throughput");
  if (!out.empty() && !d.bound.empty()) out += fmt::format(" ({}-bound)", d.bound);
  return out;
}

std::string peaks_text(const util::Json& peaks) {
  if (!peaks.is_object()) return "";
  const auto rate = [&](const char* key) -> double {
    auto it = peaks.find(key);
    return it != peaks.end() && it->is_number() ? it->get<double>() : 0;
  };
  std::string out;
  if (double copy = rate("copy_bytes_per_s"); copy > 0 && std::isfinite(copy)) {
    out = "copy " + util::format_rate(copy, "B/s");
    if (auto l = peaks.find("memory_level"); l != peaks.end() && l->is_string())
      out = l->get<std::string>() + " " + out;  // the level the buffers fit in
  }
  if (double fma = rate("fma_flops_per_s"); fma > 0 && std::isfinite(fma))
    out += (out.empty() ? "" : ", ") + std::string("fp32 FMA ") + util::format_rate(fma, "FLOP/s");
  return out;
}

std::string readable_json(const util::Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return number_text(value);
  if (value.is_null()) return "-";
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  std::string out;
  if (value.is_array()) {
    for (const util::Json& item : value) out += (out.empty() ? "" : "; ") + readable_json(item);
    return out.empty() ? "none" : out;
  }
  for (const auto& [key, item] : value.items()) {
    std::string text = readable_json(item);
    if (item.is_structured() && !item.empty()) text = "(" + text + ")";
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", key, text);
  }
  return out.empty() ? "none" : out;
}

}  // namespace kevolve::tune
