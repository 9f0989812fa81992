// 2-D convolution of an image with a 15 x 15 filter, in the style of Kernel Tuner's convolution
// example: 450 flops per output, so the question is how often each input pixel is loaded per
// multiply-add. A thread computes TY outputs stacked vertically, so each pixel it loads serves
// up to 15 of its filter rows, and TX outputs BX columns apart (every warp access stays
// contiguous). The block's input tile is staged in shared memory (SHMEM = 1, PAD floats after
// each row against bank conflicts) or read from global memory through the L1 cache, with
// read-only (READ_ONLY = 1, __ldg) or ordinary loads. The filter lives in constant memory,
// where the multiply-adds read it directly.
#include <kevolve/kevolve.hpp>

#include <cstdio>

#include "kernels.cuh"

namespace {

constexpr int kBX = KEVOLVE_PARAM(conv2d, BX, 16);  // threads along x
constexpr int kBY = KEVOLVE_PARAM(conv2d, BY, 16);  // threads along y
constexpr int kTX = KEVOLVE_PARAM(conv2d, TX, 1);   // outputs per thread along x
constexpr int kTY = KEVOLVE_PARAM(conv2d, TY, 1);   // outputs per thread along y
constexpr int kShmem = KEVOLVE_PARAM(conv2d, SHMEM, 0);
constexpr int kPad = KEVOLVE_PARAM(conv2d, PAD, 0);
constexpr int kReadOnly = KEVOLVE_PARAM(conv2d, READ_ONLY, 0);

template <int BX, int BY, int TX, int TY, int SHMEM, int PAD>
constexpr int conv2d_smem_bytes() {
  return SHMEM ? (BY * TY + kConvFilter - 1) * (BX * TX + kConvFilter - 1 + PAD) *
                     static_cast<int>(sizeof(float))
               : 0;
}

}  // namespace

__constant__ float conv2d_filter[kConvFilter * kConvFilter];

// A block computes a (BY * TY) x (BX * TX) tile of the output. Outputs past the edge are computed
// from clamped (valid) addresses and not stored.
template <int BX, int BY, int TX, int TY, int SHMEM, int PAD, int READ_ONLY>
KEVOLVE_TUNE(conv2d,
             "BX: 16, 32, 64, 128; BY: 1, 2, 4, 8, 16; TX: 1, 2, 4, 8; TY: 1, 2, 4, 8, 16; "
             "SHMEM: 0, 1; PAD: 0, 1, 2, 4, 8, 16; READ_ONLY: 0, 1; "
             "require BX * BY >= 32 && BX * BY <= max_threads; "
             // TX * TY * 225 unrolled multiply-adds: at 16 x 225 the code outgrows the i-cache
             "require TX * TY <= 8; "
             "require SHMEM || PAD == 0; "
             "require !SHMEM || (BY * TY + 14) * (BX * TX + 14 + PAD) * 4 <= smem")
__global__ void __launch_bounds__((BX * BY))
    conv2d_kernel(int height, int width, const float* in, float* out) {
  constexpr int F = kConvFilter;
  constexpr int OUT_W = BX * TX, OUT_H = BY * TY;            // the block's outputs
  constexpr int IN_W = OUT_W + F - 1, IN_H = OUT_H + F - 1;  // the input pixels they need
  constexpr int SW = IN_W + PAD;                             // shared tile row length
  const int out_h = height - F + 1, out_w = width - F + 1;
  const int tx = threadIdx.x % BX, ty = threadIdx.x / BX;
  const int x0 = blockIdx.x * OUT_W, y0 = blockIdx.y * OUT_H;
  const int row = y0 + ty * TY;  // this thread's first output row

  // The pointers are not __restrict__, so the compiler keeps plain loads on the ordinary
  // (coherent) path and only READ_ONLY = 1 takes the read-only one.
  auto load = [](const float* p) { return READ_ONLY ? __ldg(p) : *p; };

  extern __shared__ float tile[];  // SHMEM: IN_H rows of SW floats
  if constexpr (SHMEM) {
    for (int i = threadIdx.x; i < IN_H * IN_W; i += BX * BY) {
      const int r = i / IN_W, c = i % IN_W;
      tile[r * SW + c] =
          load(in + static_cast<long>(min(y0 + r, height - 1)) * width + min(x0 + c, width - 1));
    }
    __syncthreads();
  }
  int col[TX];  // global path: first input column of each output, clamped to a valid output
#pragma unroll
  for (int xi = 0; xi < TX; ++xi) col[xi] = min(x0 + tx + xi * BX, out_w - 1);
  // Input row r (counted from this thread's first) at column j of output xi's window.
  auto pixel = [&](int r, int xi, int j) {
    if constexpr (SHMEM)
      return tile[(ty * TY + r) * SW + tx + xi * BX + j];
    else
      return load(in + static_cast<long>(min(row + r, height - 1)) * width + col[xi] + j);
  };

  float sum[TY][TX];
#pragma unroll
  for (int yi = 0; yi < TY; ++yi) {
#pragma unroll
    for (int xi = 0; xi < TX; ++xi) sum[yi][xi] = 0.0f;
  }
  // Input row r feeds output yi through filter row r - yi: each pixel is loaded once.
#pragma unroll
  for (int r = 0; r < TY + F - 1; ++r) {
#pragma unroll
    for (int xi = 0; xi < TX; ++xi) {
#pragma unroll
      for (int j = 0; j < F; ++j) {
        const float p = pixel(r, xi, j);
#pragma unroll
        for (int yi = 0; yi < TY; ++yi) {
          if (r - yi >= 0 && r - yi < F)
            sum[yi][xi] = fmaf(p, conv2d_filter[(r - yi) * F + j], sum[yi][xi]);
        }
      }
    }
  }

#pragma unroll
  for (int yi = 0; yi < TY; ++yi) {
#pragma unroll
    for (int xi = 0; xi < TX; ++xi) {
      const int oy = row + yi, ox = x0 + tx + xi * BX;
      if (oy < out_h && ox < out_w) out[static_cast<long>(oy) * out_w + ox] = sum[yi][xi];
    }
  }
}

void conv2d(int height, int width, const float* in, const float* filter, float* out,
            cudaStream_t stream) {
  if (height < kConvFilter || width < kConvFilter) return;
  const int out_h = height - kConvFilter + 1, out_w = width - kConvFilter + 1;
  cudaMemcpyToSymbolAsync(conv2d_filter, filter, sizeof(conv2d_filter), 0, cudaMemcpyDeviceToDevice,
                          stream);
  constexpr auto kernel = conv2d_kernel<kBX, kBY, kTX, kTY, kShmem, kPad, kReadOnly>;
  constexpr int kSmem = conv2d_smem_bytes<kBX, kBY, kTX, kTY, kShmem, kPad>();
  // Beyond 48 KB a block must opt in to more dynamic shared memory.
  if (kSmem > 48 * 1024)
    cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  const dim3 grid((out_w + kBX * kTX - 1) / (kBX * kTX), (out_h + kBY * kTY - 1) / (kBY * kTY));
  kernel<<<grid, kBX * kBY, kSmem, stream>>>(height, width, in, out);
}

void report_conv2d() {
  std::printf("conv2d     BX=%d BY=%d TX=%d TY=%d SHMEM=%d PAD=%d READ_ONLY=%d\n", kBX, kBY, kTX,
              kTY, kShmem, kPad, kReadOnly);
}
