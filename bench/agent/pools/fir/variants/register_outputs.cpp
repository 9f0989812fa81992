//! summary: sixty-four outputs held in registers across the taps: each tap is one broadcast of h and eight vector FMAs, and y is written once
//! role: good
//! bound: compute
//! diagnosis: the FMA units set the pace; each FMA loads one vector of x
//! trigger: "blocks of 1024 outputs" "a load and a store per FMA"
//! trigger: "blocks of 1024 outputs" "Register tiling of a matrix product on the CPU"
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // sixty-four outputs held in registers across the taps: each tap is one broadcast of h and eight vector FMAs, and y is written once
  constexpr int width = 64;
  int i = 0;
  for (; i + width <= n; i += width) {
    float acc[width] = {};
    for (int t = 0; t < taps; ++t) {
      const float ht = h[t];
      const float* xt = x + i + t;
      for (int u = 0; u < width; ++u) acc[u] += ht * xt[u];
    }
    for (int u = 0; u < width; ++u) y[i + u] = acc[u];
  }
  for (; i < n; ++i) {
    float sum = 0.0f;
    for (int t = 0; t < taps; ++t) sum += h[t] * x[i + t];
    y[i] = sum;
  }
}
