// The matmul pool's timing main (bench/agent/driver.hpp): C = A * B, n = 250 (a size no block
// or vector width divides, so that a variant that forgets the remainder gives a wrong result).
#include <kevolve/kevolve.hpp>

// The kernel first, so that it sees only what it includes itself.
#include KEVOLVE_BENCH_KERNEL

#include "../../driver.hpp"

int main(int argc, char** argv) {
  const int n = 250;
  std::vector<float> a(n * n), b(n * n), c(n * n);
  agent_bench::fill(a, -1, 1, 1);
  agent_bench::fill(b, -1, 1, 2);
  return agent_bench::drive(
      argc, argv, [&] { matmul(a.data(), b.data(), c.data(), n); }, {"c", &c, 1e-4, 1e-4});
}
