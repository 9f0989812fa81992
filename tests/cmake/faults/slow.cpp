// Each candidate takes a while to time: something to interrupt. DELAY only changes the speed.
#include <kevolve/kevolve.hpp>

#include <chrono>
#include <thread>

#include "faults.hpp"

KEVOLVE_TUNE(slow, "DELAY: 1..8")
void slow(const float* in, float* out, long n) {
  std::this_thread::sleep_for(std::chrono::microseconds(500 * KEVOLVE_PARAM(slow, DELAY, 4)));
  for (long i = 0; i < n; ++i) out[i] = in[i] * 2.0f;
}
