#include <kevolve/kevolve.hpp>


#include "cheats.hpp"

KEVOLVE_TUNE(partial_after_first, "CHEAT: 0..1")
void partial_after_first(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(partial_after_first, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Whole on the first call (the one verified once upon a time), a part from then on.
  static int calls = 0;
  honest(in, out, ++calls == 1 ? n : n / 2);
}
