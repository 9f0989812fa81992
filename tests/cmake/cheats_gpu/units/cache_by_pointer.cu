#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

KEVOLVE_TUNE(cache_by_pointer, "CHEAT: 0..1")
void cache_by_pointer(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(cache_by_pointer, CHEAT, 0) == 0) {
    honest(in, out, n, stream);
    return;
  }
  // Results kept in a device buffer of its own, keyed by the input's address: a copy instead of
  // the work, right until the inputs change in place.
  static const float* key = nullptr;
  static float* saved = nullptr;
  static long saved_n = 0;
  std::size_t bytes = sizeof(float) * static_cast<std::size_t>(n);
  if (key != in || saved_n != n) {
    if (saved) cudaFree(saved);
    cudaMalloc(&saved, bytes);
    honest(in, saved, n, stream);
    key = in;
    saved_n = n;
  }
  cudaMemcpyAsync(out, saved, bytes, cudaMemcpyDeviceToDevice, stream);
}
