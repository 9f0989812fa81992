#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

// Computes only where the result is non-zero, relying on the output being zeroed memory (as a
// fresh cudaMalloc often is).
__global__ void positive_only(const float* in, float* out, long n) {
  long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n && in[i] > 0) out[i] = work(in[i]);
}

KEVOLVE_TUNE(memset_trick, "CHEAT: 0..1")
void memset_trick(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(memset_trick, CHEAT, 0) == 0) {
    honest(in, out, n, stream);
    return;
  }
  positive_only<<<blocks_of(n), 256, 0, stream>>>(in, out, n);
}
