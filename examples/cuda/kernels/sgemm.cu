// fp32 matrix multiply on the CUDA cores (no tensor cores, no TF32), in the style of CLBlast's
// xgemm and CUTLASS's SIMT kernels:
//  - a block computes a BM x BN tile of C, stepping through k in slices of BK; each slice of A
//    (stored transposed, k-major) and of B is staged in shared memory;
//  - a thread accumulates a TM x TN tile of C in registers, made of 4 x 4 pieces that lie
//    WARP_M * 4 rows and WARP_N * 4 columns apart, where a warp is WARP_M x WARP_N threads.
//    Each k step then costs a thread TM / 4 + TN / 4 16-byte shared loads for TM * TN FMAs,
//    and a warp's loads hit consecutive words (or the same word): no bank conflicts;
//  - global loads are VEC floats wide; DBUF = 1 fetches the next slice into registers while the
//    current one is multiplied, DBUF = 2 also gives shared memory two stages, so one barrier per
//    slice suffices.
#include <kevolve/kevolve.hpp>

#include <cstdint>
#include <cstdio>

#include "kernels.cuh"
#include "vector.cuh"

namespace {

using kevolve_examples::component;
using kevolve_examples::Vector;

constexpr int kBM = KEVOLVE_PARAM(sgemm, BM, 64);
constexpr int kBN = KEVOLVE_PARAM(sgemm, BN, 64);
constexpr int kBK = KEVOLVE_PARAM(sgemm, BK, 8);
constexpr int kTM = KEVOLVE_PARAM(sgemm, TM, 4);
constexpr int kTN = KEVOLVE_PARAM(sgemm, TN, 4);
constexpr int kWarpN = KEVOLVE_PARAM(sgemm, WARP_N, 8);  // a warp's threads along n
constexpr int kVec = KEVOLVE_PARAM(sgemm, VEC, 1);
constexpr int kPad = KEVOLVE_PARAM(sgemm, PAD, 0);  // floats after each k-row of the A tile
constexpr int kDbuf = KEVOLVE_PARAM(sgemm, DBUF, 0);
constexpr int kMinBlocks = KEVOLVE_PARAM(sgemm, MINB, 1);  // __launch_bounds__ blocks per SM

constexpr int kThreads = (kBM / kTM) * (kBN / kTN);

template <int BM, int BN, int BK, int PAD, int DBUF>
constexpr int sgemm_smem_bytes() {
  return (DBUF == 2 ? 2 : 1) * BK * (BM + PAD + BN) * static_cast<int>(sizeof(float));
}

}  // namespace

// Needs M % BM == 0, N % BN == 0, K % BK == 0, K > 0 and 16-byte aligned A, B, C (the launcher
// checks). Shared memory is dynamic: sgemm_smem_bytes() of it.
template <int BM, int BN, int BK, int TM, int TN, int WARP_N, int VEC, int PAD, int DBUF, int MINB>
KEVOLVE_TUNE(sgemm,
             "BM: 32..256 pow2; BN: 32..256 pow2; BK: 8, 16, 32; TM: 4, 8, 16; TN: 4, 8, 16; "
             "WARP_N: 2, 4, 8, 16; VEC: 1, 2, 4; PAD: 0, 4; DBUF: 0, 1, 2; MINB: 1, 2; "
             // whole warps: a warp is 32 / WARP_N x WARP_N threads of TM x TN each
             "require BM % (32 / WARP_N * TM) == 0 && BN % (WARP_N * TN) == 0; "
             "require BM / TM * (BN / TN) <= max_threads; "
             // accumulators (BM * BN per block) fill at most half the 64K registers of an SM
             "require TM * TN <= 128 && MINB * BM * BN <= 32768; "
             "require (DBUF / 2 + 1) * BK * (BM + PAD + BN) * 4 <= smem")
