#include <kevolve/bench.hpp>

#include "../kernels/kernels.hpp"

KEVOLVE_BENCH(rmsnorm, b) {
  const long rows = b.size("rows", {512});
  const long cols = b.size("cols", {4096});
  const auto count = static_cast<std::size_t>(rows * cols);
  const float* x = b.input<float>("x", count);
  const float* weight = b.input<float>("weight", static_cast<std::size_t>(cols));
  float* y = b.output<float>("y", count);
  b.traffic(2.0 * static_cast<double>(count) * sizeof(float));
  b.run([=] { rmsnorm(x, weight, y, static_cast<int>(rows), static_cast<int>(cols)); });
}
