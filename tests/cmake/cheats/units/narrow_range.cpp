#include <kevolve/kevolve.hpp>


#include "cheats.hpp"

KEVOLVE_TUNE(narrow_range, "CHEAT: 0..1")
void narrow_range(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(narrow_range, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // A cheap approximation, valid only on [-1, 1).
  for (long i = 0; i < n; ++i) out[i] = in[i] >= -1.0f && in[i] < 1.0f ? in[i] : 0.0f;
}
