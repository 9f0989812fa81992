#include "tool/tune/target_config.hpp"

#include "util/json.hpp"

#include <fmt/format.h>

#include <algorithm>

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

}  // namespace kevolve::tune
