#include <kevolve/kevolve.hpp>

#include <ctime>
#include <sys/syscall.h>
#include <unistd.h>

#include "cheats.hpp"

KEVOLVE_TUNE(timer_override, "CHEAT: 0..1")
void timer_override(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(timer_override, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  slower(in, out, n);
}

// Overrides libc's clock in the candidate's executable: time runs at a fifth of its speed.
extern "C" int clock_gettime(clockid_t clock, struct timespec* ts) {
  int rc = static_cast<int>(syscall(SYS_clock_gettime, clock, ts));
  if (rc == 0) {
    long long ns = (static_cast<long long>(ts->tv_sec) * 1000000000LL + ts->tv_nsec) / 5;
    ts->tv_sec = ns / 1000000000LL;
    ts->tv_nsec = ns % 1000000000LL;
  }
  return rc;
}
