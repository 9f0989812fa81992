#include "backends/install_paths.hpp"

#include "util/files.hpp"

namespace kevolve::backends {

namespace fs = std::filesystem;

fs::path kevolve_include_dir() {
  return util::installed_dir("include", "kevolve/bench.hpp").value_or(KEVOLVE_SOURCE_INCLUDE_DIR);
}

std::string benchmark_library() { return KEVOLVE_BENCHMARK_LIBRARY; }

std::vector<std::string> benchmark_include_dirs() {
  std::vector<std::string> dirs;
  std::string list = KEVOLVE_BENCHMARK_INCLUDE_DIRS;
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t end = list.find(';', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) dirs.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return dirs;
}

}  // namespace kevolve::backends
