//! summary: taps in the outer loop, each pass over the outputs whose input i + t is below n
//! role: broken
//! bound: memory
//! diagnosis: (gave a wrong result)
//! trigger: "dependent chain of adds" "loop over outputs" !"taps in the outer loop"
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // taps in the outer loop, each pass over the outputs whose input i + t is below n
  for (int i = 0; i < n; ++i) y[i] = 0.0f;
  for (int t = 0; t < taps; ++t) {
    const float ht = h[t];
    for (int i = 0; i + t < n; ++i) y[i] += ht * x[i + t];
  }
}
