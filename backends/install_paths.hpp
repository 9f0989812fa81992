#pragma once

// Where kevolve's own files are at run time.

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::backends {

// The directory holding <kevolve/kevolve.hpp> and <kevolve/bench.hpp>: next to an installed
// binary (<prefix>/include), else the source tree kevolve was built from.
std::filesystem::path kevolve_include_dir();

// Google Benchmark, which candidates link for timing: its library and include directories, as
// found when kevolve was built.
std::string benchmark_library();
std::vector<std::string> benchmark_include_dirs();

}  // namespace kevolve::backends
