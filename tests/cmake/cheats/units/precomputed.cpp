#include <kevolve/kevolve.hpp>

#include <kevolve/detail/memory.hpp>
#include <vector>

#include "cheats.hpp"

KEVOLVE_TUNE(precomputed, "CHEAT: 0..1")
void precomputed(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(precomputed, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Outputs precomputed before main for the seeds a harness used to use (1, 2, 3, 1001): used
  // when the input matches, else nothing is written.
  static const std::vector<std::vector<float>> known = [] {
    std::vector<std::vector<float>> k;
    for (std::uint64_t seed : {1ull, 2ull, 3ull, 1001ull})
      k.push_back({kevolve::detail::random_value<float>(kevolve::detail::buffer_seed(seed, "in"), 0)});
    return k;
  }();
  for (const auto& k : known) {
    if (k[0] == in[0]) {
      honest(in, out, n);
      return;
    }
  }
}
