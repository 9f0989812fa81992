// The STREAM triad, a = b + s * c: no reuse at all, so its speed is how close the access pattern
// gets to the memory bandwidth. Wider accesses, more loads in flight per thread and the grid's
// shape decide that.
//
// Device-only (docs/device-only.md): the kernel is extern "C" and reads its parameters at
// compile time; the launcher reads the launch's shape at run time and launches through
// KEVOLVE_LAUNCH, so each candidate the tuner builds is only this file's cubin.
#include <kevolve/launch.hpp>

#include <algorithm>
#include <cstdio>

#include "kernels.cuh"
#include "vector.cuh"

namespace kevolve_examples {

__device__ __forceinline__ float triad_op(float b, float s, float c) { return fmaf(s, c, b); }
__device__ __forceinline__ float2 triad_op(float2 b, float s, float2 c) {
  return make_float2(fmaf(s, c.x, b.x), fmaf(s, c.y, b.y));
}
__device__ __forceinline__ float4 triad_op(float4 b, float s, float4 c) {
  return make_float4(fmaf(s, c.x, b.x), fmaf(s, c.y, b.y), fmaf(s, c.z, b.z), fmaf(s, c.w, b.w));
}

}  // namespace kevolve_examples

namespace {

using kevolve_examples::triad_op;
using kevolve_examples::Vector;

constexpr int kBlock = KEVOLVE_PARAM(triad, BLOCK, 256);
constexpr int kVec = KEVOLVE_PARAM(triad, VEC, 1);
constexpr int kItems = KEVOLVE_PARAM(triad, ITEMS, 1);
// 0: one block per chunk of the array; w > 0: a grid-stride loop over w waves of resident blocks.
constexpr int kWaves = KEVOLVE_PARAM(triad, WAVES, 0);

}  // namespace

// Each block takes chunks of BLOCK * ITEMS vectors; thread t handles vectors t, t + BLOCK, ...
// of a chunk, so every load instruction of a warp is contiguous, and all ITEMS loads are issued
// before the first store.
extern "C" {
KEVOLVE_TUNE(triad,
             "BLOCK: 64..1024 pow2; VEC: 1, 2, 4; ITEMS: 1, 2, 4, 8; WAVES: 0, 1, 2, 4; "
             "require BLOCK <= max_threads")
__global__ void __launch_bounds__(kBlock)
    triad_kernel(long n, float s, const float* __restrict__ b, const float* __restrict__ c,
                 float* __restrict__ a) {
  using V = Vector<kVec>;
  const V* bv = reinterpret_cast<const V*>(b);
  const V* cv = reinterpret_cast<const V*>(c);
  V* av = reinterpret_cast<V*>(a);
  const long vectors = n / kVec;
  constexpr long kChunk = static_cast<long>(kBlock) * kItems;
  for (long first = blockIdx.x * kChunk; first < vectors; first += gridDim.x * kChunk) {
    const long i0 = first + threadIdx.x;
    V x[kItems], y[kItems];
    if (first + kChunk <= vectors) {
#pragma unroll
      for (int k = 0; k < kItems; ++k) {
        x[k] = bv[i0 + k * kBlock];
        y[k] = cv[i0 + k * kBlock];
      }
#pragma unroll
      for (int k = 0; k < kItems; ++k) av[i0 + k * kBlock] = triad_op(x[k], s, y[k]);
    } else {  // the last, partial chunk
#pragma unroll
      for (int k = 0; k < kItems; ++k) {
        const long i = i0 + k * kBlock;
        if (i < vectors) av[i] = triad_op(bv[i], s, cv[i]);
      }
    }
  }
  // The n % VEC floats after the last whole vector.
  const long rest = vectors * kVec + blockIdx.x * static_cast<long>(kBlock) + threadIdx.x;
  if (rest < n) a[rest] = triad_op(b[rest], s, c[rest]);
}
}

void triad(long n, float s, const float* b, const float* c, float* a, cudaStream_t stream) {
  if (n <= 0) return;
  // The candidate's values at run time (the kernel has them as compiled).
  const long block = KEVOLVE_RUNTIME_PARAM(triad, BLOCK, 256);
  const long vec = KEVOLVE_RUNTIME_PARAM(triad, VEC, 1);
  const long items = KEVOLVE_RUNTIME_PARAM(triad, ITEMS, 1);
  const long waves = KEVOLVE_RUNTIME_PARAM(triad, WAVES, 0);
  const long chunk = block * items;
  long blocks = std::max(1L, (n / vec + chunk - 1) / chunk);
  if (waves > 0) {
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    // Blocks an SM holds at once: 2048 threads and 32 blocks (sm_80 and later; the kernel
    // needs few registers).
    const long resident = static_cast<long>(std::max(sms, 1)) * std::min(2048 / block, 32L);
    blocks = std::min(blocks, waves * resident);
  }
  KEVOLVE_LAUNCH(triad_kernel, static_cast<unsigned>(blocks), static_cast<unsigned>(block), 0,
                 stream, n, s, b, c, a);
}

void report_triad() {
  std::printf("triad      BLOCK=%d VEC=%d ITEMS=%d WAVES=%d\n", kBlock, kVec, kItems, kWaves);
}
