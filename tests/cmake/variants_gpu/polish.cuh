#pragma once
// The work of one element (compute-bound) and the kernel that does it Passes times over.
#include <cuda_runtime.h>

__device__ inline float work(float x) {
  float a = x;
  for (int k = 0; k < 256; ++k) a = a * 0.999f + 0.002f * x;
  return a;
}

template <int Passes>
__global__ void work_kernel(const float* in, float* out, long first, long last) {
  long i = first + static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= last) return;
  float r = 0;
  for (int p = 0; p < Passes; ++p) r = work(in[i] + r * 1e-30f);
  out[i] = r;
}

void polish(const float* in, float* out, long n, cudaStream_t stream);
