//! summary: taps in the outer loop within blocks of 1024 outputs, so that a block of y stays in L1 across the taps
//! role: together
//! bound: compute
//! diagnosis: a block of y stays in L1, but every tap loads and stores the whole block again: a load and a store per FMA
//! trigger: "taps in the outer loop" "once per tap" !"blocks of 1024 outputs"
//! trigger: "taps in the outer loop" "Block loops so the working set fits in cache" !"blocks of 1024 outputs"
//! trigger: "whole blocks of 1024 outputs" "wrong_result"
#include <algorithm>

KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // taps in the outer loop within blocks of 1024 outputs, so that a block of y stays in L1 across the taps
  constexpr int block = 1024;
  for (int begin = 0; begin < n; begin += block) {
    const int end = std::min(n, begin + block);
    for (int i = begin; i < end; ++i) y[i] = 0.0f;
    for (int t = 0; t < taps; ++t) {
      const float ht = h[t];
      const float* xt = x + t;
      for (int i = begin; i < end; ++i) y[i] += ht * xt[i];
    }
  }
}
