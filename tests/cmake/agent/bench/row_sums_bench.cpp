#include <kevolve/bench.hpp>

#include "../kernels.hpp"

KEVOLVE_BENCH(row_sums, b) {
  const int n = static_cast<int>(b.size("n", {1024, 97}));
  const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  const float* m = b.input<float>("m", count);
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.traffic(static_cast<double>(count) * sizeof(float));
  b.tolerance("out", 1e-4, 1e-4);  // another order sums in another order
  b.run([=] { row_sums(m, out, n, n); });
}
