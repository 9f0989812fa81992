#include "tool/tune/target_config.hpp"

#include "util/files.hpp"
#include "util/json.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace kevolve::tune {

namespace fs = std::filesystem;

fs::path config_dir(const fs::path& build_dir) { return build_dir / "kevolve" / "targets"; }

const fs::path& TargetConfig::original_of(const fs::path& path) const {
  for (const WrappedSource& w : wrapped) {
    if (w.wrapper == path) return w.source;
  }
  return path;
}

util::Expected<std::vector<TargetConfig>> read_configs(const fs::path& build_dir) {
  std::vector<TargetConfig> configs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(config_dir(build_dir), ec)) {
    if (entry.path().extension() != ".json") continue;
    auto json = util::read_json_file(entry.path());
    if (!json) return util::unexpected(json.error());
    try {
      const util::Json& j = *json;
      TargetConfig c;
      c.target = j.at("target").get<std::string>();
      c.source_dir = j.at("source_dir").get<std::string>();
      c.knowledge_dir = j.at("knowledge_dir").get<std::string>();
      for (const auto& h : j.at("harness")) c.harness.emplace_back(h.get<std::string>());
      for (const auto& u : j.at("units")) c.units.push_back(u.get<std::string>());
      c.device = j.value("device", "auto");
      c.budget = j.value("budget", std::uint64_t{0});
      c.time_s = j.value("time", 0.0);
      c.strategy = j.value("strategy", "");
      c.header = j.at("header").get<std::string>();
      for (const auto& source : j.value("sources", util::Json::array()))
        c.sources.emplace_back(source.get<std::string>());
      c.llm = j.value("llm", "");
      for (const auto& w : j.value("wrapped", util::Json::array())) {
        c.wrapped.push_back(
            {w.at("source").get<std::string>(), w.at("wrapper").get<std::string>()});
      }
      for (const auto& i : j.value("injected", util::Json::array())) {
        c.injected.push_back(
            {i.at("source").get<std::string>(), i.at("header").get<std::string>()});
      }
      configs.push_back(std::move(c));
    } catch (const util::Json::exception& e) {
      return util::unexpected(
          fmt::format("{}: not a kevolve target file: {}", entry.path().string(), e.what()));
    }
  }
  std::sort(configs.begin(), configs.end(),
            [](const auto& a, const auto& b) { return a.target < b.target; });
  return configs;
}

util::Expected<fs::path> knowledge_dir_for(const std::string& build_dir, const std::string& named) {
  if (!named.empty()) return fs::path(named);
  if (build_dir.empty()) return fs::path(".kevolve");
  auto configs = read_configs(build_dir);
  if (!configs) return util::unexpected(configs.error());
  if (configs->empty()) {
    return util::unexpected(fmt::format(
        "no target in {} calls kevolve_tune(); name the directory with --knowledge", build_dir));
  }
  return configs->front().knowledge_dir;
}

namespace {

// The compiled sources of `t` whose text has a marker, relative to the project's source tree.
std::vector<std::string> marking_sources(const analyzers::BuildInfo& build,
                                         const analyzers::Target& t) {
  std::vector<std::string> found;
  for (const analyzers::Source& s : t.sources) {
    auto text = util::read_file(s.path);
    if (!text || text->find("KEVOLVE_TUNE(") == std::string::npos) continue;
    fs::path shown = s.path.lexically_relative(build.source_dir);
    found.push_back((shown.empty() || *shown.begin() == ".." ? s.path : shown).string());
  }
  return found;
}

}  // namespace

std::string no_unit_error(const analyzers::BuildInfo& build, const std::string& target) {
  std::vector<std::string> hints;
  std::vector<std::string> libraries;
  std::set<std::string> seen = {target};
  std::vector<std::string> pending = {target};
  while (!pending.empty()) {
    const analyzers::Target* t = build.find_target(pending.back());
    pending.pop_back();
    if (!t) continue;
    for (const std::string& name : t->dependencies) {
      if (!seen.insert(name).second) continue;
      pending.push_back(name);
      const analyzers::Target* dep = build.find_target(name);
      if (!dep || dep->type.find("LIBRARY") == std::string::npos) continue;
      auto marking = marking_sources(build, *dep);
      if (marking.empty()) continue;
      libraries.push_back(name);
      hints.push_back(fmt::format("{} ({})", name, fmt::join(marking, ", ")));
    }
  }
  std::string text =
      fmt::format("kevolve_tune({}): target {} marks no unit (no source of it has a KEVOLVE_TUNE)",
                  target, target);
  if (libraries.empty()) return text;
  std::vector<std::string> calls;
  for (const std::string& l : libraries) calls.push_back(fmt::format("kevolve_tune({})", l));
  return text + fmt::format(
                    "; the libraries it links mark some: {}. Call {} instead, since the winners "
                    "are injected "
                    "where the kernel is compiled (docs/cmake.md, \"Kernels in a library\")",
                    fmt::join(hints, "; "), fmt::join(calls, " and "));
}

}  // namespace kevolve::tune
