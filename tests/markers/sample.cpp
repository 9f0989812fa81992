#include "sample.hpp"

#include <cstdio>

namespace kevolve {
class Bench {
 public:
  int runs = 0;
};
}  // namespace kevolve

KEVOLVE_BENCH(sample, b) { ++b.runs; }

int main() {
  int x[4] = {1, 2, 3, 4};
  kevolve::Bench bench;
  kevolve_bench_sample(bench);
  std::printf("BLOCK=%d ITEMS=%d tile=%d unroll=%d sum=%d runs=%d\n", k_block, k_items,
              tiles_kernel(1), math::Ops::unrolled(1), sample_kernel(x, 4), bench.runs);
  return bench.runs == 1 ? 0 : 1;
}
