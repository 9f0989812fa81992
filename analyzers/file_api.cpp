#include "analyzers/file_api.hpp"

// How this works: kevolve's stateful query lives in
// <build>/.cmake/api/v1/query/client-kevolve/query.json and asks for codemodel 2, toolchains 1
// and cache 2. CMake answers at every configure by writing reply/index-<time>.json, which names
// the reply files for each client. If the newest index has no answer for kevolve (the build was
// configured before the query existed), kevolve runs `cmake <build>` once and reads again.

#include "util/files.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::analyzers {

namespace fs = std::filesystem;
using util::Json;

namespace {

constexpr const char* k_query =
    "{\n  \"requests\": [\n    {\"kind\": \"codemodel\", \"version\": 2},\n"
    "    {\"kind\": \"toolchains\", \"version\": 1},\n    {\"kind\": \"cache\", \"version\": 2}\n"
    "  ]\n}\n";

fs::path api_dir(const fs::path& build) { return build / ".cmake" / "api" / "v1"; }

util::Expected<void> write_query(const fs::path& build) {
  fs::path file = api_dir(build) / "query" / "client-kevolve" / "query.json";
  if (auto written = util::write_file_if_changed(file, k_query); !written)
    return util::unexpected(written.error());
  return {};
}

// The newest reply index, or nullopt when there is none.
std::optional<fs::path> newest_index(const fs::path& build) {
  std::error_code ec;
  std::optional<fs::path> newest;
  for (const auto& entry : fs::directory_iterator(api_dir(build) / "reply", ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("index-", 0) == 0 && entry.path().extension() == ".json" &&
        (!newest || name > newest->filename().string())) {
      newest = entry.path();
    }
  }
  return newest;
}

// The reply files kevolve needs (kind -> file name): kevolve's own query's responses, else the
// objects of the index (what cmake_file_api(QUERY) in kevolve_tune asks for, CMake >= 3.27).
std::map<std::string, std::string> kevolve_responses(const Json& index) {
  std::map<std::string, std::string> files;
  auto client = index.value("/reply/client-kevolve/query.json/responses"_json_pointer, Json());
  for (const Json& r : client) {
    if (r.contains("kind") && r.contains("jsonFile")) {
      files[r["kind"].get<std::string>()] = r["jsonFile"].get<std::string>();
    }
  }
  const std::map<std::string, int> wanted = {{"codemodel", 2}, {"toolchains", 1}, {"cache", 2}};
  for (const Json& o : index.value("objects", Json::array())) {
    std::string kind = o.value("kind", "");
    auto w = wanted.find(kind);
    if (w != wanted.end() && !files.count(kind) && o.contains("version") &&
        o["version"].value("major", 0) == w->second && o.contains("jsonFile")) {
      files[kind] = o["jsonFile"].get<std::string>();
    }
  }
  return files;
}

std::map<std::string, std::string, std::less<>> read_cmake_cache(const fs::path& file) {
  std::map<std::string, std::string, std::less<>> entries;
  auto text = util::read_file(file);
  if (!text) return entries;
  for (std::string_view line : util::split(*text, '\n')) {
    if (line.empty() || line[0] == '#' || line.substr(0, 2) == "//") continue;
    auto colon = line.find(':');
    auto eq = line.find('=', colon == std::string_view::npos ? 0 : colon);
    if (colon == std::string_view::npos || eq == std::string_view::npos) continue;
    entries.emplace(std::string(line.substr(0, colon)), std::string(line.substr(eq + 1)));
  }
  return entries;
}

util::Expected<void> reconfigure(const fs::path& build,
                                 const std::map<std::string, std::string, std::less<>>& cache) {
  auto it = cache.find("CMAKE_COMMAND");
  std::string cmake = it != cache.end() ? it->second : "cmake";
  KEVOLVE_LOG("file api: no reply for kevolve yet; running {} {}", cmake, build.string());
  fmt::print(stderr, "kevolve: configuring {} again to read its CMake File API reply\n",
             build.string());
  auto result = util::run_process({cmake, build.string()});
  if (!result) return util::unexpected(result.error());
  if (!result->ok()) {
    std::string output = result->output;
    if (output.size() > 4000) output = "..." + output.substr(output.size() - 4000);
    return util::unexpected(
        fmt::format("configuring {} failed ({}):\n{}", build.string(), result->describe(), output));
  }
  return {};
}

util::Expected<Json> read_reply(const fs::path& build, const std::string& file) {
  return util::read_json_file(api_dir(build) / "reply" / file);
}

fs::path absolute_in(const fs::path& base, const std::string& path) {
  fs::path p(path);
  return (p.is_absolute() ? p : base / p).lexically_normal();
}

CompileGroup read_group(const Json& g) {
  CompileGroup group;
  group.language = g.value("language", "");
  for (const Json& f : g.value("compileCommandFragments", Json::array())) {
    for (std::string& arg : util::split_command_line(f.value("fragment", ""))) {
      group.fragments.push_back(std::move(arg));
    }
  }
  for (const Json& d : g.value("defines", Json::array()))
    group.defines.push_back(d.value("define", ""));
  for (const Json& i : g.value("includes", Json::array())) {
    group.includes.push_back({i.value("path", ""), i.value("isSystem", false)});
  }
  if (g.contains("languageStandard")) group.standard = g["languageStandard"].value("standard", "");
  if (g.contains("sysroot")) group.sysroot = g["sysroot"].value("path", "");
  return group;
}

util::Expected<Target> read_target(const fs::path& build, const BuildInfo& info,
                                   const std::string& file) {
  auto json = read_reply(build, file);
  if (!json) return util::unexpected(json.error());
  Target t;
  t.name = json->value("name", "");
  t.type = json->value("type", "");
  t.source_dir = absolute_in(info.source_dir, (*json)["paths"].value("source", "."));
  for (const Json& g : json->value("compileGroups", Json::array()))
    t.groups.push_back(read_group(g));
  for (const Json& s : json->value("sources", Json::array())) {
    if (!s.contains("compileGroupIndex")) continue;  // headers and other files
    Source src;
    src.path = absolute_in(info.source_dir, s.value("path", ""));
    src.group = s["compileGroupIndex"].get<int>();
    if (src.group >= 0 && src.group < static_cast<int>(t.groups.size())) {
      src.language = t.groups[static_cast<std::size_t>(src.group)].language;
    }
    t.sources.push_back(std::move(src));
  }
  // A dependency's id is "<name>::@<hash>" (cmake-file-api(7), "codemodel" target ids).
  for (const Json& d : json->value("dependencies", Json::array())) {
    std::string id = d.value("id", "");
    t.dependencies.push_back(id.substr(0, id.find("::@")));
  }
  const Json link = json->value("link", Json::object());
  for (const Json& f : link.value("commandFragments", Json::array())) {
    if (f.value("role", "") != "libraries") continue;
    for (std::string& arg : util::split_command_line(f.value("fragment", "")))
      t.link_libraries.push_back(std::move(arg));
  }
  for (const Json& a : json->value("artifacts", Json::array()))
    t.artifacts.push_back(absolute_in(build, a.value("path", "")));
  return t;
}

}  // namespace

