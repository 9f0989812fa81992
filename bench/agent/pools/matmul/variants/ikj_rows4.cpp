//! summary: i-k-j loop order with four rows of c at once, so that each loaded element of b feeds four FMAs
//! role: good
//! bound: memory
//! diagnosis: each element of b feeds four FMAs, but the rows of b are read again from L2 for every four rows of c
//! trigger: "i-k-j loop order" "feeds one FMA" !"four rows of c at once"
//! trigger: "Register tiling of a matrix product on the CPU" "i-k-j loop order" !"four rows of c at once"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // i-k-j loop order with four rows of c at once, so that each loaded element of b feeds four FMAs
  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    float* c0 = c + i * n;
    float* c1 = c0 + n;
    float* c2 = c1 + n;
    float* c3 = c2 + n;
    for (int k = 0; k < n; ++k) {
      const float a0 = a[i * n + k], a1 = a[(i + 1) * n + k];
      const float a2 = a[(i + 2) * n + k], a3 = a[(i + 3) * n + k];
      const float* brow = b + k * n;
      for (int j = 0; j < n; ++j) {
        const float bkj = brow[j];
        c0[j] += a0 * bkj;
        c1[j] += a1 * bkj;
        c2[j] += a2 * bkj;
        c3[j] += a3 * bkj;
      }
    }
  }
  for (; i < n; ++i)
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < n; ++j) c[i * n + j] += a[i * n + k] * b[k * n + j];
}
