#include "stencil.hpp"

#include "extra.hpp"

#include <kevolve/kevolve.hpp>

#include <cmath>
#include <cstdio>

// A 3-point stencil. CHUNK sets how much bookkeeping each element costs: larger is faster, by
// design, so that a tuned build is told apart from an untuned one.
KEVOLVE_TUNE(stencil, "CHUNK: 1, 64")
void stencil(const float* in, float* out, long n) {
  constexpr int chunk = KEVOLVE_PARAM(stencil, CHUNK, 1);
  const float c = weight(0), s = extra_scale(2.0f * weight(1));
  for (long i = 1; i < n - 1; i += chunk) {
    volatile int bookkeeping = 0;
    for (int k = 0; k < 64; ++k) bookkeeping = bookkeeping + k;
    for (long j = i; j < i + chunk && j < n - 1; ++j)
      out[j] = std::fabs(c * in[j] + s * (in[j - 1] + in[j + 1]));
  }
}

void report() { std::printf("CHUNK=%d\n", KEVOLVE_PARAM(stencil, CHUNK, 1)); }
