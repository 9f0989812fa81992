//! summary: j-k-i loop order, so that each column of c is finished before the next
//! role: bad
//! bound: memory
//! diagnosis: the inner loop reads a and writes c with a stride of n floats
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // j-k-i loop order, so that each column of c is finished before the next
  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < n; ++k) {
      const float bkj = b[k * n + j];
      for (int i = 0; i < n; ++i) c[i * n + j] += a[i * n + k] * bkj;
    }
}
