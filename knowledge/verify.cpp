#include "knowledge/verify.hpp"

#include "knowledge/device_id.hpp"
#include "knowledge/recorded_point.hpp"
#include "knowledge/schema.hpp"
#include "knowledge/store.hpp"
#include "knowledge/trials.hpp"
#include "knowledge/wisdom.hpp"
#include "space/any_device.hpp"
#include "space/parser.hpp"
#include "util/files.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

namespace kevolve::knowledge {

namespace fs = std::filesystem;

namespace {

class Verifier {
 public:
  explicit Verifier(fs::path root) : m_root(std::move(root)) {}

  VerifyReport run() {
    auto root = util::ConfinedDir::open(m_root);
    if (!root) {
      error(m_root, "not a directory");
      return std::move(m_report);
    }
    check_marker(*root);
    for (const util::DirEntry& entry : entries_of(*root)) {
      const std::string& name = entry.name;
      fs::path path = m_root / name;
      if (!is_plain(*root, entry)) continue;
      if (name == KnowledgeDir::k_marker || name == ".gitignore" || name == ".lock") continue;
      if (name == "skills" || name == "docs") {  // free-form material for the LLM
        if (entry.kind == util::EntryKind::directory) check_links_only(*root, name);
      } else if (util::AtomicFile::is_temporary_name(name)) {
        stray_temporary(path);
      } else if (name == "trials" && entry.kind == util::EntryKind::directory) {
        check_trials(*root, name);
      } else if (entry.kind == util::EntryKind::directory && is_unit_name(name)) {
        check_unit(*root, name);
      } else {
        warning(path, "unexpected entry in a knowledge directory");
      }
    }
    return std::move(m_report);
  }

 private:
  void error(const fs::path& file, std::string message, int line = 0) {
    m_report.problems.push_back({Problem::Severity::error, file, line, std::move(message)});
  }
  void warning(const fs::path& file, std::string message, int line = 0) {
    m_report.problems.push_back({Problem::Severity::warning, file, line, std::move(message)});
  }
  void stray_temporary(const fs::path& file) {
    warning(file, "temporary file left by an interrupted write; safe to delete");
  }

  // Messages from the reading layers start with the file name; the report prints it already.
  std::string without_file(const std::string& message, const fs::path& file) {
    std::string prefix = file.string() + ":";
    if (message.rfind(prefix, 0) != 0) return message;
    std::string rest = message.substr(prefix.size());
    return std::string(util::trim(rest));
  }

  // The entries of `dir`, sorted; a directory that cannot be listed is an error.
  std::vector<util::DirEntry> entries_of(const util::ConfinedDir& dir) {
    auto entries = dir.list();
    if (!entries) {
      error(dir.path(), without_file(entries.error(), dir.path()));
      return {};
    }
    return std::move(*entries);
  }

  // Links and special files are errors wherever they are: kevolve neither follows nor reads
  // them (docs/knowledge-format.md).
  bool is_plain(const util::ConfinedDir& dir, const util::DirEntry& entry) {
    fs::path path = dir.path() / entry.name;
    if (entry.kind == util::EntryKind::symlink) {
      error(path, without_file(dir.link_error(entry.name), path) +
                      "; replace it with the file or directory itself");
      return false;
    }
    if (entry.kind == util::EntryKind::other) {
      error(path,
            "not a regular file or directory (a FIFO, device or socket); kevolve reads "
            "only regular files");
      return false;
    }
    return true;
  }

  // The directory `name` of `parent`, or an error reported (it changed under us).
  std::optional<util::ConfinedDir> enter(const util::ConfinedDir& parent, const std::string& name) {
    auto dir = parent.find(name);
    if (!dir || !*dir) {
      if (!dir) error(parent.path() / name, without_file(dir.error(), parent.path() / name));
      return std::nullopt;
    }
    return std::move(**dir);
  }

  // Reads `file` (beneath the root) as kevolve would: no link, a regular file, within `limit`.
  util::Expected<std::string> read_beneath(const fs::path& file, std::size_t limit) {
    auto root = util::ConfinedDir::open(m_root);
    if (!root) return util::unexpected(root.error());
    auto text = root->read(file.lexically_relative(m_root), limit);
    if (!text) return util::unexpected(text.error());
    if (!*text) return util::unexpected(fmt::format("{}: missing", file.string()));
    return std::move(**text);
  }

