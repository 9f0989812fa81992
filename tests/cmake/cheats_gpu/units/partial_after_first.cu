#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

KEVOLVE_TUNE(partial_after_first, "CHEAT: 0..1")
void partial_after_first(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(partial_after_first, CHEAT, 0) == 0) {
    honest(in, out, n, stream);
    return;
  }
  // Everything on the first call; afterwards only the first tenth, relying on the output
  // buffer still holding the previous call's results.
  static bool first = true;
  long last = first ? n : n / 10;
  first = false;
  work_kernel<1><<<blocks_of(last), 256, 0, stream>>>(in, out, 0, last);
}
