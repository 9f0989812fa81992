//! summary: eight independent partial sums per element of c break the chain of adds
//! role: together
//! bound: memory
//! diagnosis: the adds overlap now, but the inner loop still reads b with a stride of n floats (a cache miss per element)
//! trigger: "dependent chain of adds" !"independent partial sums" !"transposed copy of b" !"i-k-j loop order"
//! trigger: "Several accumulators for reductions" !"independent partial sums" !"transposed copy of b" !"i-k-j loop order"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // eight independent partial sums per element of c break the chain of adds
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int k = 0;
      for (; k + 8 <= n; k += 8)
        for (int u = 0; u < 8; ++u) part[u] += a[i * n + k + u] * b[(k + u) * n + j];
      float sum = 0.0f;
      for (; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
      for (int u = 0; u < 8; ++u) sum += part[u];
      c[i * n + j] = sum;
    }
  }
}
