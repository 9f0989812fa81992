#include <kevolve/bench.hpp>

#include "../polish.cuh"

KEVOLVE_BENCH(polish, b) {
  const long n = b.size("n", {1 << 22, (1 << 18) + 3});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.work(4.0 * 256 * static_cast<double>(n));
  const cudaStream_t stream = b.stream();
  b.run([=] { polish(in, out, n, stream); });
}
