#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

KEVOLVE_BENCH(triad, b) {
  // The second size is not a multiple of any vector: the tail path must be right too.
  const long n = b.size("n", {1L << 25, (1L << 20) + 3});
  const float* x = b.input<float>("b", n);
  const float* y = b.input<float>("c", n);
  float* a = b.output<float>("a", n);
  b.traffic(3.0 * static_cast<double>(n) * sizeof(float));
  const cudaStream_t stream = b.stream();
  b.run([=] { triad(n, 3.0f, x, y, a, stream); });
}
