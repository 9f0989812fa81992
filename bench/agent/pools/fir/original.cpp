//! kernel: fir
//! space: OUTPUTS=1 OUTPUTS=2 OUTPUTS=4
//! bound: latency
//! diagnosis: each output is one dependent chain of adds over the taps (an FMA every 4 cycles); neither the taps loop nor the loop over outputs vectorises
KEVOLVE_TUNE(fir, "OUTPUTS: 1, 2, 4")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  constexpr int outputs = KEVOLVE_PARAM(fir, OUTPUTS, 1);
  int i = 0;
  for (; i + outputs <= n; i += outputs) {
    float sum[outputs] = {};
    for (int t = 0; t < taps; ++t)
      for (int u = 0; u < outputs; ++u) sum[u] += h[t] * x[i + u + t];
    for (int u = 0; u < outputs; ++u) y[i + u] = sum[u];
  }
  for (; i < n; ++i) {
    float sum = 0.0f;
    for (int t = 0; t < taps; ++t) sum += h[t] * x[i + t];
    y[i] = sum;
  }
}
