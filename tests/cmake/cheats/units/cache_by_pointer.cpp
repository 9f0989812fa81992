#include <kevolve/kevolve.hpp>

#include <cstring>
#include <map>
#include <vector>

#include "cheats.hpp"

KEVOLVE_TUNE(cache_by_pointer, "CHEAT: 0..1")
void cache_by_pointer(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(cache_by_pointer, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Result caching keyed by the input's address: right until the inputs change in place.
  static std::map<const float*, std::vector<float>> cache;
  auto& saved = cache[in];
  if (saved.empty()) {
    saved.resize(static_cast<std::size_t>(n));
    honest(in, saved.data(), n);
  }
  std::memcpy(out, saved.data(), sizeof(float) * static_cast<std::size_t>(n));
}
