#include <kevolve/bench.hpp>

#include "../scale.hpp"

KEVOLVE_BENCH(scale, b) {
  const long n = b.size("n", {1 << 16});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { scale(in, out, n); });
}
