// `kevolve scan -B <build>`: the tuning units of a build's targets, as libclang sees them.

#include "analyzers/file_api.hpp"
#include "analyzers/scan.hpp"
#include "analyzers/scan_cache.hpp"
#include "knowledge/wisdom.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/report.hpp"
#include "tool/cli/table.hpp"
#include "tool/tune/target_config.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;
using analyzers::Position;
using analyzers::Problem;

struct ScanOptions {
  std::string build;
  std::string target;
  std::vector<std::string> harnesses;
  std::string configuration;
  unsigned jobs = 0;
  bool no_prelude = false;
  bool no_cache = false;
  bool json = false;
};

util::Json unit_json(const analyzers::Unit& u) {
  const auto& k = u.kernel;
  util::Json templates = util::Json::array();
  for (const auto& t : k.template_params) {
    templates.push_back(util::Json{
        {"name", t.name}, {"kind", t.kind}, {"type", t.type}, {"default", t.default_text}});
  }
  util::Json params = util::Json::array();
  for (const auto& p : u.params) {
    util::Json values = util::Json::array();
    for (const auto& v : p.values) values.push_back(knowledge::value_json(v));
    util::Json uses = util::Json::array();
    for (const auto& use : p.uses)
      uses.push_back(util::Json{{"file", use.file}, {"line", use.line}});
    util::Json default_value = p.default_value          ? knowledge::value_json(*p.default_value)
                               : p.default_text.empty() ? util::Json(nullptr)
                                                        : util::Json(p.default_text);
    params.push_back(util::Json{{"name", p.name},
                                {"values", std::move(values)},
                                {"default", std::move(default_value)},
                                {"default_text", p.default_text},
                                {"uses", std::move(uses)}});
  }
  return util::Json{
      {"name", u.name},
      {"kernel",
       {{"file", k.name.file},
        {"line", k.name.line},
        {"function", k.function},
        {"begin", k.begin},
        {"end", k.end},
        {"body_begin", k.body_begin},
        {"body_end", k.body_end},
        {"template_params", std::move(templates)}}},
      {"marker", {{"file", u.marker.file}, {"line", u.marker.line}, {"column", u.marker.column}}},
      {"space", u.space},
      {"inject", u.inject == space::InjectMode::macros ? "macros" : "param"},
      {"params", std::move(params)},
      {"harness", u.harness ? util::Json{{"file", u.harness->file}, {"line", u.harness->line}}
                            : util::Json(nullptr)},
      {"hash", u.hash},
      {"kernel_hash", u.kernel_hash}};
}

std::string severity(const Problem& p) {
  return p.severity == Problem::Severity::error ? "error" : "warning";
}

util::Json problem_json(const Problem& p) {
  util::Json out{{"severity", severity(p)}, {"message", p.message}};
  out["file"] = p.where.file.empty() ? util::Json(nullptr) : util::Json(p.where.file);
  out["line"] = p.where.line;
  out["column"] = p.where.column;
  return out;
}

void print_target(const analyzers::TargetScan& t, const fs::path& base) {
  fmt::print(
      "{}: {} unit{} in {} file{} ({:.2f} s{})\n", t.target, t.units.size(),
      t.units.size() == 1 ? "" : "s", t.files, t.files == 1 ? "" : "s", t.stats.parse_seconds,
      t.stats.preludes_built ? fmt::format(", prelude built in {:.2f} s", t.stats.prelude_seconds)
                             : "");
  if (t.units.empty()) return;
  Table table;
  table.add({"unit", "kernel", "function", "defaults", "harness"});
  for (const auto& u : t.units) {
    std::string defaults;
    for (const auto& p : u.params) {
      defaults += fmt::format("{}{}={}", defaults.empty() ? "" : " ", p.name,
                              p.default_text.empty() ? "?" : p.default_text);
    }
    table.add({u.name,
               fmt::format("{}:{}", relative_to(u.kernel.name.file, base), u.kernel.name.line),
               u.kernel.function, defaults,
               u.harness ? fmt::format("{}:{}", relative_to(u.harness->file, base), u.harness->line)
                         : "-"});
  }
  table.print(stdout, "  ");
}

