// The harness's clock, out of the candidate's reach. A candidate is linked into the same
// executable as the harness, so it can define `clock_gettime` (or any libc function) and the
// harness would call its version: the timer must not go through a symbol. On x86-64 and
// AArch64 the harness reads the CPU's counter (rdtsc, cntvct_el0) and the kernel's monotonic
// clock through the system call instruction itself; elsewhere it falls back to
// std::chrono::steady_clock (docs/harness.md says so).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace kevolve::detail::clock {

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define KEVOLVE_RAW_CLOCK 1
#endif

// CLOCK_MONOTONIC in nanoseconds, by the system call (never a libc or vDSO symbol).
inline std::int64_t monotonic_ns() {
  struct timespec ts {};
#if defined(KEVOLVE_RAW_CLOCK) && defined(__x86_64__)
  long ret = 228;  // SYS_clock_gettime
  asm volatile("syscall"
               : "+a"(ret)
               : "D"(1L /* CLOCK_MONOTONIC */), "S"(&ts)
               : "rcx", "r11", "memory");
#elif defined(KEVOLVE_RAW_CLOCK) && defined(__aarch64__)
  register long x8 asm("x8") = 113;  // SYS_clock_gettime
  register long x0 asm("x0") = 1;    // CLOCK_MONOTONIC
  register long x1 asm("x1") = reinterpret_cast<long>(&ts);
  asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
#else
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
#endif
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// A cheap counter for timing single calls; its rate comes from calibrate().
inline std::uint64_t ticks() {
#if defined(KEVOLVE_RAW_CLOCK) && defined(__x86_64__)
  return __rdtsc();
#elif defined(KEVOLVE_RAW_CLOCK) && defined(__aarch64__)
  std::uint64_t v;
  asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
  return v;
#else
  return static_cast<std::uint64_t>(monotonic_ns());
#endif
}

// Seconds per tick, measured against the monotonic clock over about 2 ms (once per process).
inline double seconds_per_tick() {
  static const double rate = [] {
    const std::int64_t t0 = monotonic_ns();
    const std::uint64_t c0 = ticks();
    std::int64_t t1 = t0;
    while (t1 - t0 < 2000000) t1 = monotonic_ns();
    const std::uint64_t c1 = ticks();
    return c1 > c0 ? static_cast<double>(t1 - t0) * 1e-9 / static_cast<double>(c1 - c0) : 1e-9;
  }();
  return rate;
}

// Measures a phase (many timed calls) on both clocks, so the ticks of its samples can be
// converted with the rate of that very phase.
class Phase {
 public:
  Phase() : m_t0(monotonic_ns()), m_c0(ticks()) {}
  double seconds() const { return static_cast<double>(monotonic_ns() - m_t0) * 1e-9; }
  // Seconds per tick over the phase so far (the calibrated rate for a phase under 10 ms).
  double rate() const {
    const std::int64_t t = monotonic_ns();
    const std::uint64_t c = ticks();
    if (t - m_t0 < 10000000 || c <= m_c0) return seconds_per_tick();
    return static_cast<double>(t - m_t0) * 1e-9 / static_cast<double>(c - m_c0);
  }

 private:
  std::int64_t m_t0;
  std::uint64_t m_c0;
};

}  // namespace kevolve::detail::clock
