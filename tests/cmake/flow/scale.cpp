#include "scale.hpp"

#include <kevolve/kevolve.hpp>

#include <cstdio>

// CHUNK sets how much bookkeeping each element costs: larger is faster, by design, so that a
// tuned build is told apart from an untuned one.
KEVOLVE_TUNE(scale, "CHUNK: 1, 4, 16, 64; PAD: 0, 1")
void scale(const float* in, float* out, long n) {
  constexpr int chunk = KEVOLVE_PARAM(scale, CHUNK, 1);
  for (long i = 0; i < n; i += chunk) {
    volatile int bookkeeping = 0;
    for (int k = 0; k < 64; ++k) bookkeeping = bookkeeping + k;
    for (long j = i; j < i + chunk && j < n; ++j)
      out[j] = 2.0f * in[j] + KEVOLVE_PARAM(scale, PAD, 0) * 0.0f;
  }
}

void report() {
  std::printf("CHUNK=%d PAD=%d\n", KEVOLVE_PARAM(scale, CHUNK, 1), KEVOLVE_PARAM(scale, PAD, 0));
}
