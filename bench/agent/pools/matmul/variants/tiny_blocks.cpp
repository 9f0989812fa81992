//! summary: the textbook order in 4x4x4 blocks, so that each block of a and b is reused
//! role: bad
//! bound: memory
//! diagnosis: the block loops cost more than they save; the inner loop still reads b with a stride of n floats
//! trigger: "Block loops so the working set fits in cache" !"i-k-j loop order" !"cache blocks"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // the textbook order in 4x4x4 blocks, so that each block of a and b is reused
  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;
  for (int i0 = 0; i0 < n; i0 += 4)
    for (int j0 = 0; j0 < n; j0 += 4)
      for (int k0 = 0; k0 < n; k0 += 4)
        for (int i = i0; i < i0 + 4 && i < n; ++i)
          for (int j = j0; j < j0 + 4 && j < n; ++j) {
            float sum = c[i * n + j];
            for (int k = k0; k < k0 + 4 && k < n; ++k) sum += a[i * n + k] * b[k * n + j];
            c[i * n + j] = sum;
          }
}
