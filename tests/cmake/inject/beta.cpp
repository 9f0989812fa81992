#include "units.hpp"

#include <kevolve/kevolve.hpp>

#include <cstdio>

KEVOLVE_TUNE(beta, "B: 1, 2")
void beta(const float* in, float* out, long n) {
  for (long i = 0; i < n; i += KEVOLVE_PARAM(beta, B, 1)) {
    for (long j = i; j < i + KEVOLVE_PARAM(beta, B, 1) && j < n; ++j) out[j] = in[j] + 1.0f;
  }
  if (n == 0) std::printf("B=%d\n", KEVOLVE_PARAM(beta, B, 1));
}
