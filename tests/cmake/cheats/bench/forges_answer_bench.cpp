#include <kevolve/bench.hpp>

#include "../cheats.hpp"

// The answers the forging candidate writes ahead (units/forges_answer.cpp).
KEVOLVE_BENCH(forges_answer, b) {
  const long n = b.size("n", {1 << 14, 1 << 10});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.work(2.0 * 48 * static_cast<double>(n));
  b.run([&] { forges_answer(in, out, n); });
}
