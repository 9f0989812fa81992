// Row sums of a large matrix: each row is read once, so this is memory-bound, and the question
// is how many threads share a row, how many bytes each keeps in flight, and how the partial sums
// of a row meet (warp shuffles, or the classic shared-memory tree with a barrier per step).
#include <kevolve/kevolve.hpp>

#include <cstdio>

#include "kernels.cuh"
#include "vector.cuh"

namespace {

using kevolve_examples::component;
using kevolve_examples::Vector;

constexpr int kTpr = KEVOLVE_PARAM(reduction, TPR, 32);  // threads per row
constexpr int kBlock = KEVOLVE_PARAM(reduction, BLOCK, 128);
constexpr int kVec = KEVOLVE_PARAM(reduction, VEC, 1);
constexpr int kItems = KEVOLVE_PARAM(reduction, ITEMS, 1);  // loads in flight per thread
constexpr int kShuffle = KEVOLVE_PARAM(reduction, SHUFFLE, 0);

}  // namespace

// A block sums BLOCK / TPR rows, TPR threads each. Thread t of a row reads vectors t, t + TPR,
// ... (contiguous per warp) into ITEMS independent accumulators. Needs cols % VEC == 0 (the
// launcher falls back to VEC = 1 otherwise).
template <int TPR, int BLOCK, int VEC, int ITEMS, int SHUFFLE>
KEVOLVE_TUNE(reduction,
             "TPR: 32..1024 pow2; BLOCK: 64..1024 pow2; VEC: 1, 2, 4; ITEMS: 1, 2, 4, 8; "
             "SHUFFLE: 0, 1; require TPR <= BLOCK && BLOCK <= max_threads")
__global__ void __launch_bounds__(BLOCK)
    reduction_kernel(int rows, int cols, const float* __restrict__ x, float* __restrict__ y) {
  static_assert(TPR % 32 == 0 && BLOCK % TPR == 0, "whole warps per row, whole rows per block");
  constexpr int kRows = BLOCK / TPR;
  const int t = threadIdx.x % TPR;
  const int row = blockIdx.x * kRows + threadIdx.x / TPR;

  float sum = 0.0f;
  if (row < rows) {
    const Vector<VEC>* p = reinterpret_cast<const Vector<VEC>*>(x + static_cast<long>(row) * cols);
    const int vectors = cols / VEC;
    float acc[ITEMS];
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) acc[k] = 0.0f;
    int i = t;
    for (; i + (ITEMS - 1) * TPR < vectors; i += ITEMS * TPR) {
      Vector<VEC> v[ITEMS];
#pragma unroll
      for (int k = 0; k < ITEMS; ++k) v[k] = p[i + k * TPR];
#pragma unroll
      for (int k = 0; k < ITEMS; ++k) {
#pragma unroll
        for (int c = 0; c < VEC; ++c) acc[k] += component(v[k], c);
      }
    }
#pragma unroll
    for (int k = 0; k < ITEMS - 1; ++k) {  // fewer than ITEMS vectors left for this thread
      if (i + k * TPR < vectors) {
        const Vector<VEC> v = p[i + k * TPR];
#pragma unroll
        for (int c = 0; c < VEC; ++c) acc[k] += component(v, c);
      }
    }
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) sum += acc[k];
  }

  // Every thread reaches the barriers below, also those past the last row.
  if constexpr (SHUFFLE) {
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_xor_sync(~0u, sum, offset);
    if constexpr (TPR > 32) {
      __shared__ float partial[BLOCK / 32];
      if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = sum;
      __syncthreads();
      if (t == 0) {
        sum = 0.0f;
#pragma unroll
        for (int w = 0; w < TPR / 32; ++w) sum += partial[threadIdx.x / 32 + w];
      }
    }
  } else {
    __shared__ float partial[BLOCK];
    partial[threadIdx.x] = sum;
    __syncthreads();
#pragma unroll
    for (int s = TPR / 2; s > 0; s /= 2) {
      if (t < s) partial[threadIdx.x] += partial[threadIdx.x + s];
      __syncthreads();
    }
    sum = partial[threadIdx.x];
  }
  if (t == 0 && row < rows) y[row] = sum;
}

void reduction(int rows, int cols, const float* x, float* y, cudaStream_t stream) {
  if (rows <= 0) return;
  constexpr int kRows = kBlock / kTpr;
  const unsigned blocks = static_cast<unsigned>((rows + kRows - 1) / kRows);
  if (cols % kVec == 0) {
    reduction_kernel<kTpr, kBlock, kVec, kItems, kShuffle>
        <<<blocks, kBlock, 0, stream>>>(rows, cols, x, y);
  } else {  // rows would not start on a vector boundary
    reduction_kernel<kTpr, kBlock, 1, kItems * kVec, kShuffle>
        <<<blocks, kBlock, 0, stream>>>(rows, cols, x, y);
  }
}

void report_reduction() {
  std::printf("reduction  TPR=%d BLOCK=%d VEC=%d ITEMS=%d SHUFFLE=%d\n", kTpr, kBlock, kVec, kItems,
              kShuffle);
}