  void check_marker(const util::ConfinedDir& root) {
    fs::path marker = m_root / KnowledgeDir::k_marker;
    ++m_report.files_checked;
    if (root.kind(KnowledgeDir::k_marker) == util::EntryKind::missing) {
      error(marker, "missing: every knowledge directory starts with {\"schema\": N}");
      return;
    }
    auto text = read_beneath(marker, k_max_wisdom_bytes);
    if (!text) {
      error(marker, without_file(text.error(), marker));
      return;
    }
    if (auto checked = knowledge::check_marker(*text, marker.string()); !checked) {
      error(marker, without_file(checked.error(), marker));
    }
  }

  void check_unit(const util::ConfinedDir& parent, const std::string& unit) {
    auto dir = enter(parent, unit);
    if (!dir) return;
    std::map<std::string, std::string> referenced;  // hash -> ext
    std::optional<util::ConfinedDir> variants;
    for (const util::DirEntry& entry : entries_of(*dir)) {
      const std::string& name = entry.name;
      fs::path path = dir->path() / name;
      if (!is_plain(*dir, entry)) continue;
      if (util::AtomicFile::is_temporary_name(name)) {
        stray_temporary(path);
      } else if (name == "variants" && entry.kind == util::EntryKind::directory) {
        variants = enter(*dir, name);  // checked below, once every reference is known
      } else if (path.extension() == ".json" && entry.kind == util::EntryKind::regular) {
        check_wisdom(path, unit, referenced);
      } else {
        warning(path, "unexpected entry: a unit directory holds <device-id>.json and variants/");
      }
    }
    check_variants(variants ? &*variants : nullptr, dir->path() / "variants", referenced);
  }

  void check_wisdom(const fs::path& file, const std::string& unit,
                    std::map<std::string, std::string>& variants) {
    ++m_report.files_checked;
    auto id = DeviceId::parse(file.stem().string());
    if (!id) error(file, "the file name " + id.error());
    auto text = read_beneath(file, k_max_wisdom_bytes);
    if (!text) {
      error(file, without_file(text.error(), file));
      return;
    }
    auto document = util::parse_json(*text, file.string());
    if (!document) {
      error(file, without_file(document.error(), file));
      return;
    }
    auto version = upgrade(*document, file.string());
    if (!version) {
      error(file, without_file(version.error(), file));
      return;
    }
    std::vector<std::string> problems;
    Wisdom w = wisdom_from_json(*document, problems);
    for (const std::string& p : problems) error(file, p);
    if (!problems.empty()) return;

    if (w.unit != unit)
      error(file, fmt::format("unit is '{}' but the directory is '{}'", w.unit, unit));
    if (id && w.device_id != id->str()) {
      error(file,
            fmt::format("device_id is '{}' but the file name says '{}'", w.device_id, id->str()));
    }
    if (w.records.empty())
      error(file, "records: empty; a wisdom file holds at least one problem size");
    auto primaries = std::count_if(w.records.begin(), w.records.end(),
                                   [](const SizeRecord& r) { return r.primary; });
    if (!w.records.empty() && primaries != 1) {
      error(file, fmt::format("records: {} are marked primary; exactly one must be", primaries));
    }
    for (std::size_t i = 0; i < w.records.size(); ++i)
      check_record(file, w.records[i], i, variants);
    check_points(file, w);
    check_measured_trials(file, w);
    if (*version == k_schema && serialize(w) != *text) {
      warning(file,
              "not in canonical form (key order, indent or number format differ); the "
              "next kevolve write normalizes it");
    }
  }

