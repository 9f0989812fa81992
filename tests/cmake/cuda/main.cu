// Runs the unit as built (with the recorded winner) once and checks its result: after the
// faulty candidates the GPU must still work.
#include <cstdio>
#include <vector>

#include "gpufaulty.cuh"

int main() {
  const long n = 1 << 20;
  std::vector<float> host(n), back(n);
  for (long i = 0; i < n; ++i) host[i] = static_cast<float>(i % 17) * 0.125f;
  float *in = nullptr, *out = nullptr;
  if (cudaMalloc(&in, n * sizeof(float)) != cudaSuccess ||
      cudaMalloc(&out, n * sizeof(float)) != cudaSuccess) {
    std::printf("no GPU memory\n");
    return 1;
  }
  cudaMemcpy(in, host.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  gpufaulty(in, out, n, 0);
  cudaError_t e = cudaDeviceSynchronize();
  cudaMemcpy(back.data(), out, n * sizeof(float), cudaMemcpyDeviceToHost);
  for (long i = 0; i < n; ++i) {
    if (e != cudaSuccess || back[i] != host[i] + 1.0f) {
      std::printf("MODE=%d: wrong at %ld (%s)\n", gpufaulty_mode(), i, cudaGetErrorName(e));
      return 1;
    }
  }
  std::printf("MODE=%d: ok\n", gpufaulty_mode());
  return 0;
}