// A target that calls kevolve_tune() is scanned with its HARNESS files too, as tune scans it.
void with_recorded_harnesses(std::vector<analyzers::ScanRequest>& requests,
                             const analyzers::BuildInfo& build,
                             const analyzers::ScanEnvironment& env,
                             const std::vector<fs::path>& given) {
  auto configs = tune::read_configs(build.build_dir);
  if (!configs) throw Error(configs.error());
  for (analyzers::ScanRequest& request : requests) {
    for (const tune::TargetConfig& config : *configs) {
      if (config.target != request.target || config.harness.empty()) continue;
      std::vector<fs::path> harnesses = given;
      for (const fs::path& h : config.harness) {
        bool named = std::any_of(given.begin(), given.end(), [&](const fs::path& g) {
          std::error_code ec;
          return fs::absolute(g, ec).lexically_normal() == h.lexically_normal();
        });
        if (!named) harnesses.push_back(h);
      }
      auto planned = analyzers::plan_scan(build, env, request.target, harnesses);
      if (!planned) throw Error(planned.error());
      if (!planned->empty()) request = std::move(planned->front());
    }
  }
}

int run_scan(const ScanOptions& o) {
  analyzers::FileApiOptions api;
  api.configuration = o.configuration;
  auto build = analyzers::read_build(o.build, api);
  if (!build) throw Error(build.error());
  fs::path work = build->build_dir / "kevolve" / "scan";
  auto env = analyzers::make_environment(&*build, work);
  if (!env) throw Error(env.error());
  std::vector<fs::path> harnesses(o.harnesses.begin(), o.harnesses.end());
  for (const fs::path& h : harnesses) {
    std::error_code ec;
    if (!fs::is_regular_file(h, ec))
      throw Error(fmt::format("--harness {}: no such file", h.string()));
  }
  auto requests = analyzers::plan_scan(*build, *env, o.target, harnesses);
  if (!requests) throw Error(requests.error());
  with_recorded_harnesses(*requests, *build, *env, harnesses);

  analyzers::ParseOptions parse;
  parse.jobs = o.jobs;
  parse.use_prelude = !o.no_prelude;
  parse.work_dir = work;
  if (!o.no_cache) parse.cache_dir = analyzers::default_scan_cache();
  std::vector<analyzers::TargetScan> scans;
  for (const auto& request : *requests) scans.push_back(analyzers::scan_target(request, parse));

  int errors = 0;
  for (const auto& s : scans) errors += s.errors();
  if (o.json) {
    util::Json targets = util::Json::array();
    for (const auto& s : scans) {
      util::Json units = util::Json::array();
      for (const auto& u : s.units) units.push_back(unit_json(u));
      util::Json problems = util::Json::array();
      for (const auto& p : s.problems) problems.push_back(problem_json(p));
      targets.push_back(util::Json{{"name", s.target},
                                   {"files", s.files},
                                   {"seconds", s.stats.parse_seconds},
                                   {"units", std::move(units)},
                                   {"problems", std::move(problems)}});
    }
    util::Json out{{"schema", 1},
                   {"build", build->build_dir.string()},
                   {"source", build->source_dir.string()},
                   {"libclang", analyzers::libclang_version()},
                   {"targets", std::move(targets)}};
    fmt::print("{}", util::dump_json(out));
  } else {
    for (const auto& s : scans) print_target(s, build->source_dir);
    for (const auto& s : scans) print_problems(s, build->source_dir);
  }
  return errors > 0 ? 1 : 0;
}

}  // namespace

void add_scan_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ScanOptions>();
  CLI::App* cmd =
      app.add_subcommand("scan", "Find the tuning units of a CMake build's targets (libclang)");
  cmd->add_option("-B,--build", o->build, "The CMake build directory")->required();
  cmd->add_option("--target", o->target, "Scan only this target");
  cmd->add_option("--harness", o->harnesses,
                  "A file with KEVOLVE_BENCH harnesses, besides kevolve_tune's (repeatable)");
  cmd->add_option("--config", o->configuration,
                  "Multi-config generators: the configuration to read");
  cmd->add_option("-j,--jobs", o->jobs, "Parallel parses (default: one per hardware thread)");
  cmd->add_flag("--no-prelude", o->no_prelude,
                "Do not share a precompiled CUDA/HIP runtime prelude");
  cmd->add_flag("--no-cache", o->no_cache,
                "Parse every source again; neither read nor write the scan cache");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([o, &action] { action = [o] { return run_scan(*o); }; });
}

}  // namespace kevolve::tool
