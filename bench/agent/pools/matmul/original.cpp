//! kernel: matmul
//! space: UNROLL=1 UNROLL=2 UNROLL=4 UNROLL=8
//! bound: memory
//! diagnosis: the inner loop reads b with a stride of n floats (a cache miss per element), and each element of c is one dependent chain of adds
KEVOLVE_TUNE(matmul, "UNROLL: 1, 2, 4, 8")
void matmul(const float* a, const float* b, float* c, int n) {
  constexpr int unroll = KEVOLVE_PARAM(matmul, UNROLL, 1);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      int k = 0;
      for (; k + unroll <= n; k += unroll) {
        for (int u = 0; u < unroll; ++u) sum += a[i * n + k + u] * b[(k + u) * n + j];
      }
      for (; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
}