__global__ void __launch_bounds__((BM / TM) * (BN / TN), MINB)
    sgemm_kernel(int M, int N, int K, float alpha, const float* __restrict__ A,
                 const float* __restrict__ B, float beta, float* __restrict__ C) {
  static_assert(TM % 4 == 0 && TN % 4 == 0 && PAD % 4 == 0, "16-byte fragments");
  constexpr int T = (BM / TM) * (BN / TN);
  constexpr int WARP_M = 32 / WARP_N;
  constexpr int WARPS_N = BN / (WARP_N * TN);
  static_assert(WARP_M * WARP_N == 32 && BM % (WARP_M * TM) == 0 && BN % (WARP_N * TN) == 0,
                "the block tile is a whole number of warp tiles");
  constexpr int LDA = BM + PAD;  // the A tile is BK rows of LDA floats: As[k][m]
  constexpr int STAGE = BK * (LDA + BN);
  // Global loads: VEC-float vectors; A's tile is BM x (BK / VEC) vectors, B's BK x (BN / VEC).
  constexpr int A_VECS = BM * BK / VEC, B_VECS = BK * BN / VEC;
  constexpr int A_LOADS = (A_VECS + T - 1) / T, B_LOADS = (B_VECS + T - 1) / T;
  using V = Vector<VEC>;

  extern __shared__ float4 smem4[];  // float4: 16-byte aligned
  float* smem = reinterpret_cast<float*>(smem4);

  const int tid = threadIdx.x;
  const int warp = tid / 32, lane = tid % 32;
  // This thread's first row and column in the block tile; its 4 x 4 pieces follow
  // WARP_M * 4 rows and WARP_N * 4 columns apart.
  const int row0 = (warp / WARPS_N) * (WARP_M * TM) + (lane / WARP_N) * 4;
  const int col0 = (warp % WARPS_N) * (WARP_N * TN) + (lane % WARP_N) * 4;

  const float* a_tile = A + static_cast<long>(blockIdx.y) * BM * K;
  const float* b_tile = B + static_cast<long>(blockIdx.x) * BN;
  V a_reg[A_LOADS], b_reg[B_LOADS];

  // Registers <- the k-slice at a_tile, b_tile.
  auto load = [&] {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int i = tid + l * T;
      if (A_VECS % T == 0 || i < A_VECS)
        a_reg[l] =
            *reinterpret_cast<const V*>(a_tile + (i / (BK / VEC)) * K + (i % (BK / VEC)) * VEC);
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int i = tid + l * T;
      if (B_VECS % T == 0 || i < B_VECS)
        b_reg[l] =
            *reinterpret_cast<const V*>(b_tile + (i / (BN / VEC)) * N + (i % (BN / VEC)) * VEC);
    }
  };
  // Shared stage s <- the registers; A transposed.
  auto store = [&](int s) {
    float* as = smem + s * STAGE;
    float* bs = as + BK * LDA;
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int i = tid + l * T;
      if (A_VECS % T == 0 || i < A_VECS) {
#pragma unroll
        for (int v = 0; v < VEC; ++v)
          as[((i % (BK / VEC)) * VEC + v) * LDA + i / (BK / VEC)] = component(a_reg[l], v);
      }
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int i = tid + l * T;
      if (B_VECS % T == 0 || i < B_VECS)
        *reinterpret_cast<V*>(bs + (i / (BN / VEC)) * BN + (i % (BN / VEC)) * VEC) = b_reg[l];
    }
  };

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i) {
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
  }
  // acc += the product of shared stage s's slices.
  auto multiply = [&](int s) {
    const float* as = smem + s * STAGE;
    const float* bs = as + BK * LDA;
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float4 a[TM / 4], b[TN / 4];
#pragma unroll
      for (int i = 0; i < TM / 4; ++i)
        a[i] = *reinterpret_cast<const float4*>(as + k * LDA + row0 + i * WARP_M * 4);
#pragma unroll
      for (int j = 0; j < TN / 4; ++j)
        b[j] = *reinterpret_cast<const float4*>(bs + k * BN + col0 + j * WARP_N * 4);
#pragma unroll
      for (int i = 0; i < TM; ++i) {
#pragma unroll
        for (int j = 0; j < TN; ++j)
          acc[i][j] = fmaf(component(a[i / 4], i % 4), component(b[j / 4], j % 4), acc[i][j]);
      }
    }
  };

  const int slices = K / BK;
  load();
  store(0);
  __syncthreads();
  for (int t = 0; t < slices; ++t) {
    const int s = DBUF == 2 ? t % 2 : 0;
    const bool more = t + 1 < slices;  // the same in every thread: barriers below are uniform
    a_tile += BK;
    b_tile += static_cast<long>(BK) * N;
    if (DBUF > 0 && more) load();  // in flight while this slice is multiplied
    multiply(s);
    if (DBUF == 2) {
      // Stage s ^ 1 was last read in the previous step, before the barrier that ended it.
      if (more) store(s ^ 1);
      __syncthreads();
    } else {
      __syncthreads();  // everyone is done reading stage 0
      if (more) {
        if (DBUF == 0) load();
        store(0);
        __syncthreads();
      }
    }
  }

  // C = alpha * acc + beta * C, 16 bytes at a time; with beta == 0, C is not read.
  float* c_tile = C + static_cast<long>(blockIdx.y) * BM * N + static_cast<long>(blockIdx.x) * BN;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    float* c_row = c_tile + static_cast<long>(row0 + (i / 4) * WARP_M * 4 + i % 4) * N;
