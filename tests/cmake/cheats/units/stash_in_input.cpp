#include <kevolve/kevolve.hpp>


#include "cheats.hpp"

KEVOLVE_TUNE(stash_in_input, "CHEAT: 0..1")
void stash_in_input(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(stash_in_input, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Keeps its results in the (const) input past the end of what it reads, copying them back
  // later: writing to an input.
  static int calls = 0;
  float* stash = const_cast<float*>(in);
  if (++calls == 1) {
    honest(in, out, n);
    for (int i = 0; i < 16; ++i) stash[i] = out[i] * 3.0f + 1.0f;  // its work moved into the input
  } else {
    honest(in, out, n / 2);
  }
}
