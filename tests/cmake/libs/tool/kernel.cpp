#include "kernel.hpp"

#include <kevolve/kevolve.hpp>

KEVOLVE_TUNE(twice, "STEP: 1, 2")
void twice(const float* in, float* out, long n) {
  constexpr int step = KEVOLVE_PARAM(twice, STEP, 1);
  for (long i = 0; i < n; i += step)
    for (long j = i; j < i + step && j < n; ++j) out[j] = factor() * in[j];
}
