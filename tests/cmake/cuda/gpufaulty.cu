// MODE picks a behaviour: 0 correct and slow (the default), 1 correct and fast, 2 writes far out
// of bounds (an illegal address: the device is in an error state afterwards), 3 hangs, 4 asks
// for more shared memory than any GPU has, 5 launches more threads per block than allowed,
// 6 does not compile, 7 fastest of all but wrong.
#include <kevolve/kevolve.hpp>

#include "gpufaulty.cuh"

template <int MODE = KEVOLVE_PARAM(gpufaulty, MODE, 0)>
KEVOLVE_TUNE(gpufaulty, "MODE: 0..7")
__global__ void gpufaulty_kernel(const float* in, float* out, long n) {
  static_assert(MODE != 6, "this candidate does not compile");
  long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  if (MODE == 2) out[i + (1L << 36)] = in[i];
  if (MODE == 3) {
    volatile const float* spin = in;
    while (spin[i] < 2.0f) {  // inputs are in [-1, 1): forever
    }
  }
  if (MODE == 7) return;  // leaves the output as it found it
  if (MODE == 0) {
    float w = in[i];
    for (int k = 0; k < 200; ++k) w = w * 0.999999f + 1e-7f;  // slow
    if (w == 1234.5f) out[i] = 0;                              // never: keeps the loop
  }
  out[i] = in[i] + 1.0f;
}

void gpufaulty(const float* in, float* out, long n, cudaStream_t stream) {
  constexpr int mode = KEVOLVE_PARAM(gpufaulty, MODE, 0);
  int threads = mode == 5 ? 4096 : 256;
  size_t shared = mode == 4 ? (size_t{1} << 30) : 0;
  long blocks = (n + 255) / 256;
  gpufaulty_kernel<mode><<<static_cast<unsigned>(blocks), threads, shared, stream>>>(in, out, n);
}

int gpufaulty_mode() { return KEVOLVE_PARAM(gpufaulty, MODE, 0); }
