#include <kevolve/bench.hpp>

#include "../kernels.hpp"

KEVOLVE_BENCH(col_scale, b) {
  const int n = static_cast<int>(b.size("n", {1024, 97}));
  const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  const float* m = b.input<float>("m", count);
  float* out = b.output<float>("out", count);
  b.traffic(2.0 * static_cast<double>(count) * sizeof(float));
  b.run([=] { col_scale(m, out, n, n); });
}
