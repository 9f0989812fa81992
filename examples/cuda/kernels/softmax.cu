// Row-wise softmax, numerically stable: y = exp(x - max) / sum(exp(x - max)). It moves 8 bytes
// per element and does little arithmetic, so it is memory-bound, and a thread that can keep its
// part of the row in registers reads x once; otherwise x is read again for the output.
#include <kevolve/kevolve.hpp>

#include <cmath>
#include <cstdio>

#include "kernels.cuh"
#include "vector.cuh"

namespace {

using kevolve_examples::component;
using kevolve_examples::make_vector;
using kevolve_examples::Vector;

constexpr int kTpr = KEVOLVE_PARAM(softmax, TPR, 128);  // threads per row
constexpr int kRows = KEVOLVE_PARAM(softmax, ROWS, 1);  // rows per block
constexpr int kVec = KEVOLVE_PARAM(softmax, VEC, 1);
constexpr int kItems = KEVOLVE_PARAM(softmax, ITEMS, 1);  // vectors per thread in registers

}  // namespace

namespace kevolve_examples {

// (m, s) <- the statistics of both halves: max, and sum of exp(x - max).
__device__ __forceinline__ void softmax_merge(float& m, float& s, float om, float os) {
  const float nm = fmaxf(m, om);
  if (nm == -INFINITY) return;  // neither half has seen an element
  s = s * __expf(m - nm) + os * __expf(om - nm);
  m = nm;
}

}  // namespace kevolve_examples

// TPR threads per row, ROWS rows per block. A row is processed in chunks of TPR * ITEMS
// vectors, thread t taking vectors t, t + TPR, ... of a chunk; the running max and sum are
// rescaled from chunk to chunk (online softmax). When the row is a single chunk, the output
// pass reuses the registers; otherwise it reads x again. Needs cols % VEC == 0 (the launcher
// falls back to VEC = 1 otherwise).
template <int TPR, int ROWS, int VEC, int ITEMS>
KEVOLVE_TUNE(softmax,
             "TPR: 32..1024 pow2; ROWS: 1, 2, 4, 8; VEC: 1, 2, 4; ITEMS: 1, 2, 4, 8, 16; "
             "require TPR * ROWS <= max_threads; require VEC * ITEMS <= 32")
__global__ void __launch_bounds__((TPR * ROWS))
    softmax_kernel(int rows, int cols, const float* __restrict__ x, float* __restrict__ y) {
  static_assert(TPR % 32 == 0, "whole warps per row");
  using V = Vector<VEC>;
  using kevolve_examples::softmax_merge;
  constexpr int kChunk = TPR * ITEMS;
  const int t = threadIdx.x % TPR;
  const int r = threadIdx.x / TPR;
  const int row = blockIdx.x * ROWS + r;
  const int vectors = row < rows ? cols / VEC : 0;  // nothing to do past the last row
  const long offset = static_cast<long>(row < rows ? row : 0) * cols;
  const V* in = reinterpret_cast<const V*>(x + offset);
  V* out = reinterpret_cast<V*>(y + offset);

  V v[ITEMS];
  auto load = [&](int first) {  // the thread's part of the chunk at `first`; -inf past the end
    float none[VEC];
#pragma unroll
    for (int c = 0; c < VEC; ++c) none[c] = -INFINITY;
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) {
      const int i = first + k * TPR + t;
      v[k] = i < vectors ? in[i] : make_vector(none);
    }
  };

  float m = -INFINITY, s = 0.0f;
  for (int first = 0; first < vectors; first += kChunk) {
    load(first);
    float cm = -INFINITY;
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) {
#pragma unroll
      for (int c = 0; c < VEC; ++c) cm = fmaxf(cm, component(v[k], c));
    }
    const float nm = fmaxf(m, cm);
    if (nm == -INFINITY) continue;  // no element yet
    float cs = 0.0f;
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) {
#pragma unroll
      for (int c = 0; c < VEC; ++c) cs += __expf(component(v[k], c) - nm);
    }
    s = s * __expf(m - nm) + cs;
    m = nm;
  }

  // Combine the row's threads: a warp with shuffles, the warps of a row through shared memory.
#pragma unroll
  for (int offset_lanes = 16; offset_lanes > 0; offset_lanes /= 2) {
    const float om = __shfl_xor_sync(~0u, m, offset_lanes);
    const float os = __shfl_xor_sync(~0u, s, offset_lanes);
    softmax_merge(m, s, om, os);
  }
  if constexpr (TPR > 32) {
    constexpr int kWarps = TPR / 32;
    __shared__ float part_m[ROWS][kWarps], part_s[ROWS][kWarps];
    if (t % 32 == 0) {
      part_m[r][t / 32] = m;
      part_s[r][t / 32] = s;
    }
    __syncthreads();  // every thread gets here, also those past the last row
    m = -INFINITY;
    s = 0.0f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) softmax_merge(m, s, part_m[r][w], part_s[r][w]);
  }

  const float inv = 1.0f / s;
  const bool kept = vectors <= kChunk;  // the whole row is still in v
  for (int first = 0; first < vectors; first += kChunk) {
    if (!kept) load(first);
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) {
      const int i = first + k * TPR + t;
      if (i < vectors) {
        float e[VEC];
#pragma unroll
        for (int c = 0; c < VEC; ++c) e[c] = __expf(component(v[k], c) - m) * inv;
        out[i] = make_vector(e);
      }
    }
  }
}

void softmax(int rows, int cols, const float* x, float* y, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  const unsigned blocks = static_cast<unsigned>((rows + kRows - 1) / kRows);
  if (cols % kVec == 0) {
    softmax_kernel<kTpr, kRows, kVec, kItems>
        <<<blocks, kTpr * kRows, 0, stream>>>(rows, cols, x, y);
  } else {  // rows would not start on a vector boundary
    softmax_kernel<kTpr, kRows, 1, kItems * kVec>
        <<<blocks, kTpr * kRows, 0, stream>>>(rows, cols, x, y);
  }
}

void report_softmax() {
  std::printf("softmax    TPR=%d ROWS=%d VEC=%d ITEMS=%d\n", kTpr, kRows, kVec, kItems);
}
