#include "tool/tune/recipe.hpp"

#include "analyzers/compile_args.hpp"
#include "backends/install_paths.hpp"
#include "backends/platform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace kevolve::tune {

namespace fs = std::filesystem;

namespace {

// A candidate gets its own injected header: the build's (kevolve_tune's -include and include
// directory under <build>/kevolve) must not reach it.
bool is_build_injection(const analyzers::IncludeDir& inc, const fs::path& build_dir) {
  auto rel = fs::path(inc.path).lexically_relative(build_dir / "kevolve");
  return !rel.empty() && *rel.begin() != "..";
}

std::vector<std::string> flags_of(const analyzers::CompileGroup& g, const fs::path& build_dir) {
  std::vector<std::string> flags;
  for (std::size_t i = 0; i < g.fragments.size(); ++i) {
    if (g.fragments[i] == "-include" && i + 1 < g.fragments.size() &&
        fs::path(g.fragments[i + 1]).filename() == "kevolve_tuned.h") {
      ++i;
      continue;
    }
    flags.push_back(g.fragments[i]);
  }
  for (const std::string& d : g.defines) flags.push_back("-D" + d);
  for (const analyzers::IncludeDir& inc : g.includes) {
    if (is_build_injection(inc, build_dir)) continue;
    if (inc.system) {
      flags.push_back("-isystem");
      flags.push_back(inc.path);
    } else {
      flags.push_back("-I" + inc.path);
    }
  }
  return flags;
}

const analyzers::CompileGroup* group_for(const analyzers::Target& t, const fs::path& file) {
  for (const analyzers::Source& s : t.sources) {
    if (s.path == file && s.group >= 0) return &t.groups[static_cast<std::size_t>(s.group)];
  }
  return nullptr;
}

}  // namespace

util::Expected<backends::CandidateRecipe> make_recipe(const analyzers::BuildInfo& build,
                                                      const analyzers::Target& target,
                                                      const analyzers::Unit& unit,
                                                      const backends::Device& device) {
  auto recipe = make_recipe(build, target, unit, device.backend);
  if (recipe) recipe->gpu_arch = backends::platform_of(device.backend).candidate_arch(device);
  return recipe;
}

util::Expected<backends::CandidateRecipe> make_recipe(const analyzers::BuildInfo& build,
                                                      const analyzers::Target& target,
                                                      const analyzers::Unit& unit,
                                                      backends::Backend backend) {
  if (!unit.harness) {
    return util::unexpected(
        fmt::format("unit '{}' has no harness: add KEVOLVE_BENCH({}, b) to a file given to "
                    "kevolve_tune({} HARNESS ...) or to --harness",
                    unit.name, unit.name, target.name));
  }
  backends::CandidateRecipe r;
  r.unit = unit.name;
  r.backend = backend;
  const backends::Platform& platform = backends::platform_of(backend);

  std::set<fs::path> mentioning = {unit.kernel.name.file};
  for (const analyzers::Param& p : unit.params) {
    for (const analyzers::Position& use : p.uses) mentioning.insert(use.file);
  }
  const analyzers::CompileGroup* language_group = nullptr;
  // Parameters read in a header might reach the harness through an include; injected macros
  // might be read anywhere.
  r.harness_reads_params = unit.inject == space::InjectMode::macros;
  for (const fs::path& file : mentioning) {
    const analyzers::CompileGroup* g = group_for(target, file);
    if (file == unit.harness->file || !g) r.harness_reads_params = true;
    if (file == unit.harness->file) continue;
    if (!g) continue;  // a header: compiled where it is included
    r.sources.push_back({file, flags_of(*g, build.build_dir)});
    if (!language_group) language_group = g;
  }

  fs::path harness = unit.harness->file;
  auto language = analyzers::language_of_file(harness).value_or(analyzers::Language::cxx);
  const analyzers::CompileGroup* harness_group = group_for(target, harness);
  for (const analyzers::CompileGroup& g : target.groups) {
    if (!harness_group && analyzers::language_named(g.language) == language) harness_group = &g;
  }
  if (!harness_group)
    harness_group = language_group          ? language_group
                    : target.groups.empty() ? nullptr
                                            : &target.groups[0];
  analyzers::CompileGroup none;
  std::vector<std::string> harness_flags =
      flags_of(harness_group ? *harness_group : none, build.build_dir);
  for (const std::string& dir : backends::benchmark_include_dirs())
    harness_flags.push_back("-I" + dir);
  r.sources.push_back({harness, harness_flags});
  r.main_flags = harness_flags;

  std::string language_name = harness_group ? harness_group->language : "CXX";
  const analyzers::Toolchain* toolchain = build.toolchain(language_name);
  if (!toolchain || toolchain->compiler.empty()) toolchain = build.toolchain("CXX");
  if (!toolchain || toolchain->compiler.empty()) {
    return util::unexpected(
        fmt::format("target {} has no C++ compiler in its CMake toolchains", target.name));
  }
  r.compiler = toolchain->compiler;
  r.compiler_version = toolchain->id + " " + toolchain->version;

  r.link_flags = platform.link_flags();
  for (const backends::SourceFile& s : r.sources) {
    if (std::find(s.flags.begin(), s.flags.end(), "-fopenmp") != s.flags.end()) {
      r.link_flags.push_back("-fopenmp");
      break;
    }
  }
  r.cache_dir = build.build_dir / "kevolve" / "cache";
  r.work_dir = build.build_dir / "kevolve" / "tune" / target.name / unit.name;
  return r;
}

}  // namespace kevolve::tune
