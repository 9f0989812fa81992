#include <kevolve/bench.hpp>

#include "../kernels/stencil.hpp"

KEVOLVE_BENCH(stencil, b) {
  const long n = b.size("n", {1 << 14});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { stencil(in, out, n); });
}
