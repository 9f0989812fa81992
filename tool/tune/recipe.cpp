#include "tool/tune/recipe.hpp"

#include "analyzers/compile_args.hpp"
#include "backends/install_paths.hpp"
#include "backends/platform.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

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

bool is_library(const analyzers::Target& t) { return t.type.find("LIBRARY") != std::string::npos; }

// A library that no target of this build links: the libraries of this build it depends on,
// directly or not, as they were built (libraries from outside the build are not known then).
std::vector<std::string> built_libraries(const analyzers::BuildInfo& build,
                                         const analyzers::Target& target, std::string& from) {
  std::vector<std::string> libraries;
  std::set<std::string> seen = {target.name};
  std::vector<const analyzers::Target*> pending = {&target};
  while (!pending.empty()) {
    const analyzers::Target* t = pending.back();
    pending.pop_back();
    for (const std::string& name : t->dependencies) {
      const analyzers::Target* dependency = build.find_target(name);
      if (!dependency || !seen.insert(name).second || !is_library(*dependency)) continue;
      pending.push_back(dependency);
      std::error_code ec;
      for (const fs::path& a : dependency->artifacts) {
        if (fs::is_regular_file(a, ec) && a.extension() != ".lib") libraries.push_back(a.string());
      }
    }
  }
  if (!libraries.empty()) from = target.name + "'s dependencies";
  return libraries;
}

// The link libraries the unit's target brings: its own link's, or for a static library (which
// has no link) those of the first target of this build that links it. The target's own
// artifact is left out (its objects are the candidate's); a path relative to the build
// directory is made absolute, and left out (into `unbuilt`) where it does not exist yet. Sets
// `from` to the target whose link was read.
std::vector<std::string> link_libraries_of(const analyzers::BuildInfo& build,
                                           const analyzers::Target& target, std::string& from,
                                           std::vector<std::string>& unbuilt) {
  const analyzers::Target* linking = &target;
  if (target.link_libraries.empty()) {
    for (const analyzers::Target& t : build.targets) {
      if (t.link_libraries.empty()) continue;
      if (std::find(t.dependencies.begin(), t.dependencies.end(), target.name) ==
          t.dependencies.end())
        continue;
      linking = &t;
      break;
    }
  }
  if (linking->link_libraries.empty()) return built_libraries(build, target, from);
  std::vector<std::string> libraries;
  for (const std::string& fragment : linking->link_libraries) {
    if (fragment.empty()) continue;
    fs::path path = fragment;
    if (fragment[0] != '-' && path.is_relative())
      path = (build.build_dir / path).lexically_normal();
    if (std::find(target.artifacts.begin(), target.artifacts.end(), path) != target.artifacts.end())
      continue;
    std::error_code ec;
    if (fragment[0] != '-' && !fs::exists(path, ec)) {
      // A library of this build not built yet: linking it would fail for every candidate.
      unbuilt.push_back(path.string());
      continue;
    }
    libraries.push_back(fragment[0] == '-' ? fragment : path.string());
  }
  if (!libraries.empty()) from = linking->name;
  return libraries;
}

// A library's other sources in the kernel's language, which the kernel may call into (an
// executable's are left out: one of them holds its main). They read no parameter of the
// unit, so they are built once, without the candidate's header, unless the unit injects macros
// (which any file might read) or reads its parameters in a header (which they might include).
std::size_t add_companions(backends::CandidateRecipe& r, const analyzers::Target& target,
                           const analyzers::Unit& unit, const std::set<fs::path>& mentioning,
                           const std::string& language, const fs::path& build_dir) {
  if (!is_library(target)) return 0;
  bool read_in_header = false;
  for (const fs::path& file : mentioning) read_in_header |= group_for(target, file) == nullptr;
  std::vector<backends::SourceFile>& into =
      unit.inject == space::InjectMode::macros || read_in_header ? r.sources : r.companions;
  std::size_t added = 0;
  for (const analyzers::Source& s : target.sources) {
    if (mentioning.count(s.path) || s.path == unit.harness->file || s.language != language)
      continue;
    if (s.group < 0) continue;
    into.push_back({s.path, flags_of(target.groups[static_cast<std::size_t>(s.group)], build_dir)});
    ++added;
  }
  return added;
}

std::string describe_link(std::size_t companions, const analyzers::Target& target,
                          const std::vector<std::string>& libraries, const std::string& from,
                          bool gpu) {
  std::string text = "the unit's sources, its harness";
  if (!is_library(target)) {
    text +=
        fmt::format(" (not the other sources of {}: an executable's hold its main)", target.name);
  } else {
    text += fmt::format(", the {} other source(s) of library {}", companions, target.name);
  }
  if (libraries.empty())
    return text + (gpu ? " and no link library (a GPU candidate is a shared library)"
                       : " and no link library");
  return text + fmt::format(" and the link libraries of {} ({})", from, fmt::join(libraries, " "));
}

// What the candidate links from its target, and the sentence that says so. A GPU candidate
// is a shared library: the build's static archives, compiled without -fPIC, cannot go into it.
void add_link_libraries(backends::CandidateRecipe& r, const analyzers::BuildInfo& build,
                        const analyzers::Target& target, std::size_t companions) {
  const bool gpu = r.backend != backends::Backend::cpu;
  std::string linked_from;
  std::vector<std::string> libraries, unbuilt;
  if (!gpu) libraries = link_libraries_of(build, target, linked_from, unbuilt);
  r.link_flags = libraries;
  r.link_origin = describe_link(companions, target, libraries, linked_from, gpu);
  if (!unbuilt.empty()) {
    r.link_origin += fmt::format(" (not {}, which is not built yet: build the project first)",
                                 fmt::join(unbuilt, " "));
  }
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

  std::string kernel_language = language_group          ? language_group->language
                                : target.groups.empty() ? std::string("CXX")
                                                        : target.groups[0].language;
  std::size_t companions =
      add_companions(r, target, unit, mentioning, kernel_language, build.build_dir);
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

  add_link_libraries(r, build, target, companions);
  for (const std::string& f : platform.link_flags()) r.link_flags.push_back(f);
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
