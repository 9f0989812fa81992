// `kevolve status -B <build>`: per unit and device, whether the recorded winners are current.

#include "backends/device.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/report.hpp"
#include "tool/cli/table.hpp"
#include "tool/tune/apply.hpp"
#include "tool/tune/build_check.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/recipe.hpp"
#include "tool/tune/record_text.hpp"
#include "tool/tune/workspace.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <fmt/format.h>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

// Current, as `tuned` is: tuned, and no candidate beat the defaults beyond the noise.
constexpr const char* k_defaults_stand = "defaults stand";

// How this build compiles the unit's kernel; none when kevolve could not build its candidates.
std::optional<tune::BuildConfig> build_of(const tune::Workspace& ws, const std::string& target,
                                          const analyzers::Unit& unit) {
  const analyzers::Target* t = ws.build.find_target(target);
  if (!t) return std::nullopt;
  const backends::Backend backend =
      backends::backend_named(tune::backend_of(unit)).value_or(backends::Backend::cpu);
  auto recipe = tune::make_recipe(ws.build, *t, unit, backend);
  if (!recipe) return std::nullopt;
  return tune::build_config(*recipe, tune::build_type_of(ws.build));
}

struct StatusOptions {
  std::string build;
  std::string target;
  std::string device = "auto";
  std::string configuration;
  bool check = false;
  bool json = false;
};

int run_status(const StatusOptions& o) {
  auto ws = tune::open_workspace(o.build, o.configuration);
  if (!ws) throw Error(ws.error());
  tune::TargetSelection selection;
  selection.target = o.target;
  auto targets = tune::select_targets(*ws, selection);
  if (!targets) throw Error(targets.error());
  backends::Inventory inventory = backends::detect_devices();

  Table table;
  table.add({"target", "unit", "device", "state", "speedup", "peak", "tuned on", "date"});
  util::Json rows = util::Json::array();
  int not_current = 0;
  int errors = 0;  // units it cannot judge, problems in sources
  std::vector<std::string> notes;
  for (const tune::TargetConfig& config : *targets) {
    analyzers::TargetScan scan = tune::scan(*ws, config, 0);
    print_problems(scan, ws->build.source_dir);
    if (scan.errors() > 0) {
      // A unit whose marker or space has an error is not among the units: it cannot be judged.
      errors += scan.errors();
      fmt::print(stderr,
                 "kevolve: error: target {} has errors in its sources (above); units with "
                 "errors are not shown\n",
                 config.target);
    }
    std::optional<knowledge::KnowledgeDir> knowledge;
    if (auto opened = knowledge::KnowledgeDir::open(config.knowledge_dir))
      knowledge = std::move(*opened);
    for (const analyzers::Unit& unit : scan.units) {
      knowledge::DeviceId device = tune::device_for(unit, o.device, inventory);
      std::string device_text =
          device.slug.empty() ? device.backend + " (none here)" : device.str();
      auto space = tune::unit_space(unit, tune::facts_of(device, inventory));
      if (!space) {
        ++errors;
        ++not_current;
        fmt::print(stderr, "kevolve: error: {}\n", space.error());
        table.add({config.target, unit.name, device_text, "error", "-", "-", "-", "-"});
        rows.push_back(util::Json{{"target", config.target},
                                  {"unit", unit.name},
                                  {"device", device.str()},
                                  {"state", "error"},
                                  {"note", space.error()}});
        continue;
      }
      std::optional<tune::BuildConfig> build = build_of(*ws, config.target, unit);
      auto w = tune::find_wisdom(knowledge ? &*knowledge : nullptr, unit, *space, device,
                                 build ? &*build : nullptr);
      if (!w) throw Error(w.error());
      if (!w->note.empty()) notes.push_back(fmt::format("{}: {}", unit.name, w->note));
      if (!w->refused.empty()) notes.push_back(fmt::format("{}: {}", unit.name, w->refused));
      std::string state = "missing";
      std::string speedup = "-", peak = "-", from = "-", date = "-";
      if (w->lookup.wisdom) {
        const knowledge::Wisdom& wisdom = *w->lookup.wisdom;
        const knowledge::SizeRecord* r = wisdom.primary();
        bool exact = w->lookup.match == knowledge::Match::exact;
        const knowledge::ParamValues defaults = tune::defaults_params(unit);
        state = w->review                                  ? "review"
                : w->stale || w->retune                    ? "stale"
                : !w->refused.empty()                      ? "invalid"
                : !exact                                   ? "borrowed"
                : r && tune::defaults_stood(*r, &defaults) ? k_defaults_stand
                                                           : "tuned";
        from = exact
                   ? wisdom.device_id
                   : fmt::format("{} ({})", wisdom.device_id, knowledge::describe(w->lookup.match));
        if (state == k_defaults_stand)
          notes.push_back(fmt::format("{}: {}", unit.name, tune::k_defaults_stand_text));
        if (r) {
          if (state != k_defaults_stand) speedup = fmt::format("{:.2f}x", r->speedup);
          if (r->peak_percent) peak = fmt::format("{:.0f}% {}", *r->peak_percent, r->bound);
          date = r->date.substr(0, 10);
        }
      }
      if (state != "tuned" && state != k_defaults_stand) ++not_current;
      table.add({config.target, unit.name, device_text, state, speedup, peak, from, date});
      rows.push_back(
          util::Json{{"target", config.target},
                     {"unit", unit.name},
                     {"device", device.str()},
                     {"state", state},
                     {"wisdom_device", w->lookup.wisdom ? w->lookup.wisdom->device_id : ""},
                     {"match", knowledge::describe(w->lookup.match)},
                     {"note", w->note},
                     {"build_changes", w->build_changes}});
      if (w->review) rows.back()["review"] = w->review_reason;
      if (!w->refused.empty()) rows.back()["refused"] = w->refused;
    }
  }
  if (o.json) {
    fmt::print("{}", util::dump_json(util::Json{{"schema", 1}, {"units", std::move(rows)}}));
  } else {
    table.print(stdout);
    for (const std::string& note : notes) fmt::print("{}\n", note);
  }
  if (errors > 0) return 1;
  return o.check && not_current > 0 ? 1 : 0;
}

}  // namespace

void add_status_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Show per unit whether its winners are tuned, waiting for review, stale or missing");
  cmd->add_option("-B,--build", o->build, "The CMake build directory")->required();
  cmd->add_option("--target", o->target, "Only this target");
  cmd->add_option("--device", o->device, "For this device id (default: this machine's)");
  cmd->add_option("--config", o->configuration, "Multi-config generators: the configuration");
  cmd->add_flag("--check", o->check,
                "Exit 1 unless every unit is tuned for the device (for CI); errors exit 1 always");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([o, &action] { action = [o] { return run_status(*o); }; });
}

}  // namespace kevolve::tool
