#include <kevolve/bench.hpp>

#include "../kernels/kernels.hpp"

KEVOLVE_BENCH(matmul, b) {
  const long n = b.size("n", {256});
  const auto count = static_cast<std::size_t>(n * n);
  const float* a = b.input<float>("a", count);
  const float* m = b.input<float>("b", count);
  float* c = b.output<float>("c", count);
  b.work(2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n));
  b.traffic(3.0 * static_cast<double>(count) * sizeof(float));
  b.tolerance("c", 1e-4, 1e-4);  // blocking changes the order of the k sums
  b.run([=] { matmul(a, m, c, static_cast<int>(n)); });
}
