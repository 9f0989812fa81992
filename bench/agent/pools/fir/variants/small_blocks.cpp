//! summary: taps in the outer loop within blocks of 16 outputs
//! role: bad
//! bound: compute
//! diagnosis: the block loops cost more than they save: each block of 16 outputs restarts the taps loop, and every tap loads and stores the block again
//! trigger: "taps in the outer loop" "Block loops so the working set fits in cache" !"blocks of 1024 outputs"
#include <algorithm>

KEVOLVE_TUNE(fir, "")
void fir(const float* x, const float* h, float* y, int n, int taps) {
  // taps in the outer loop within blocks of 16 outputs
  constexpr int block = 16;
  for (int begin = 0; begin < n; begin += block) {
    const int end = std::min(n, begin + block);
    for (int i = begin; i < end; ++i) y[i] = 0.0f;
    for (int t = 0; t < taps; ++t)
      for (int i = begin; i < end; ++i) y[i] += h[t] * x[i + t];
  }
}
