//! summary: a transposed copy of b, so that the dot product reads both operands in order
//! role: together
//! bound: latency
//! diagnosis: both operands are read in order now, but each element of c is still one dependent chain of adds (one add per 4 cycles)
//! trigger: "stride of n floats" !"i-k-j loop order" !"transposed copy of b"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // a transposed copy of b, so that the dot product reads both operands in order
  float* bt = new float[static_cast<unsigned>(n) * static_cast<unsigned>(n)];
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j) bt[j * n + k] = b[k * n + j];
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < n; ++k) sum += a[i * n + k] * bt[j * n + k];
      c[i * n + j] = sum;
    }
  }
  delete[] bt;
}
