#include <kevolve/bench.hpp>

#include "../faults.hpp"

KEVOLVE_BENCH(tiny, b) {
  const long n = b.size("n", {8 << 20});  // 32 MB restored before every call
  float* data = b.inout<float>("data", static_cast<std::size_t>(n));
  b.run([=] { tiny(data, n); });
}
