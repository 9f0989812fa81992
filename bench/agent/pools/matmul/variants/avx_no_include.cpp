//! summary: AVX intrinsics for the dot product, eight lanes at a time
//! role: broken
//! bound: compute
//! diagnosis: (did not compile)
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // AVX intrinsics for the dot product, eight lanes at a time
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      __m256 acc = _mm256_setzero_ps();
      int k = 0;
      for (; k + 8 <= n; k += 8) {
        __m256 bk = _mm256_set_ps(b[(k + 7) * n + j], b[(k + 6) * n + j], b[(k + 5) * n + j],
                                  b[(k + 4) * n + j], b[(k + 3) * n + j], b[(k + 2) * n + j],
                                  b[(k + 1) * n + j], b[k * n + j]);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i * n + k), bk, acc);
      }
      float lanes[8];
      _mm256_storeu_ps(lanes, acc);
      float sum = lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
      for (; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
}
