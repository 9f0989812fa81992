#include "sample.hpp"

// A CUDA kernel: template parameters, launch bounds and a launch from host code.
template <int BLOCK = KEVOLVE_PARAM(saxpy, BLOCK, 256), int ITEMS = KEVOLVE_PARAM(saxpy, ITEMS, 1)>
KEVOLVE_TUNE(saxpy, "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= 8192")
__global__ void __launch_bounds__(BLOCK)
    saxpy_kernel(int n, float a, const float* __restrict__ x, float* __restrict__ y) {
  int base = (blockIdx.x * BLOCK + threadIdx.x) * ITEMS;
#pragma unroll
  for (int i = 0; i < ITEMS; ++i) {
    if (base + i < n) y[base + i] = a * x[base + i] + y[base + i];
  }
}

void saxpy(int n, float a, const float* x, float* y, cudaStream_t s) {
  constexpr int B = KEVOLVE_PARAM(saxpy, BLOCK, 256), I = KEVOLVE_PARAM(saxpy, ITEMS, 1);
  saxpy_kernel<B, I><<<(n + B * I - 1) / (B * I), B, 0, s>>>(n, a, x, y);
}

static_assert(KEVOLVE_PARAM(saxpy, BLOCK, 256) == EXPECT_SAXPY_BLOCK, "saxpy BLOCK");
