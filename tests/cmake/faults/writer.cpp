// A kernel that writes to the buffer its harness declares as input.
#include <kevolve/kevolve.hpp>

#include "faults.hpp"

KEVOLVE_TUNE(writer, "STEP: 1, 2")
void writer(float* in, float* out, long n) {
  for (long i = 0; i < n; i += KEVOLVE_PARAM(writer, STEP, 1)) {
    out[i] = in[i];
    in[i] = 0.0f;
  }
}
