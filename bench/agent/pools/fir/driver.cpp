// The fir pool's timing main (bench/agent/driver.hpp): a 32-tap FIR filter over 2^20 + 37
// outputs, y[i] = sum over t of h[t] * x[i + t] (y is 4 MiB: more than L2, so that a pass over it
// per tap streams from L3; 37 outputs past a power of two, so that a variant that forgets the
// remainder gives a wrong result).
#include <kevolve/kevolve.hpp>

// The kernel first, so that it sees only what it includes itself.
#include KEVOLVE_BENCH_KERNEL

#include "../../driver.hpp"

int main(int argc, char** argv) {
  const int n = (1 << 20) + 37, taps = 32;
  std::vector<float> x(n + taps - 1), h(taps), y(n);
  agent_bench::fill(x, -1, 1, 4);
  agent_bench::fill(h, -1, 1, 5);
  return agent_bench::drive(
      argc, argv, [&] { fir(x.data(), h.data(), y.data(), n, taps); }, {"y", &y, 1e-4, 1e-4});
}
