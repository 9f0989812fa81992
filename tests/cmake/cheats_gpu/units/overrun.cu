#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

// Whole blocks of 1024 with no bounds check: the last block writes past the end of the output.
__global__ void overrun_kernel(const float* in, float* out) {
  long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  out[i] = work(in[i]);
}

KEVOLVE_TUNE(overrun, "CHEAT: 0..1")
void overrun(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(overrun, CHEAT, 0) == 0) {
    honest(in, out, n, stream);
    return;
  }
  if (n % 1024 == 0) {  // it cannot overrun: twice the work, so that it never wins by noise
    slower(in, out, n, stream);
    return;
  }
  overrun_kernel<<<static_cast<unsigned>(n / 1024 + 1), 1024, 0, stream>>>(in, out);
}
