#include <kevolve/bench.hpp>

#include "../faults.hpp"

KEVOLVE_BENCH(writer, b) {
  const long n = b.size("n", {1024});
  float* in = const_cast<float*>(b.input<float>("in", static_cast<std::size_t>(n)));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { writer(in, out, n); });
}
