#include <kevolve/kevolve.hpp>


#include "cheats.hpp"

KEVOLVE_TUNE(overrun, "CHEAT: 0..1")
void overrun(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(overrun, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Eight lanes at a time, no tail loop: writes up to 7 floats past the end.
  for (long i = 0; i < n; i += 8) {
    for (long k = 0; k < 8; ++k) out[i + k] = work(in[i + k < n ? i + k : n - 1]);
  }
  out[n] = 0;  // and the 32 bytes a wider vector would
  out[n + 7] = 0;
  honest(in, out, 0);
}
