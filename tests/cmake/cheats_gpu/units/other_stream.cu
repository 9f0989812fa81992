#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

KEVOLVE_TUNE(other_stream, "CHEAT: 0..1")
void other_stream(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(other_stream, CHEAT, 0) == 0) {
    honest(in, out, n, stream);
    return;
  }
  // The work on a stream of its own that never waits for the harness's: the events on the
  // harness's stream see an empty region, and the work runs on after it.
  static cudaStream_t own = [] {
    cudaStream_t s = nullptr;
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    return s;
  }();
  honest(in, out, n, own);
}
