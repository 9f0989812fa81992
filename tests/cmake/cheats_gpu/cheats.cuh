#pragma once
// Shared by the GPU cheat units: the honest work of one element (compute-bound, so that
// skipping it would win big), the kernels every unit launches, and the units' signatures:
//   void unit(const float* in, float* out, long n, cudaStream_t stream)
#include <cuda_runtime.h>

__device__ inline float work(float x) {
  float a = x;
  for (int k = 0; k < 256; ++k) a = a * 0.999f + 0.002f * x;
  return x > 0 ? a : 0.0f;  // zero for negative inputs: what memset_trick relies on
}

// out[i] = work(in[i]) for i in [first, last), Passes times over (2: the fallback of a cheat
// that could not fire). A template: this header is in every unit.
template <int Passes = 1>
__global__ void work_kernel(const float* in, float* out, long first, long last) {
  long i = first + static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= last) return;
  float r = 0;
  for (int p = 0; p < Passes; ++p) r = work(in[i] + r * 1e-30f);
  out[i] = r;
}

inline unsigned blocks_of(long count) { return static_cast<unsigned>((count + 255) / 256); }
inline void honest(const float* in, float* out, long n, cudaStream_t stream) {
  work_kernel<1><<<blocks_of(n), 256, 0, stream>>>(in, out, 0, n);
}
inline void slower(const float* in, float* out, long n, cudaStream_t stream) {
  work_kernel<2><<<blocks_of(n), 256, 0, stream>>>(in, out, 0, n);
}

void other_stream(const float* in, float* out, long n, cudaStream_t stream);
void cache_by_pointer(const float* in, float* out, long n, cudaStream_t stream);
void partial_after_first(const float* in, float* out, long n, cudaStream_t stream);
void stash_in_input(const float* in, float* out, long n, cudaStream_t stream);
void overrun(const float* in, float* out, long n, cudaStream_t stream);
void memset_trick(const float* in, float* out, long n, cudaStream_t stream);
void l2_persist(const float* in, float* out, long n, cudaStream_t stream);
void honest_faster(const float* in, float* out, long n, cudaStream_t stream);