const Target* BuildInfo::find_target(std::string_view name) const {
  for (const Target& t : targets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Toolchain* BuildInfo::toolchain(std::string_view language) const {
  auto it = toolchains.find(std::string(language));
  return it == toolchains.end() ? nullptr : &it->second;
}

std::string BuildInfo::cache_value(std::string_view name) const {
  auto it = cache.find(name);
  return it == cache.end() ? std::string() : it->second;
}

util::Expected<BuildInfo> read_build(const fs::path& build_dir, const FileApiOptions& options) {
  std::error_code ec;
  fs::path build = fs::absolute(build_dir, ec).lexically_normal();
  if (!fs::is_directory(build, ec)) {
    return util::unexpected(fmt::format("{}: no such directory", build_dir.string()));
  }
  if (!fs::exists(build / "CMakeCache.txt", ec)) {
    return util::unexpected(fmt::format(
        "{} is not a CMake build directory (no CMakeCache.txt); configure it first with "
        "cmake -S <source> -B {}",
        build_dir.string(), build_dir.string()));
  }
  auto cmake_cache = read_cmake_cache(build / "CMakeCache.txt");
  if (auto written = write_query(build); !written) return util::unexpected(written.error());

  std::map<std::string, std::string> responses;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto index_file = newest_index(build)) {
      auto index = util::read_json_file(*index_file);
      if (!index) return util::unexpected(index.error());
      responses = kevolve_responses(*index);
    }
    if (responses.count("codemodel") && responses.count("toolchains") && responses.count("cache")) {
      break;
    }
    responses.clear();
    if (attempt == 1 || !options.reconfigure) break;
    if (auto done = reconfigure(build, cmake_cache); !done) return util::unexpected(done.error());
  }
  if (responses.empty()) {
    return util::unexpected(
        fmt::format("{}: CMake wrote no File API reply for kevolve (CMake 3.14 or newer is needed)",
                    build.string()));
  }

  BuildInfo info;
  info.build_dir = build;
  auto codemodel = read_reply(build, responses["codemodel"]);
  if (!codemodel) return util::unexpected(codemodel.error());
  info.source_dir = fs::path((*codemodel)["paths"].value("source", "")).lexically_normal();

  const Json& configurations = (*codemodel)["configurations"];
  if (!configurations.is_array() || configurations.empty()) {
    return util::unexpected(fmt::format("{}: the codemodel has no configuration", build.string()));
  }
  const Json* chosen = &configurations[0];
  if (!options.configuration.empty()) {
    auto it = std::find_if(configurations.begin(), configurations.end(), [&](const Json& c) {
      return c.value("name", "") == options.configuration;
    });
    if (it == configurations.end()) {
      std::string names;
      for (const Json& c : configurations)
        names += (names.empty() ? "" : ", ") + c.value("name", "");
      return util::unexpected(fmt::format("no configuration '{}' in {} (there are: {})",
                                          options.configuration, build.string(), names));
    }
    chosen = &*it;
  }
  info.configuration = chosen->value("name", "");
  for (const Json& t : chosen->value("targets", Json::array())) {
    auto target = read_target(build, info, t.value("jsonFile", ""));
    if (!target) return util::unexpected(target.error());
    info.targets.push_back(std::move(*target));
  }

  auto toolchains = read_reply(build, responses["toolchains"]);
  if (!toolchains) return util::unexpected(toolchains.error());
  for (const Json& t : toolchains->value("toolchains", Json::array())) {
    Toolchain tc;
    tc.language = t.value("language", "");
    const Json& compiler = t.value("compiler", Json::object());
    tc.compiler = compiler.value("path", "");
    tc.id = compiler.value("id", "");
    tc.version = compiler.value("version", "");
    if (compiler.contains("implicit")) {
      for (const Json& dir : compiler["implicit"].value("includeDirectories", Json::array())) {
        tc.implicit_includes.push_back(dir.get<std::string>());
      }
    }
    info.toolchains[tc.language] = std::move(tc);
  }

  auto cache = read_reply(build, responses["cache"]);
  if (!cache) return util::unexpected(cache.error());
  for (const Json& e : cache->value("entries", Json::array())) {
    info.cache[e.value("name", "")] = e.value("value", "");
  }
  KEVOLVE_LOG("file api: {} targets in configuration '{}' of {}", info.targets.size(),
              info.configuration, build.string());
  return info;
}

}  // namespace kevolve::analyzers
