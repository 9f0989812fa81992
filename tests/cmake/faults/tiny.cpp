// A kernel far faster than the reset the harness does before each call (a large inout buffer
// restored): its timing must not spend minutes resetting. STEP only changes what it touches.
#include <kevolve/kevolve.hpp>

#include "faults.hpp"

KEVOLVE_TUNE(tiny, "STEP: 1, 2")
void tiny(float* data, long n) {
  constexpr int step = KEVOLVE_PARAM(tiny, STEP, 1);
  for (long i = 0; i < 4 && i * step < n; ++i) data[i * step] += 1.0f;
}
