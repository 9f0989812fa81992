//! summary: i-k-j loop order in cache blocks of k and j, so that a block of b stays in L1
//! role: good
//! bound: compute
//! diagnosis: a block of b stays in L1, but each loaded element of b feeds one FMA
//! trigger: "i-k-j loop order" "read again from L2" !"cache blocks"
//! trigger: "cache blocks" "wrong_result"
//! trigger: "Block loops so the working set fits in cache" "i-k-j loop order" !"cache blocks"
KEVOLVE_TUNE(matmul, "KB: 32, 64, 128; JB: 64, 128, 256")
void matmul(const float* a, const float* b, float* c, int n) {
  // i-k-j loop order in cache blocks of k and j, so that a block of b stays in L1
  constexpr int kb = KEVOLVE_PARAM(matmul, KB, 64);
  constexpr int jb = KEVOLVE_PARAM(matmul, JB, 128);
  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;
  for (int k0 = 0; k0 < n; k0 += kb) {
    const int k1 = k0 + kb < n ? k0 + kb : n;
    for (int j0 = 0; j0 < n; j0 += jb) {
      const int j1 = j0 + jb < n ? j0 + jb : n;
      for (int i = 0; i < n; ++i) {
        float* row = c + i * n;
        for (int k = k0; k < k1; ++k) {
          const float aik = a[i * n + k];
          const float* brow = b + k * n;
          for (int j = j0; j < j1; ++j) row[j] += aik * brow[j];
        }
      }
    }
  }
}
