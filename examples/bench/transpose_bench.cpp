#include <kevolve/bench.hpp>

#include "../kernels/kernels.hpp"

KEVOLVE_BENCH(transpose, b) {
  const long n = b.size("n", {1024});
  const auto count = static_cast<std::size_t>(n * n);
  const float* in = b.input<float>("in", count);
  float* out = b.output<float>("out", count);
  b.traffic(2.0 * static_cast<double>(count) * sizeof(float));
  b.run([=] { transpose(in, out, static_cast<int>(n)); });
}
