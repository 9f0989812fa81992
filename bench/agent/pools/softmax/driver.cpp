// The softmax pool's timing main (bench/agent/driver.hpp): each of 256 rows of 1000 logits
// becomes exp(x - max) / sum. Most rows hold values in [-40, 40]; every 16th row is three times
// larger, so that an exp without the row's max overflows there.
#include <kevolve/kevolve.hpp>

// The kernel first, so that it sees only what it includes itself.
#include KEVOLVE_BENCH_KERNEL

#include "../../driver.hpp"

int main(int argc, char** argv) {
  const int rows = 256, cols = 1000;
  std::vector<float> in(rows * cols), out(rows * cols);
  agent_bench::fill(in, -40, 40, 3);
  for (int r = 0; r < rows; r += 16)
    for (int j = 0; j < cols; ++j) in[r * cols + j] *= 3;
  return agent_bench::drive(
      argc, argv, [&] { softmax(in.data(), out.data(), rows, cols); }, {"out", &out, 1e-6, 1e-4});
}
