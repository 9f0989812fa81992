#include "tool/tune/workspace.hpp"

#include "analyzers/compile_commands.hpp"
#include "analyzers/scan_cache.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::tune {

namespace fs = std::filesystem;

namespace {

// The build compiles a wrapper in place of each marked source where the knowledge holds code
// variants; kevolve reads, scans and tunes the original, with the wrapper's flags.
void unwrap_sources(Workspace& ws) {
  for (const TargetConfig& c : ws.configs) {
    if (c.wrapped.empty()) continue;
    for (analyzers::Target& t : ws.build.targets) {
      if (t.name != c.target) continue;
      for (analyzers::Source& s : t.sources) s.path = c.original_of(s.path);
    }
  }
}

}  // namespace

util::Expected<Workspace> open_workspace(const fs::path& build_dir,
                                         const std::string& configuration, bool may_configure) {
  Workspace ws;
  auto configs = read_configs(build_dir);
  if (!configs) return util::unexpected(configs.error());
  ws.configs = std::move(*configs);
  if (!may_configure && !analyzers::has_file_api_reply(build_dir) && !ws.configs.empty()) {
    std::vector<analyzers::TargetSources> targets;
    for (const TargetConfig& c : ws.configs) {
      analyzers::TargetSources t{c.target, c.sources};
      for (const WrappedSource& w : c.wrapped)
        std::replace(t.sources.begin(), t.sources.end(), w.source, w.wrapper);
      targets.push_back(std::move(t));
    }
    auto build = analyzers::read_compile_commands(fs::absolute(build_dir),
                                                  ws.configs.front().source_dir, targets);
    if (!build) return util::unexpected(build.error());
    ws.build = std::move(*build);
  } else {
    analyzers::FileApiOptions api;
    api.configuration = configuration;
    auto build = analyzers::read_build(build_dir, api);
    if (!build) return util::unexpected(build.error());
    ws.build = std::move(*build);
  }
  unwrap_sources(ws);
  auto env = analyzers::make_environment(&ws.build, ws.build.build_dir / "kevolve" / "scan");
  if (!env) return util::unexpected(env.error());
  ws.env = std::move(*env);
  return ws;
}

util::Expected<std::vector<TargetConfig>> select_targets(const Workspace& ws,
                                                         const TargetSelection& selection) {
  std::vector<TargetConfig> chosen;
  if (selection.target.empty()) {
    chosen = ws.configs;
    if (chosen.empty()) {
      return util::unexpected(
          fmt::format("no target in {} calls kevolve_tune(); name one with --target",
                      ws.build.build_dir.string()));
    }
  } else {
    if (!ws.build.find_target(selection.target)) {
      std::string names;
      for (const auto& t : ws.build.targets) names += (names.empty() ? "" : ", ") + t.name;
      return util::unexpected(fmt::format("no target '{}' in {} (targets: {})", selection.target,
                                          ws.build.build_dir.string(), names));
    }
    auto it = std::find_if(ws.configs.begin(), ws.configs.end(),
                           [&](const TargetConfig& c) { return c.target == selection.target; });
    if (it != ws.configs.end()) {
      chosen.push_back(*it);
    } else {
      TargetConfig c;
      c.target = selection.target;
      c.source_dir = ws.build.source_dir;
      c.knowledge_dir = ws.build.source_dir / ".kevolve";
      c.header = ws.build.build_dir / "kevolve" / selection.target / "kevolve_tuned.h";
      chosen.push_back(std::move(c));
    }
  }
  for (TargetConfig& c : chosen) {
    for (const fs::path& h : selection.harness) {
      std::error_code ec;
      fs::path absolute = fs::absolute(h, ec).lexically_normal();
      if (std::find(c.harness.begin(), c.harness.end(), absolute) == c.harness.end())
        c.harness.push_back(absolute);
    }
    if (selection.knowledge_dir) c.knowledge_dir = fs::absolute(*selection.knowledge_dir);
  }
  return chosen;
}

analyzers::TargetScan scan(const Workspace& ws, const TargetConfig& config, unsigned jobs,
                           bool with_harness) {
  auto requests = analyzers::plan_scan(ws.build, ws.env, config.target,
                                       with_harness ? config.harness : std::vector<fs::path>{});
  analyzers::TargetScan failed;
  failed.target = config.target;
  if (!requests || requests->empty()) {
    failed.problems.push_back(
        {analyzers::Problem::Severity::error, {}, requests ? "nothing to scan" : requests.error()});
    return failed;
  }
  analyzers::ParseOptions options;
  options.jobs = jobs;
  options.work_dir = ws.build.build_dir / "kevolve" / "scan";
  options.cache_dir = analyzers::default_scan_cache();
  return analyzers::scan_target(requests->front(), options);
}

util::Expected<FoundUnit> find_unit(const Workspace& ws, std::string_view unit) {
  std::string scanned;
  for (const TargetConfig& config : ws.configs) {
    analyzers::TargetScan found = scan(ws, config, 0);
    const analyzers::Unit* u = found.find(unit);
    if (!u) {
      scanned += (scanned.empty() ? "" : ", ") + config.target;
      continue;
    }
    if (found.errors() > 0) {
      for (const analyzers::Problem& p : found.problems) {
        if (p.severity != analyzers::Problem::Severity::error) continue;
        return util::unexpected(fmt::format("{}:{}:{}: {} (target {})", p.where.file, p.where.line,
                                            p.where.column, p.message, config.target));
      }
    }
    return FoundUnit{config, *u};
  }
  return util::unexpected(fmt::format("no unit '{}' in the targets of {} (scanned: {})", unit,
                                      ws.build.build_dir.string(),
                                      scanned.empty() ? "none" : scanned));
}

}  // namespace kevolve::tune
