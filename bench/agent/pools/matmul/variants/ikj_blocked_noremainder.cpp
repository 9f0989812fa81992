//! summary: i-k-j loop order in cache blocks of 64 (k) by 128 (j), unrolled by whole blocks
//! role: broken
//! bound: compute
//! diagnosis: a block of b stays in L1
//! trigger: "i-k-j loop order" "read again from L2" !"cache blocks"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // i-k-j loop order in cache blocks of 64 (k) by 128 (j), unrolled by whole blocks
  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;
  for (int k0 = 0; k0 + 64 <= n; k0 += 64) {
    for (int j0 = 0; j0 + 128 <= n; j0 += 128) {
      for (int i = 0; i < n; ++i) {
        float* row = c + i * n;
        for (int k = k0; k < k0 + 64; ++k) {
          const float aik = a[i * n + k];
          const float* brow = b + k * n;
          for (int j = j0; j < j0 + 128; ++j) row[j] += aik * brow[j];
        }
      }
    }
  }
}
