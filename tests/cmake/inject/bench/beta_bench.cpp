#include <kevolve/bench.hpp>

#include "../units.hpp"

KEVOLVE_BENCH(beta, b) {
  const long n = b.size("n", {1024});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { beta(in, out, n); });
}
