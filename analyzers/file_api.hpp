#pragma once

// A client of the CMake File API (cmake-file-api(7)): kevolve's view of a configured build
// directory. It writes kevolve's query, reads the reply (index, codemodel v2 with its target
// files, toolchains v1, cache v2) and gives per target what the scanner needs to parse its
// sources as the build compiles them.

#include "util/expected.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::analyzers {

struct IncludeDir {
  std::string path;
  bool system = false;
};

// One compile group: the sources of a target that share language and flags.
struct CompileGroup {
  std::string language;                // CXX, C, CUDA, HIP
  std::vector<std::string> fragments;  // compile command fragments, split into arguments
  std::vector<std::string> defines;    // NAME or NAME=value
  std::vector<IncludeDir> includes;
  std::string standard;  // "17", "20", ... or empty
  std::string sysroot;
};

struct Source {
  std::filesystem::path path;  // absolute
  std::string language;
  int group = -1;  // index into Target::groups
};

struct Toolchain {
  std::string language;
  std::string compiler;  // path
  std::string id;        // GNU, Clang, NVIDIA, ...
  std::string version;
  std::vector<std::string> implicit_includes;
};

struct Target {
  std::string name;
  std::string type;                  // EXECUTABLE, STATIC_LIBRARY, ...
  std::filesystem::path source_dir;  // the directory of its CMakeLists.txt
  std::vector<Source> sources;
  std::vector<CompileGroup> groups;
  std::vector<std::string> dependencies;  // the names of the targets of this build it depends on
  // Its link command's libraries, split into arguments (executables and shared libraries; a
  // static library has none: those of the targets linking it carry its own).
  std::vector<std::string> link_libraries;
  std::vector<std::filesystem::path> artifacts;  // what it builds (absolute)
};

struct BuildInfo {
  std::filesystem::path build_dir;
  std::filesystem::path source_dir;
  std::string configuration;  // the codemodel configuration read
  std::vector<Target> targets;
  std::map<std::string, Toolchain> toolchains;            // by language
  std::map<std::string, std::string, std::less<>> cache;  // CMakeCache entries

  const Target* find_target(std::string_view name) const;
  const Toolchain* toolchain(std::string_view language) const;
  std::string cache_value(std::string_view name) const;  // "" when absent
};

struct FileApiOptions {
  std::string configuration;  // multi-config generators: which one (default: the first)
  bool reconfigure = true;    // run CMake when the reply lacks kevolve's answer
};

// Reads the build directory, configuring it again first if needed. Errors say what is wrong
// ("not a CMake build directory", a failed configure with its output).
util::Expected<BuildInfo> read_build(const std::filesystem::path& build_dir,
                                     const FileApiOptions& options = {});

}  // namespace kevolve::analyzers
