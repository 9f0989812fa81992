//! summary: each output summed in double precision
//! role: bad
//! bound: latency
//! diagnosis: each output is one dependent chain of double adds over the taps, with a conversion per tap
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // each output summed in double precision
  for (int i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int t = 0; t < taps; ++t) sum += static_cast<double>(h[t]) * x[i + t];
    y[i] = static_cast<float>(sum);
  }
}
