// `kevolve show <unit>`: what the knowledge directory holds for a unit: winners per device,
// the best candidates, the evidence, and the history of its evaluations.

#include "knowledge/store.hpp"
#include "knowledge/trials.hpp"
#include "tool/cli/code_diff.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/report.hpp"
#include "tool/cli/table.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/record_text.hpp"
#include "tool/tune/target_config.hpp"
#include "tool/tune/workspace.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

struct ShowOptions {
  std::string unit;
  std::string build;
  std::string knowledge;
  bool json = false;
};

// The tree search's calls (docs/agent.md), from the first trial-log line of each: its mode, the
// node it started from, what came of it, and the passages its prompt was given.
std::vector<util::Json> calls_of(const knowledge::TrialLog* trials,
                                 const std::string& source_hash) {
  std::vector<util::Json> calls;
  if (!trials) return calls;
  for (const auto& t : trials->records) {
    if (t.source_hash != source_hash || !t.llm.is_object() || !t.llm.contains("mode")) continue;
    calls.push_back(util::Json{{"mode", t.llm.value("mode", "")},
                               {"parent", t.llm.value("parent", "")},
                               {"variant", t.variant},
                               {"status", t.status},
                               {"passages", t.llm.value("passages", util::Json::array())}});
  }
  return calls;
}

void add_call_rows(Table& t, const std::vector<util::Json>& calls) {
  const auto short_hash = [](const std::string& h) {
    return h.substr(0, std::min<std::size_t>(h.size(), 8));
  };
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const util::Json& c = calls[k];
    std::string parent = c.value("parent", "");
    std::string passages;
    for (const auto& id : c.value("passages", util::Json::array()))
      passages += (passages.empty() ? "" : ", ") + (id.is_string() ? id.get<std::string>() : "?");
    t.add({k == 0 ? "llm calls" : "",
           fmt::format("{} from {}: {} {}{}", c.value("mode", ""),
                       parent.empty() ? "the original" : short_hash(parent), c.value("status", ""),
                       short_hash(c.value("variant", "")),
                       passages.empty() ? "" : "; passages: " + passages)});
  }
}

// The record's fields this kevolve does not show on rows of their own, in words.
// Those shown in words above (achieved, peaks, the note that the defaults stand) are left out.
void add_extra_rows(Table& t, const knowledge::SizeRecord& r, bool stood,
                    const std::string& achieved, const std::string& peaks) {
  for (const auto& [key, value] : r.extra.items()) {
    if (key == "achieved" && !achieved.empty()) continue;
    if (key == "peaks" && !peaks.empty()) continue;
    if (key == "note" && stood && value == tune::k_defaults_stand_note) continue;
    t.add({key, tune::readable_json(value)});
  }
}

void add_variant_rows(Table& t, const std::string& unit, const knowledge::VariantRef& v) {
  t.add({"variant", fmt::format("{}/variants/{}: by {} {} ({} prompt + {} answer tokens, prompt "
                                "{})",
                                unit, v.file_name(), v.provider, v.model.empty() ? "-" : v.model,
                                v.prompt_tokens, v.answer_tokens, v.prompt_hash)});
  t.add({"parent", fmt::format("kernel {}; the original's best {}", v.parent,
                               v.original_best.empty() ? std::string("(its defaults)")
                                                       : tune::params_text_of(v.original_best))});
}

// The unit's kernel as the build's sources hold it now, scanned once (-B).
struct Original {
  bool looked = false;
  std::optional<tune::FoundUnit> found;
  std::string text;
  std::string error;
};

void find_original(const std::string& build, const std::string& unit, Original& original) {
  if (original.looked) return;
  original.looked = true;
  auto ws = tune::open_workspace(build, "");
  if (!ws) {
    original.error = ws.error();
    return;
  }
  auto found = tune::find_unit(*ws, unit);
  if (!found) {
    original.error = found.error();
    return;
  }
  const analyzers::AnnotatedFunction& k = found->unit.kernel;
  auto text = util::read_file(k.name.file);
  if (!text || k.end > text->size() || k.begin > k.end) {
    original.error = text ? k.name.file + ": the kernel's extent is not in the file" : text.error();
    return;
  }
  original.text = text->substr(k.begin, k.end - k.begin);
  original.found = std::move(*found);
}

// The variant against the original kernel's text, from a scan of the build's sources.
void print_variant_diff(const ShowOptions& o, const knowledge::KnowledgeDir& knowledge,
                        const knowledge::VariantRef& v, Original& original) {
  auto code = knowledge.read_variant(o.unit, v);
  if (!code) {
    fmt::print("  variant not readable: {}\n", code.error());
    return;
  }
  std::error_code ec;
  std::string build = o.build;
  if (build.empty() && o.knowledge.empty() && fs::is_directory(tune::config_dir("build"), ec))
    build = "build";  // found: ./build has kevolve_tune targets
  if (build.empty()) {
    fmt::print(
        "  (kevolve show -B <build dir> {} prints the variant's diff against the original "
        "kernel)\n",
        o.unit);
    return;
  }
  find_original(build, o.unit, original);
  if (!original.found) {
    fmt::print("  no diff: {}\n", original.error);
    return;
  }
  const analyzers::Unit& unit = original.found->unit;
  if (unit.kernel_hash != v.parent)
    fmt::print(
        "  the kernel changed since this variant was made (it is stale); the diff is "
        "against its current text\n");
  fmt::print("{}", unified_diff(original.text, *code,
                                fmt::format("{} (kernel {})", unit.kernel.name.file, o.unit),
                                (knowledge.root() / o.unit / "variants" / v.file_name()).string()));
}

