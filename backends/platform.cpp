#include "backends/platform.hpp"

#include <algorithm>

namespace kevolve::backends {

const Platform& platform_of(Backend backend) {
  switch (backend) {
    case Backend::cpu:
      return cpu::platform();
    case Backend::cuda:
      return cuda::platform();
    case Backend::hip:
      return hip::platform();
  }
  return cpu::platform();
}

Backend backend_of_source(const std::filesystem::path& file) {
  const std::string suffix = file.extension().string();
  for (Backend b : {Backend::cuda, Backend::hip}) {
    auto suffixes = platform_of(b).source_suffixes();
    if (std::find(suffixes.begin(), suffixes.end(), suffix) != suffixes.end()) return b;
  }
  return Backend::cpu;
}

std::string_view last_optimisation_flag(const std::vector<std::string>& flags) {
  std::string_view last;
  for (const std::string& f : flags) {
    if (f.size() >= 2 && f.compare(0, 2, "-O") == 0) last = f;
  }
  return last;
}

}  // namespace kevolve::backends
