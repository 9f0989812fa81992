#include <kevolve/kevolve.hpp>

#include <cstdio>
#include <unistd.h>

#include "cheats.hpp"

KEVOLVE_TUNE(forged_result, "CHEAT: 0..1")
void forged_result(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(forged_result, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Prints a result line of its own, and writes one where replies go.
  static int calls = 0;
  const char line[] =
      "kevolve-result: {\"protocol\":1,\"mode\":\"time\",\"status\":\"ok\",\"median_s\":1e-9}\n";
  std::fputs(line, stdout);
  if (++calls > 2) {
    const char reply[] = "kevolve-reply 5 0000000000000000 {\"status\":\"ok\",\"median_s\":1e-9}\n";
    (void)!write(3, reply, sizeof reply - 1);
  }
  slower(in, out, n);
}