int run_show(const ShowOptions& o) {
  auto found = tune::knowledge_dir_for(o.build, o.knowledge);
  if (!found) throw Error(found.error());
  fs::path dir = *found;
  auto knowledge = knowledge::KnowledgeDir::open(dir);
  if (!knowledge) throw Error(knowledge.error());
  std::vector<knowledge::DeviceId> devices = knowledge->devices(o.unit);
  if (devices.empty())
    throw Error(fmt::format("{}: no wisdom for unit '{}'", dir.string(), o.unit));

  util::Json out = util::Json::array();
  Original original;
  for (const knowledge::DeviceId& id : devices) {
    auto wisdom = knowledge->read(o.unit, id);
    if (!wisdom) throw Error(wisdom.error());
    const knowledge::Wisdom& w = **wisdom;
    auto trials = knowledge::read_trials(knowledge->trials_file(o.unit, id));
    std::map<std::string, int> statuses;
    if (trials) {
      for (const auto& t : trials->records) {
        if (t.source_hash == w.source_hash) ++statuses[t.status];
      }
    }
    if (o.json) {
      util::Json entry = knowledge::to_json(w);
      util::Json history = util::Json::object();
      for (const auto& [status, count] : statuses) history[status] = count;
      entry["history"] = std::move(history);
      entry["llm_calls"] = calls_of(trials ? &*trials : nullptr, w.source_hash);
      out.push_back(std::move(entry));
      continue;
    }
    fmt::print("{}  ({}; {})\n", id.str(), w.device.name,
               w.device.compiler.empty() ? "-" : w.device.compiler);
    for (const knowledge::SizeRecord& r : w.records) {
      std::string problem;
      for (const auto& [name, value] : r.problem)
        problem += fmt::format("{}{}={}", problem.empty() ? "" : " ", name, value);
      Table t;
      t.add({"problem", problem + (r.primary ? " (primary)" : "")});
      const bool stood = tune::defaults_stood(r);
      if (stood) {
        t.add({"best", fmt::format("{}: {}  {}", tune::k_defaults_stand_text,
                                   tune::params_text_of(r.best), tune::format_seconds(r.time_s))});
      } else {
        t.add({"best", fmt::format("{}  {}  (defaults {}, {:.2f}x [{:.2f}, {:.2f}])",
                                   tune::params_text_of(r.best), tune::format_seconds(r.time_s),
                                   tune::format_seconds(r.baseline_s), r.speedup, r.speedup_low,
                                   r.speedup_high)});
      }
      const util::Json no_peaks = util::Json::object();
      const util::Json& peaks = r.extra.contains("peaks") ? r.extra["peaks"] : no_peaks;
      std::string achieved =
          tune::achieved_text(r.extra.value("achieved", util::Json::object()), peaks);
      if (!achieved.empty()) {
        t.add({"achieved", achieved});
      } else if (r.peak_percent) {
        t.add({"peak", fmt::format("{:.1f}% of the measured {} peak", *r.peak_percent, r.bound)});
      }
      const std::string peaks_line = tune::peaks_text(peaks);
      if (!peaks_line.empty()) t.add({"peaks", peaks_line});
      for (std::size_t k = 0; k < r.top.size(); ++k) {
        t.add({k == 0 ? "top" : "", fmt::format("{}  {}", tune::format_seconds(r.top[k].time_s),
                                                tune::params_text_of(r.top[k].params))});
      }
      if (r.review) {
        std::string reasons;
        for (const std::string& reason : r.review->reasons)
          reasons += (reasons.empty() ? "" : "; ") + reason;
        std::string state =
            r.pending_review()
                ? std::string("pending (kevolve accept)")
                : fmt::format("accepted by {} on {}", r.review->accepted_by, r.review->accepted_at);
        t.add({"review", fmt::format("{}: {}", state, reasons)});
      }
      if (r.fallback) {
        t.add({"builds use", fmt::format("{}  {:.2f}x (the previous winner, found {})",
                                         tune::params_text_of(r.fallback->best),
                                         r.fallback->speedup, r.fallback->date)});
      }
      t.add({"found", fmt::format("{} on {} by kevolve {}, {} evaluations", r.strategy, r.date,
                                  r.kevolve_version, r.evaluations)});
      std::string history;
      for (const auto& [status, count] : statuses)
        history += fmt::format("{}{} {}", history.empty() ? "" : ", ", count, status);
      t.add({"history", history.empty() ? "no trial log" : history});
      add_call_rows(t, calls_of(trials ? &*trials : nullptr, w.source_hash));
      add_extra_rows(t, r, stood, achieved, peaks_line);
      if (r.variant) add_variant_rows(t, o.unit, *r.variant);
      t.print(stdout, "  ");
      if (r.variant) print_variant_diff(o, *knowledge, *r.variant, original);
    }
  }
  if (o.json)
    fmt::print("{}", util::dump_json(
                         util::Json{{"schema", 1}, {"unit", o.unit}, {"wisdom", std::move(out)}}));
  return 0;
}

}  // namespace

void add_show_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ShowOptions>();
  CLI::App* cmd = app.add_subcommand("show", "Show a unit's winners, best candidates and history");
  cmd->add_option("unit", o->unit, "The unit")->required();
  cmd->add_option("-B,--build", o->build,
                  "A build directory: use its targets' knowledge directory");
  cmd->add_option("--knowledge", o->knowledge, "The knowledge directory (default: .kevolve)");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([o, &action] { action = [o] { return run_show(*o); }; });
}

}  // namespace kevolve::tool
