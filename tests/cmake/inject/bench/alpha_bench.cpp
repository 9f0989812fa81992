#include <kevolve/bench.hpp>

#include "../units.hpp"

// One harness a file: a candidate links its unit's source and harness only.
KEVOLVE_BENCH(alpha, b) {
  const long n = b.size("n", {1024});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { alpha(in, out, n); });
}
