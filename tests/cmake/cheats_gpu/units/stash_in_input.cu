#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

KEVOLVE_TUNE(stash_in_input, "CHEAT: 0..1")
void stash_in_input(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(stash_in_input, CHEAT, 0) == 0) {
    honest(in, out, n, stream);
    return;
  }
  // The results stored in the input buffer on the first call, copied back afterwards.
  static const float* stashed = nullptr;
  std::size_t bytes = sizeof(float) * static_cast<std::size_t>(n);
  float* writable = const_cast<float*>(in);
  if (stashed != in) {
    honest(in, out, n, stream);
    cudaMemcpyAsync(writable, out, bytes, cudaMemcpyDeviceToDevice, stream);
    stashed = in;
    return;
  }
  cudaMemcpyAsync(out, writable, bytes, cudaMemcpyDeviceToDevice, stream);
}