  void check_record(const fs::path& file, const SizeRecord& r, std::size_t i,
                    std::map<std::string, std::string>& variants) {
    std::string at = fmt::format("records[{}]", i);
    if (!(r.time_s > 0)) error(file, at + ".time_s: must be positive");
    if (!(r.baseline_s > 0)) error(file, at + ".baseline_s: must be positive");
    if (r.time_s > 0 && r.baseline_s > 0) {
      double expected = r.baseline_s / r.time_s;
      if (std::abs(r.speedup - expected) > 0.01 * expected) {
        error(file, fmt::format("{}.speedup: value {} disagrees with baseline_s / time_s = {:.4g}",
                                at, r.speedup, expected));
      }
    }
    if (r.speedup_low > r.speedup || r.speedup > r.speedup_high) {
      error(file, fmt::format("{}.speedup: value {} lies outside its interval [{}, {}]", at,
                              r.speedup, r.speedup_low, r.speedup_high));
    }
    if (r.peak_percent && (r.bound != "memory" && r.bound != "compute")) {
      error(file,
            fmt::format("{}.peak.bound: '{}' is neither \"memory\" nor \"compute\"", at, r.bound));
    }
    for (std::size_t k = 1; k < r.top.size(); ++k) {
      if (r.top[k].time_s < r.top[k - 1].time_s) {
        warning(file, fmt::format("{}.top: not sorted fastest first at entry {}", at, k));
        break;
      }
    }
    if (r.evaluations < 0) error(file, at + ".evaluations: must not be negative");
    if (r.variant) variants.emplace(r.variant->hash, r.variant->ext);
    if (r.review) check_review(file, *r.review, at + ".review");
    if (r.fallback) {
      if (!r.pending_review())
        error(file, at + ".fallback: only a record whose winner waits for review has one");
      if (!(r.fallback->time_s > 0)) error(file, at + ".fallback.time_s: must be positive");
      if (!(r.fallback->speedup > 0)) error(file, at + ".fallback.speedup: must be positive");
    }
  }

  // Every recorded point must be one a build may inject (knowledge/recorded_point.hpp): of the
  // contract's form, and a point of the space the wisdom was tuned in as every device has it
  // (verify knows no device: conjuncts that read hardware facts are not judged). Apply checks
  // again, against the sources' current space, and injects nothing else.
  std::optional<space::Space> space_of(const fs::path& file, const std::string& at,
                                       const std::string& text) {
    if (auto spec = space::parse_space(text); !spec) {
      error(file,
            fmt::format("{}: column {}: {}", at, spec.error().offset + 1, spec.error().message));
    } else if (auto built = space::build_for_any_device(std::move(*spec)); !built) {
      error(file, fmt::format("{}: {}", at, built.error().message));
    } else {
      return std::move(*built);
    }
    return std::nullopt;
  }

  void check_points(const fs::path& file, const Wisdom& w) {
    std::optional<space::Space> tuned = space_of(file, "space", w.space);
    const space::Space* in = tuned ? &*tuned : nullptr;
    for (std::size_t i = 0; i < w.records.size(); ++i) {
      const SizeRecord& r = w.records[i];
      std::string at = fmt::format("records[{}]", i);
      // A record whose defaults stood holds the defaults as the source writes them, which may be
      // an expression or lie outside the space; a build injects nothing for them.
      bool defaults = !r.variant && r.time_s == r.baseline_s && r.speedup == 1;
      if (r.variant) {
        // A variant's point is of its own space; the original's best, of the wisdom's.
        std::optional<space::Space> own;
        if (r.variant->space.empty()) {
          warning(file, at + ".variant: no space recorded; the build checks its point by a scan");
        } else {
          own = space_of(file, at + ".variant.space", r.variant->space);
        }
        check_point(file, at + ".best", r.best, own ? &*own : nullptr, "");
        check_point(file, at + ".variant.original_best", r.variant->original_best, in,
                    "the defaults, where no point of the original won; a build falls back to "
                    "them only where valid");
      } else {
        check_point(file, at + ".best", r.best, in,
                    defaults ? "the defaults stood; a build injects nothing for them" : "");
      }
      // The previous winner may come from an older space; a build then uses the defaults.
      if (r.fallback) {
        check_point(file, at + ".fallback.best", r.fallback->best, in,
                    "a build uses the defaults while the winner waits for review");
      }
      for (std::size_t k = 0; k < r.top.size(); ++k)
        check_point(file, fmt::format("{}.top[{}].params", at, k), r.top[k].params, in, "");
    }
  }

  // `excuse`, when not empty: why a point outside the space is only a warning. Control
  // characters are an error whatever the excuse: no source text holds them.
  void check_point(const fs::path& file, const std::string& at, const ParamValues& params,
                   const space::Space* space, const std::string& excuse) {
    auto report = [&](const std::string& problem) {
      bool control = std::any_of(params.begin(), params.end(), [](const auto& p) {
        return has_control(p.first) ||
               (!p.second.is_integer() && has_control(p.second.identifier()));
      });
      if (excuse.empty() || control) {
        error(file, fmt::format("{}: {}; a build does not inject it", at, problem));
      } else {
        warning(file, fmt::format("{}: {} ({})", at, problem, excuse));
      }
    };
    if (auto problem = form_problem(params)) {
      report(*problem);
    } else if (space) {
      if (auto point = recorded_point(*space, params); !point)
        report(point.error() + " (the space it was tuned in)");
    }
  }

