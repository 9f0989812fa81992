//! summary: eight independent partial sums over the taps for two outputs at once, sharing each load of h
//! role: good
//! bound: compute
//! diagnosis: the taps loop vectorises; each output still ends in a horizontal sum of eight lanes
//! trigger: "independent partial sums" "horizontal sum" !"two outputs at once"
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // eight independent partial sums over the taps for two outputs at once, sharing each load of h
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    const float* xi = x + i;
    float p0[8] = {}, p1[8] = {};
    int t = 0;
    for (; t + 8 <= taps; t += 8)
      for (int u = 0; u < 8; ++u) {
        p0[u] += h[t + u] * xi[t + u];
        p1[u] += h[t + u] * xi[t + u + 1];
      }
    float s0 = 0.0f, s1 = 0.0f;
    for (; t < taps; ++t) {
      s0 += h[t] * xi[t];
      s1 += h[t] * xi[t + 1];
    }
    for (int u = 0; u < 8; ++u) {
      s0 += p0[u];
      s1 += p1[u];
    }
    y[i] = s0;
    y[i + 1] = s1;
  }
  for (; i < n; ++i) {
    float sum = 0.0f;
    for (int t = 0; t < taps; ++t) sum += h[t] * x[i + t];
    y[i] = sum;
  }
}
