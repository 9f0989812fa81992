#pragma once

// A candidate: the unit's kernel sources and harness with one set of parameter values,
// compiled into something that speaks the harness protocol (include/kevolve/bench.hpp): an
// executable for the CPU, a shared library that the device's runner loads for CUDA and HIP.
// What stays the same for every candidate of a unit is its recipe; the candidate itself is the
// text of its injected header.

#include "backends/device.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::backends {

struct SourceFile {
  std::filesystem::path path;
  std::vector<std::string> flags;  // the target's flags for it: fragments, -D, -I
};

struct CandidateRecipe {
  std::string unit;
  Backend backend = Backend::cpu;
  std::string gpu_arch;             // sm_90a, gfx90a: what candidates are compiled for
  std::string compiler;             // the target's compiler (path)
  std::string compiler_version;     // part of every cache key
  std::vector<SourceFile> sources;  // the sources that mention the unit, the harness last
  // The other sources of the unit's target that the kernel may call into (a helper defined
  // beside it in its library): compiled once, without the candidate's header.
  std::vector<SourceFile> companions;
  // False when no parameter is read where the harness could see it: the harness is then built
  // once, without the candidate's header.
  bool harness_reads_params = true;
  std::vector<std::string> main_flags;  // for the generated main (the harness's flags)
  std::vector<std::string> link_flags;  // the target's link flags and libraries
  // What the link takes from the unit's target, said when a symbol is missing from it.
  std::string link_origin;
  std::filesystem::path cache_dir;          // objects and executables by content hash
  std::filesystem::path work_dir;           // scratch for this unit's candidates
  std::filesystem::path compiler_temp_dir;  // TMPDIR for the compilers; empty: theirs
  // A compiler or linker that runs longer is stopped (with its children) and the build fails:
  // a hung compiler must not block a tune for good.
  std::chrono::milliseconds compile_timeout{600'000};
};

struct Build {
  bool ok = false;
  std::filesystem::path executable;  // or the shared library, for GPU backends
  std::string log;                   // the compiler's output when it failed
  bool cached = false;
  double seconds = 0;
};

}  // namespace kevolve::backends
