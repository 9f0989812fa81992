//! summary: AVX intrinsics over eight outputs at a time, one broadcast of h per tap
//! role: broken
//! bound: compute
//! diagnosis: (did not compile)
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // AVX intrinsics over eight outputs at a time, one broadcast of h per tap
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (int t = 0; t < taps; ++t)
      acc = _mm256_fmadd_ps(_mm256_set1_ps(h[t]), _mm256_loadu_ps(x + i + t), acc);
    _mm256_storeu_ps(y + i, acc);
  }
  for (; i < n; ++i) {
    float sum = 0.0f;
    for (int t = 0; t < taps; ++t) sum += h[t] * x[i + t];
    y[i] = sum;
  }
}