#pragma unroll
    for (int j = 0; j < TN / 4; ++j) {
      float4* p = reinterpret_cast<float4*>(c_row + col0 + j * WARP_N * 4);
      float4 r = make_float4(alpha * acc[i][4 * j], alpha * acc[i][4 * j + 1],
                             alpha * acc[i][4 * j + 2], alpha * acc[i][4 * j + 3]);
      if (beta != 0.0f) {
        const float4 old = *p;
        r.x = fmaf(beta, old.x, r.x);
        r.y = fmaf(beta, old.y, r.y);
        r.z = fmaf(beta, old.z, r.z);
        r.w = fmaf(beta, old.w, r.w);
      }
      *p = r;
    }
  }
}

// Any size: one thread per element of C, for sizes the tiled kernel does not take.
__global__ void sgemm_fallback_kernel(int M, int N, int K, float alpha, const float* A,
                                      const float* B, float beta, float* C) {
  const int n = blockIdx.x * blockDim.x + threadIdx.x, m = blockIdx.y * blockDim.y + threadIdx.y;
  if (m >= M || n >= N) return;
  float sum = 0.0f;
  for (int k = 0; k < K; ++k)
    sum = fmaf(A[static_cast<long>(m) * K + k], B[static_cast<long>(k) * N + n], sum);
  float* c = C + static_cast<long>(m) * N + n;
  *c = beta != 0.0f ? fmaf(beta, *c, alpha * sum) : alpha * sum;
}

void sgemm(int m, int n, int k, float alpha, const float* a, const float* b, float beta, float* c,
           cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const auto aligned = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; };
  if (m % kBM != 0 || n % kBN != 0 || k % kBK != 0 || k == 0 || !aligned(a) || !aligned(b) ||
      !aligned(c)) {
    const dim3 block(16, 16);
    sgemm_fallback_kernel<<<dim3((n + 15) / 16, (m + 15) / 16), block, 0, stream>>>(m, n, k, alpha,
                                                                                    a, b, beta, c);
    return;
  }
  constexpr auto kernel =
      sgemm_kernel<kBM, kBN, kBK, kTM, kTN, kWarpN, kVec, kPad, kDbuf, kMinBlocks>;
  constexpr int kSmem = sgemm_smem_bytes<kBM, kBN, kBK, kPad, kDbuf>();
  // Beyond 48 KB a block must opt in to more dynamic shared memory.
  if (kSmem > 48 * 1024)
    cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
  kernel<<<dim3(n / kBN, m / kBM), kThreads, kSmem, stream>>>(m, n, k, alpha, a, b, beta, c);
}

void report_sgemm() {
  std::printf("sgemm      BM=%d BN=%d BK=%d TM=%d TN=%d WARP_N=%d VEC=%d PAD=%d DBUF=%d MINB=%d\n",
              kBM, kBN, kBK, kTM, kTN, kWarpN, kVec, kPad, kDbuf, kMinBlocks);
}
