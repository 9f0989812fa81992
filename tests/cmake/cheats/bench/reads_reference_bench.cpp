#include <kevolve/bench.hpp>

#include "../cheats.hpp"

// Captures by reference, as the natural C++ habit does: the locals are alive while it runs.
KEVOLVE_BENCH(reads_reference, b) {
  const long n = b.size("n", {1 << 14, 1 << 10});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.work(2.0 * 48 * static_cast<double>(n));
  b.run([&] { reads_reference(in, out, n); });
}
