#include <kevolve/kevolve.hpp>

#include <unistd.h>

#include "cheats.hpp"

KEVOLVE_TUNE(holds_pipe, "CHEAT: 0..1")
void holds_pipe(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(holds_pipe, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Hangs, with a setsid child holding its output open for a minute.
  static bool started = false;
  if (!started && (started = true) && fork() == 0) {
    setsid();
    sleep(60);
    _exit(0);
  }
  for (;;) pause();
  honest(in, out, n);
}
