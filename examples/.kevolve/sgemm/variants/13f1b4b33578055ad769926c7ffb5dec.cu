#include <cuda_pipeline.h>

template <int BM, int BN, int BK, int TM, int TN, int WARP_N, int VEC, int PAD, int DBUF, int MINB>
KEVOLVE_TUNE(sgemm,
             "BM: 64, 128, 256; BN: 64, 128, 256; BK: 8, 16; TM: 8, 16; TN: 8; WARP_N: 4, 8; "
             "VEC: 4; PAD: 4; DBUF: 0; MINB: 1, 2; STAGES: 2, 3, 4; GROUP: 1, 8; "
             "require BM % (32 / WARP_N * TM) == 0 && BN % (WARP_N * TN) == 0; "
             "require BM / TM * (BN / TN) >= 64 && BM / TM * (BN / TN) <= 256; "
             "require MINB * BM * BN <= 32768; "
             // all stages within the 48 KB a block gets without opting in
             "require STAGES * BK * (BM + PAD + BN) * 4 <= 49152")
__global__ void __launch_bounds__((BM / TM) * (BN / TN), MINB)
    sgemm_kernel(int M, int N, int K, float alpha, const float* __restrict__ A,
                 const float* __restrict__ B, float beta, float* __restrict__ C) {
  constexpr int STAGES = KEVOLVE_PARAM(sgemm, STAGES, 3);
  constexpr int GROUP = KEVOLVE_PARAM(sgemm, GROUP, 8);
  static_assert(TM % 4 == 0 && TN % 4 == 0 && PAD % 4 == 0 && STAGES >= 2, "16-byte fragments");
  constexpr int T = (BM / TM) * (BN / TN);
  constexpr int WARP_M = 32 / WARP_N;
  constexpr int WARPS_N = BN / (WARP_N * TN);
  constexpr int LDA = BM + PAD;           // A's slice: BK rows of LDA floats, As[k][m]
  constexpr int STAGE = BK * (LDA + BN);  // one slice of A and one of B, in floats
  constexpr int A_ELEMS = BM * BK, B_CHUNKS = BK * BN / 4;
  constexpr int A_COPIES = (A_ELEMS + T - 1) / T, B_COPIES = (B_CHUNKS + T - 1) / T;

  extern __shared__ float4 first_stage[];  // the launcher's dynamic shared memory: one slice
  __shared__ float4 other_stages[(STAGES - 1) * STAGE / 4];
  const auto stage = [&](int s) {
    return s == 0 ? reinterpret_cast<float*>(first_stage)
                  : reinterpret_cast<float*>(other_stages) + (s - 1) * STAGE;
  };

  // Grouped tile order: GROUP tile rows are walked column by column.
  const int tiles_n = gridDim.x, tiles_m = gridDim.y;
  const int id = blockIdx.y * tiles_n + blockIdx.x;
  const int first_m = id / (GROUP * tiles_n) * GROUP;
  const int rows = min(tiles_m - first_m, GROUP);
  const int tile_m = first_m + id % (GROUP * tiles_n) % rows;
  const int tile_n = id % (GROUP * tiles_n) / rows;

  const int tid = threadIdx.x;
  const int warp = tid / 32, lane = tid % 32;
  const int row0 = (warp / WARPS_N) * (WARP_M * TM) + (lane / WARP_N) * 4;
  const int col0 = (warp % WARPS_N) * (WARP_N * TN) + (lane % WARP_N) * 4;
  const float* a_tile = A + static_cast<long>(tile_m) * BM * K;
  const float* b_tile = B + static_cast<long>(tile_n) * BN;

  // Stage s <- slice t, asynchronously: A element by element into k-major order, B 16 bytes at
  // a time.
  const auto fetch = [&](int t, int s) {
    float* as = stage(s);
    float* bs = as + BK * LDA;
    const float* a = a_tile + t * BK;
    const float* b = b_tile + static_cast<long>(t) * BK * N;
#pragma unroll
    for (int l = 0; l < A_COPIES; ++l) {
      const int e = tid + l * T;
      if (A_ELEMS % T == 0 || e < A_ELEMS)
        __pipeline_memcpy_async(as + (e % BK) * LDA + e / BK,
                                a + static_cast<long>(e / BK) * K + e % BK, 4);
    }
#pragma unroll
    for (int l = 0; l < B_COPIES; ++l) {
      const int c = tid + l * T;
      if (B_CHUNKS % T == 0 || c < B_CHUNKS)
        __pipeline_memcpy_async(bs + (c / (BN / 4)) * BN + (c % (BN / 4)) * 4,
                                b + static_cast<long>(c / (BN / 4)) * N + (c % (BN / 4)) * 4, 16);
    }
  };

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i) {
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;
  }
  const auto multiply = [&](int s) {
    const float* as = stage(s);
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
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(component(a[i / 4], i % 4), component(b[j / 4], j % 4), acc[i][j]);
      }
    }
  };

  // STAGES - 1 slices in flight before the first multiply; one commit per step even when there
  // is nothing left to fetch, so that "all but the last STAGES - 2 groups" is always slice t.
  const int slices = K / BK;
#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < slices) fetch(s, s);
    __pipeline_commit();
  }
  for (int t = 0; t < slices; ++t) {
    __pipeline_wait_prior(STAGES - 2);
    // Slice t is in shared memory for everyone, and everyone is done with slice t - 1, whose
    // stage the next fetch overwrites.
    __syncthreads();
    if (t + STAGES - 1 < slices) fetch(t + STAGES - 1, (t + STAGES - 1) % STAGES);
    __pipeline_commit();
    multiply(t % STAGES);
  }

  // C = alpha * acc + beta * C, 16 bytes at a time; with beta == 0, C is not read.
  float* c_tile = C + static_cast<long>(tile_m) * BM * N + static_cast<long>(tile_n) * BN;
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
