#include "units.hpp"

#include <kevolve/kevolve.hpp>

KEVOLVE_TUNE(alpha, "A: 1, 2")
void alpha(const float* in, float* out, long n) {
  for (long i = 0; i < n; i += KEVOLVE_PARAM(alpha, A, 1)) {
    for (long j = i; j < i + KEVOLVE_PARAM(alpha, A, 1) && j < n; ++j) out[j] = 2.0f * in[j];
  }
}
