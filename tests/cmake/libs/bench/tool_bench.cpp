#include <kevolve/bench.hpp>

#include "../tool/kernel.hpp"

KEVOLVE_BENCH(twice, b) {
  const long n = b.size("n", {1 << 12});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { twice(in, out, n); });
}