  static bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  }

  void check_review(const fs::path& file, const Review& review, const std::string& at) {
    const ReviewEvidence& e = review.evidence;
    auto positive = [&](std::optional<double> value, const char* name) {
      if (value && !(*value > 0))
        error(file, fmt::format("{}.evidence.{}: must be positive", at, name));
    };
    positive(e.speedup, "speedup");
    positive(e.time_s, "time_s");
    positive(e.baseline_s, "baseline_s");
    positive(e.bytes_per_s, "bytes_per_s");
    positive(e.peak_bytes_per_s, "peak_bytes_per_s");
    positive(e.flops_per_s, "flops_per_s");
    positive(e.peak_flops_per_s, "peak_flops_per_s");
    for (std::size_t i = 0; i < review.reasons.size(); ++i) {
      if (util::trim(review.reasons[i]).empty())
        error(file,
              fmt::format("{}.reasons[{}]: empty; a reason says what tripped the gate", at, i));
    }
    if (review.state == ReviewState::accepted) {
      if (review.accepted_by.empty()) error(file, at + ".accepted_by: empty; who accepted it?");
      if (review.accepted_at.empty())
        error(file, at + ".accepted_at: empty; when was it accepted?");
    }
  }

  // Each record's winner refers to the trial-log line it was measured in: where the log is
  // here, that line must exist, be correct, and hold the same parameters and time; and no later
  // line may say those parameters failed (a failed re-verification).
  void check_measured_trials(const fs::path& file, const Wisdom& w) {
    fs::path relative = fs::path("trials") / w.unit / (file.stem().string() + ".jsonl");
    auto root = util::ConfinedDir::open(m_root);
    auto present = root ? root->read(relative, k_max_trial_log_bytes)
                        : util::Expected<std::optional<std::string>>(std::nullopt);
    if (!present || !*present) return;  // an unreadable log is reported with the trial logs
    TrialLog log = parse_trials(**present, (m_root / relative).string());
    std::string log_name = relative.string();
    for (std::size_t i = 0; i < w.records.size(); ++i) {
      const SizeRecord& r = w.records[i];
      std::string at = fmt::format("records[{}]", i);
      if (!r.trial) {
        warning(file, fmt::format("{}: no trial reference to check against {} (written by an "
                                  "older kevolve, or removed)",
                                  at, log_name));
        continue;
      }
      check_trial_reference(file, at, w, r, log.records, log_name);
    }
  }

  void check_trial_reference(const fs::path& file, const std::string& at, const Wisdom& w,
                             const SizeRecord& r, const std::vector<TrialRecord>& trials,
                             const std::string& log_name) {
    const TrialRef& ref = *r.trial;
    auto line = std::find_if(trials.begin(), trials.end(),
                             [&](const TrialRecord& t) { return t.id == ref.id; });
    if (line == trials.end()) {
      error(file, fmt::format("{}.trial: no trial '{}' in {}", at, ref.id, log_name));
      return;
    }
    if (ref.status != "ok" || line->status != "ok") {
      error(file, fmt::format("{}.trial: status '{}', and '{}' in {}; a winner's trial is ok", at,
                              ref.status, line->status, log_name));
    }
    if (params_text(line->params) != params_text(r.best)) {
      error(file, fmt::format("{}.best: {} but trial '{}' in {} measured {}", at,
                              params_text(r.best), ref.id, log_name, params_text(line->params)));
    }
    if (!line->time_s || !same_time(*line->time_s, ref.time_s)) {
      error(file,
            fmt::format("{}.trial.time_s: {} but trial '{}' in {} has {}", at, ref.time_s, ref.id,
                        log_name, line->time_s ? fmt::format("{}", *line->time_s) : "none"));
    }
    if (r.variant && line->variant != r.variant->hash) {
      error(file, fmt::format("{}.trial: trial '{}' in {} measured {}, not the variant {}", at,
                              ref.id, log_name,
                              line->variant.empty() ? "the original" : "variant " + line->variant,
                              r.variant->hash));
    }
    // After `kevolve adopt` the winner's variant is the source: its trial measured the sources
    // before adoption.
    bool adopted = !r.variant && !line->variant.empty();
    if (line->source_hash != w.source_hash && !adopted) {
      error(file, fmt::format("{}.trial: trial '{}' in {} measured sources {}, not {}", at, ref.id,
                              log_name, line->source_hash, w.source_hash));
    }
    for (auto later = std::next(line); later != trials.end(); ++later) {
      if (later->status == "ok" || later->status == k_environment_error ||
          later->source_hash != line->source_hash || later->build != line->build ||
          later->problem != line->problem || params_text(later->params) != params_text(r.best))
        continue;
      error(file, fmt::format("{}.best: a later trial of these parameters in {} failed: {}{}{}", at,
                              log_name, later->status, later->message.empty() ? "" : ": ",
                              later->message.substr(0, later->message.find('\n'))));
      break;
    }
  }

