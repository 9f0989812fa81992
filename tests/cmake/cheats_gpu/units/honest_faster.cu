#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

KEVOLVE_TUNE(honest_faster, "CHEAT: 0..1")
void honest_faster(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(honest_faster, CHEAT, 0) == 0) {
    slower(in, out, n, stream);
    return;
  }
  // The control: the default does the work twice, this candidate once.
  honest(in, out, n, stream);
}
