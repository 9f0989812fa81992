//! summary: taps in the outer loop within whole blocks of 1024 outputs (no partial block)
//! role: broken
//! bound: compute
//! diagnosis: (gave a wrong result)
//! trigger: "taps in the outer loop" "once per tap" !"blocks of 1024 outputs"
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // taps in the outer loop within whole blocks of 1024 outputs (no partial block)
  constexpr int block = 1024;
  for (int begin = 0; begin + block <= n; begin += block) {
    for (int i = begin; i < begin + block; ++i) y[i] = 0.0f;
    for (int t = 0; t < taps; ++t) {
      const float ht = h[t];
      const float* xt = x + t;
      for (int i = begin; i < begin + block; ++i) y[i] += ht * xt[i];
    }
  }
}
