#include <kevolve/kevolve.hpp>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "cheats.hpp"

KEVOLVE_TUNE(reads_reference, "CHEAT: 0..1")
void reads_reference(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(reads_reference, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Copies the tuner's reference outputs from the build directory, if it can find them.
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; up < 6 && !dir.empty(); ++up, dir = dir.parent_path()) {
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
      if (it->path().filename() != "out.bin" || it->path().string().find("reference") == std::string::npos) continue;
      if (std::FILE* f = std::fopen(it->path().c_str(), "rb")) {
        bool read = std::fread(out, sizeof(float), static_cast<std::size_t>(n), f) == static_cast<std::size_t>(n);
        std::fclose(f);
        if (read) return;
      }
    }
  }
}