  // "A=1 B=x" in name order: the same values whatever the order they were written in.
  static std::string params_text(const ParamValues& params) {
    std::map<std::string, std::string> sorted;
    for (const auto& [name, value] : params) sorted[name] = value_json(value).dump();
    std::string out;
    for (const auto& [name, value] : sorted)
      out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
    return "{" + out + "}";
  }

  // Both come from the same double, printed in its shortest round-trip form: equal but for
  // a rounding of the last digit.
  static bool same_time(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
  }

  // <unit>/variants/<hash>.<ext>: each file's text must be the one its name is the hash of (the
  // build refuses an edited variant), each referred-to variant present with the extension its
  // wisdom names; one nothing refers to is for `kevolve knowledge gc`.
  void check_variants(const util::ConfinedDir* dir, const fs::path& path,
                      std::map<std::string, std::string> referenced) {
    if (dir) {
      for (const util::DirEntry& entry : entries_of(*dir)) {
        if (!is_plain(*dir, entry)) continue;
        fs::path file = path / entry.name;
        if (!check_variant_file(*dir, entry, file)) continue;
        std::string hash = file.stem().string();
        auto it = referenced.find(hash);
        if (it == referenced.end()) {
          warning(file, "code variant that no wisdom refers to (kevolve knowledge gc)");
          continue;
        }
        if (file.extension().string() != "." + it->second)
          error(file, fmt::format("the wisdom refers to {}.{}", hash, it->second));
        referenced.erase(it);
      }
    }
    for (const auto& [hash, ext] : referenced) {
      error(path / (hash + "." + ext), "code variant referred to by wisdom is missing");
    }
  }

  // A variant file's name and text; false when it is not one.
  bool check_variant_file(const util::ConfinedDir& dir, const util::DirEntry& entry,
                          const fs::path& file) {
    if (util::AtomicFile::is_temporary_name(entry.name)) {
      stray_temporary(file);
      return false;
    }
    std::string ext = file.extension().string();
    if (entry.kind != util::EntryKind::regular || !is_variant_hash(file.stem().string()) ||
        ext.size() < 2 || !is_variant_ext(ext.substr(1))) {
      warning(file,
              "unexpected entry: variants/ holds <hash>.<ext> files (ext: cpp, cu, hip, ...)");
      return false;
    }
    ++m_report.files_checked;
    auto text = dir.read(entry.name, k_max_wisdom_bytes);
    if (!text || !*text) {
      error(file, text ? std::string("not readable") : text.error());
      return false;
    }
    if (variant_hash(**text) != file.stem().string()) {
      error(file,
            "its text is not the one its name is the hash of (edited after tuning?); "
            "builds refuse it");
    }
    return true;
  }

  // trials/<unit>/<device-id>.jsonl, walked without entering a link.
  void check_trials(const util::ConfinedDir& parent, const std::string& name, int depth = 0) {
    auto dir = enter(parent, name);
    if (!dir) return;
    for (const util::DirEntry& entry : entries_of(*dir)) {
      fs::path path = dir->path() / entry.name;
      if (!is_plain(*dir, entry)) continue;
      if (entry.kind == util::EntryKind::directory) {
        if (depth == 0 && entry.name == KnowledgeDir::k_answers) {
          check_kept_answers(*dir, path);
        } else if (depth == 0) {
          check_trials(*dir, entry.name, depth + 1);
        } else if (depth == 1 && entry.name == "variants") {
          check_tried_variants(*dir, path);
        } else {
          warning(path, "unexpected directory among trials (expected <unit>/<device-id>.jsonl)");
        }
      } else if (path.extension() != ".jsonl") {
        if (util::AtomicFile::is_temporary_name(entry.name)) {
          stray_temporary(path);
        } else {
          warning(path, "unexpected file among trials (expected <unit>/<device-id>.jsonl)");
        }
      } else {
        check_trial_log(path);
      }
    }
  }

