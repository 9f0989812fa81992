#include <kevolve/bench.hpp>

#include "../gpufaulty.cuh"

KEVOLVE_BENCH(gpufaulty, b) {
  const long n = b.size("n", {1 << 22});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.traffic(8.0 * static_cast<double>(n));
  b.run([=, &b] { gpufaulty(in, out, n, b.stream()); });
}
