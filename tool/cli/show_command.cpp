// `kevolve show <unit>`: what the knowledge directory holds for a unit: winners per device,
// the best candidates, the evidence, and the history of its evaluations.

#include "knowledge/store.hpp"
#include "knowledge/trials.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/report.hpp"
#include "tool/cli/table.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/target_config.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <fmt/format.h>

#include <map>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

struct ShowOptions {
  std::string unit;
  std::string build;
  std::string knowledge;
  bool json = false;
};

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
      t.add({"best", fmt::format("{}  {}  (defaults {}, {:.2f}x [{:.2f}, {:.2f}])",
                                 tune::params_text_of(r.best), tune::format_seconds(r.time_s),
                                 tune::format_seconds(r.baseline_s), r.speedup, r.speedup_low,
                                 r.speedup_high)});
      if (r.peak_percent)
        t.add({"peak", fmt::format("{:.1f}% of the measured {} peak", *r.peak_percent, r.bound)});
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
      for (const auto& [key, value] : r.extra.items())
        t.add({key, value.is_string() ? value.get<std::string>() : value.dump()});
      t.print(stdout, "  ");
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