  // trials/<unit>/variants/: every variant a tune tried, content-addressed like the committed
  // ones (git-ignored: only their names are checked).
  void check_tried_variants(const util::ConfinedDir& parent, const fs::path& path) {
    auto dir = enter(parent, "variants");
    if (!dir) return;
    for (const util::DirEntry& entry : entries_of(*dir)) {
      if (!is_plain(*dir, entry)) continue;
      fs::path file = path / entry.name;
      std::string ext = file.extension().string();
      if (util::AtomicFile::is_temporary_name(entry.name)) {
        stray_temporary(file);
      } else if (entry.kind != util::EntryKind::regular || !is_variant_hash(file.stem().string()) ||
                 ext.size() < 2 || !is_variant_ext(ext.substr(1))) {
        warning(file, "unexpected entry among tried variants (expected <hash>.<ext>)");
      }
    }
  }

  // trials/llm-answers/: the LLM's answers kept by prompt (tool/llm/cache.hpp, git-ignored and
  // read as untrusted by the cache itself: only their names are checked).
  void check_kept_answers(const util::ConfinedDir& parent, const fs::path& path) {
    auto dir = enter(parent, KnowledgeDir::k_answers);
    if (!dir) return;
    for (const util::DirEntry& entry : entries_of(*dir)) {
      if (!is_plain(*dir, entry)) continue;
      fs::path file = path / entry.name;
      if (util::AtomicFile::is_temporary_name(entry.name)) {
        stray_temporary(file);
      } else if (entry.kind != util::EntryKind::regular || file.extension() != ".json" ||
                 !is_variant_hash(file.stem().string())) {
        warning(file, "unexpected entry among kept LLM answers (expected <hash>.json)");
      }
    }
  }

  // Free-form material: only links and special files are looked for, k_max_depth deep.
  void check_links_only(const util::ConfinedDir& parent, const std::string& name, int depth = 0) {
    static constexpr int k_max_depth = 16;
    auto dir = enter(parent, name);
    if (!dir) return;
    for (const util::DirEntry& entry : entries_of(*dir)) {
      if (!is_plain(*dir, entry) || entry.kind != util::EntryKind::directory) continue;
      if (depth + 1 < k_max_depth) {
        check_links_only(*dir, entry.name, depth + 1);
      } else {
        warning(dir->path() / entry.name,
                fmt::format("not checked: nested deeper than {} directories", k_max_depth));
      }
    }
  }

  void check_trial_log(const fs::path& file) {
    ++m_report.files_checked;
    auto text = read_beneath(file, k_max_trial_log_bytes);
    if (!text) {
      error(file, without_file(text.error(), file));
      return;
    }
    auto lines = util::split(*text, '\n');
    bool ends_with_newline = !text->empty() && text->back() == '\n';
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string_view line = lines[i];
      if (line.empty()) continue;
      int number = static_cast<int>(i + 1);
      auto record = util::parse_json(line, file.string());
      if (!record || !record->is_object()) {
        // A run killed mid-append leaves a line cut short (the next append starts a new line).
        bool cut = !record && record.error().find("unexpected end of input") != std::string::npos;
        if ((i + 1 == lines.size() && !ends_with_newline) || cut) {
          warning(file, "line cut short (a run interrupted while writing); it is ignored", number);
        } else if (!record) {
          // The parser's "<file>:<line>:<col>: " prefix counts lines within this line alone.
          const std::string& message = record.error();
          auto what = std::min(message.find("invalid JSON"), message.find("JSON nested"));
          error(file, what == std::string::npos ? message : message.substr(what), number);
        } else {
          error(file, "expected a JSON object", number);
        }
        continue;
      }
      if (auto it = record->find("schema");
          it != record->end() && it->is_number_integer() && it->get<int>() > k_schema) {
        error(file,
              fmt::format("schema {} is newer than this kevolve understands; upgrade kevolve",
                          it->get<int>()),
              number);
      }
    }
  }

  fs::path m_root;
  VerifyReport m_report;
};

}  // namespace

int VerifyReport::errors() const {
  return static_cast<int>(std::count_if(problems.begin(), problems.end(), [](const Problem& p) {
    return p.severity == Problem::Severity::error;
  }));
}

int VerifyReport::warnings() const { return static_cast<int>(problems.size()) - errors(); }

VerifyReport verify(const fs::path& root) { return Verifier(root).run(); }

}  // namespace kevolve::knowledge
