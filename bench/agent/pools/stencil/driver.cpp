// The stencil pool's timing main (bench/agent/driver.hpp): one sweep of a 5-point average over
// a 1000 x 1000 grid, edges clamped (the nearest cell stands in for one outside the grid).
#include <kevolve/kevolve.hpp>

// The kernel first, so that it sees only what it includes itself.
#include KEVOLVE_BENCH_KERNEL

#include "../../driver.hpp"

int main(int argc, char** argv) {
  const int h = 1000, w = 1000;
  std::vector<float> in(h * w), out(h * w);
  agent_bench::fill(in, 0, 1, 4);
  return agent_bench::drive(
      argc, argv, [&] { stencil(in.data(), out.data(), h, w); }, {"out", &out, 1e-6, 1e-5});
}
