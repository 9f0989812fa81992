#include <kevolve/bench.hpp>

#include "../units.hpp"

KEVOLVE_BENCH(burst, b) {
  const long n = b.size("n", {4096});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { burst(in, out, n); });
}

// Claims a petabyte a run: no device moves that in the microseconds the kernel takes.
KEVOLVE_BENCH(hollow, b) {
  const long n = b.size("n", {1024});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.traffic(1e15);
  b.run([=] { hollow(in, out, n); });
}
