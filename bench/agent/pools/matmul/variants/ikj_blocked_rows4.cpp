//! summary: cache blocks of k and j with four rows of c at once: a block of b stays in L1 and feeds four FMAs per load
//! role: together
//! bound: compute
//! diagnosis: a block of b stays in L1 and each load feeds four FMAs
//! trigger: "cache blocks" "four rows of c at once"
//! trigger: "cache blocks" "feeds one FMA"
//! trigger: "four rows of c at once" "read again from L2"
KEVOLVE_TUNE(matmul, "KB: 32, 64, 128; JB: 64, 128, 256")
void matmul(const float* a, const float* b, float* c, int n) {
  // cache blocks of k and j with four rows of c at once: a block of b stays in L1 and feeds four FMAs per load
  constexpr int kb = KEVOLVE_PARAM(matmul, KB, 64);
  constexpr int jb = KEVOLVE_PARAM(matmul, JB, 128);
  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;
  for (int k0 = 0; k0 < n; k0 += kb) {
    const int k1 = k0 + kb < n ? k0 + kb : n;
    for (int j0 = 0; j0 < n; j0 += jb) {
      const int j1 = j0 + jb < n ? j0 + jb : n;
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        float* c0 = c + i * n;
        float* c1 = c0 + n;
        float* c2 = c1 + n;
        float* c3 = c2 + n;
        for (int k = k0; k < k1; ++k) {
          const float a0 = a[i * n + k], a1 = a[(i + 1) * n + k];
          const float a2 = a[(i + 2) * n + k], a3 = a[(i + 3) * n + k];
          const float* brow = b + k * n;
          for (int j = j0; j < j1; ++j) {
            const float bkj = brow[j];
            c0[j] += a0 * bkj;
            c1[j] += a1 * bkj;
            c2[j] += a2 * bkj;
            c3[j] += a3 * bkj;
          }
        }
      }
      for (; i < n; ++i)
        for (int k = k0; k < k1; ++k)
          for (int j = j0; j < j1; ++j) c[i * n + j] += a[i * n + k] * b[k * n + j];
    }
  }
}
