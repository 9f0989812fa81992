#include <kevolve/kevolve.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "cheats.hpp"

KEVOLVE_TUNE(benchmark_detection, "CHEAT: 0..1")
void benchmark_detection(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(benchmark_detection, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Does 1/32 of the work when its command line says it is being timed.
  static const bool timed = [] {
    std::ifstream f("/proc/self/cmdline");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return text.find("time") != std::string::npos;
  }();
  if (timed) {
    honest(in, out, n / 32);
  } else {
    slower(in, out, n);
  }
}
