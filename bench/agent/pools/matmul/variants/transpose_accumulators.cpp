//! summary: a transposed copy of b and sixteen independent partial sums: the dot product vectorises
//! role: together
//! bound: compute
//! diagnosis: the dot product vectorises; the transposed copy costs one pass over b
//! trigger: "transposed copy of b" "independent partial sums"
//! trigger: "transposed copy of b" "dependent chain of adds"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // a transposed copy of b and sixteen independent partial sums: the dot product vectorises
  float* bt = new float[static_cast<unsigned>(n) * static_cast<unsigned>(n)];
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j) bt[j * n + k] = b[k * n + j];
  for (int i = 0; i < n; ++i) {
    const float* arow = a + i * n;
    for (int j = 0; j < n; ++j) {
      const float* brow = bt + j * n;
      float part[16] = {};
      int k = 0;
      for (; k + 16 <= n; k += 16)
        for (int u = 0; u < 16; ++u) part[u] += arow[k + u] * brow[k + u];
      float sum = 0.0f;
      for (; k < n; ++k) sum += arow[k] * brow[k];
      for (int u = 0; u < 16; ++u) sum += part[u];
      c[i * n + j] = sum;
    }
  }
  delete[] bt;
}
