#include <kevolve/kevolve.hpp>

#include <thread>

#include "cheats.hpp"

KEVOLVE_TUNE(detached_thread, "CHEAT: 0..1")
void detached_thread(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(detached_thread, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Returns at once; a detached thread finishes the work after the call.
  std::thread([=] { honest(in, out, n); }).detach();
}
