//! summary: taps in the outer loop: each pass adds one tap to every output, so that the loop over outputs vectorises
//! role: together
//! bound: memory
//! diagnosis: the loop over outputs vectorises, but y is read and written once per tap: 32 passes over 4 MiB, streamed from L3
//! trigger: "dependent chain of adds" "loop over outputs" !"taps in the outer loop"
KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // taps in the outer loop: each pass adds one tap to every output, so that the loop over outputs vectorises
  for (int i = 0; i < n; ++i) y[i] = 0.0f;
  for (int t = 0; t < taps; ++t) {
    const float ht = h[t];
    const float* xt = x + t;
    for (int i = 0; i < n; ++i) y[i] += ht * xt[i];
  }
}
