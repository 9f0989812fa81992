#include <kevolve/bench.hpp>

#include "../kernels/matmul_naive.hpp"

KEVOLVE_BENCH(matmul_naive, b) {
  const int n = static_cast<int>(b.size("n", {256}));
  const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  const float* a = b.input<float>("a", count);
  const float* m = b.input<float>("b", count);
  float* c = b.output<float>("c", count);
  b.work(2.0 * n * static_cast<double>(n) * n);
  b.traffic(3.0 * static_cast<double>(count) * sizeof(float));
  b.tolerance("c", 1e-4, 1e-4);  // another loop order sums in another order
  b.run([=] { matmul_naive(a, m, c, n); });
}
