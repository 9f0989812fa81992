#include "units.hpp"

#include <kevolve/kevolve.hpp>

#include <cstdio>

// SPIN is useless work per element: SPIN=1 is some 30x faster than the default, 64.
KEVOLVE_TUNE(burst, "SPIN: 1, 64")
void burst(const float* in, float* out, long n) {
  for (long i = 0; i < n; ++i) {
    volatile int spin = 0;
    for (int k = 0; k < KEVOLVE_PARAM(burst, SPIN, 64); ++k) spin = spin + k;
    out[i] = 2.0f * in[i];
  }
}

// An honest kernel; its harness is not (bench/review_bench.cpp).
KEVOLVE_TUNE(hollow, "STEP: 1, 2")
void hollow(const float* in, float* out, long n) {
  for (long i = 0; i < n; i += KEVOLVE_PARAM(hollow, STEP, 1)) {
    for (long j = i; j < i + KEVOLVE_PARAM(hollow, STEP, 1) && j < n; ++j) out[j] = 2.0f * in[j];
  }
}

void report() { std::printf("SPIN=%d\n", KEVOLVE_PARAM(burst, SPIN, 64)); }
