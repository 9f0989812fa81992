//! summary: eight independent partial sums over the taps, so that the taps loop vectorises
//! role: good
//! bound: compute
//! diagnosis: the taps loop vectorises, but each output ends in a horizontal sum of eight lanes, and the next output loads the same inputs again
//! trigger: "dependent chain of adds" !"independent partial sums"
//! trigger: "Several accumulators for reductions" !"independent partial sums"
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // eight independent partial sums over the taps, so that the taps loop vectorises
  for (int i = 0; i < n; ++i) {
    const float* xi = x + i;
    float part[8] = {};
    int t = 0;
    for (; t + 8 <= taps; t += 8)
      for (int u = 0; u < 8; ++u) part[u] += h[t + u] * xi[t + u];
    float sum = 0.0f;
    for (; t < taps; ++t) sum += h[t] * xi[t];
    for (int u = 0; u < 8; ++u) sum += part[u];
    y[i] = sum;
  }
}
