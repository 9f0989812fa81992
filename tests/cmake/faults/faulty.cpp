// MODE picks a behaviour: 0 correct and slow (the default), 1 correct and fast, 2 crashes,
// 3 hangs, 4 does not compile, 5 fastest of all but wrong.
#include <kevolve/kevolve.hpp>

#include <csignal>

#include "faults.hpp"

KEVOLVE_TUNE(faulty, "MODE: 0..5")
void faulty(const float* in, float* out, long n) {
  constexpr int mode = KEVOLVE_PARAM(faulty, MODE, 0);
  static_assert(mode != 4, "this candidate does not compile");
  if constexpr (mode == 2) std::raise(SIGSEGV);
  if constexpr (mode == 3) {
    for (volatile int spin = 0;; spin = spin + 1) {
    }
  }
  if constexpr (mode == 5) return;  // leaves the output as it found it
  for (long i = 0; i < n; ++i) {
    if constexpr (mode == 0) {
      volatile float waste = 0;
      for (int k = 0; k < 16; ++k) waste = waste + static_cast<float>(k);
    }
    out[i] = in[i] + 1.0f;
  }
}
