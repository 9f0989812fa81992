// Row-wise RMS normalization. The sum of squares is a floating-point reduction, which the
// compiler may not reorder on its own (that would change the rounding): with one accumulator it
// runs at one add per cycle of latency. LANES independent partial sums let it vectorize and
// overlap; ROWS rows at a time reuse each loaded weight.
#include <kevolve/kevolve.hpp>

#include <cmath>
#include <cstdio>

#include "kernels.hpp"

namespace {

template <int LANES>
float sum_of_squares(const float* x, int n) {
  float partial[LANES] = {};
  int i = 0;
  for (; i + LANES <= n; i += LANES) {
    for (int l = 0; l < LANES; ++l) partial[l] += x[i + l] * x[i + l];
  }
  float sum = 0;
  for (; i < n; ++i) sum += x[i] * x[i];
  for (int l = 0; l < LANES; ++l) sum += partial[l];
  return sum;
}

}  // namespace

KEVOLVE_TUNE(rmsnorm, "LANES: 1..64 pow2; ROWS: 1, 2, 4")
void rmsnorm(const float* x, const float* weight, float* y, int rows, int cols) {
  constexpr int lanes = KEVOLVE_PARAM(rmsnorm, LANES, 1);
  constexpr int group = KEVOLVE_PARAM(rmsnorm, ROWS, 1);
  for (int r0 = 0; r0 < rows; r0 += group) {
    float scale[group];
    const int count = r0 + group <= rows ? group : rows - r0;
    for (int g = 0; g < count; ++g) {
      const float* row = x + static_cast<long>(r0 + g) * cols;
      scale[g] =
          1.0f / std::sqrt(sum_of_squares<lanes>(row, cols) / static_cast<float>(cols) + 1e-6f);
    }
    for (int c = 0; c < cols; ++c) {
      const float w = weight[c];
      for (int g = 0; g < count; ++g) {
        const long at = static_cast<long>(r0 + g) * cols + c;
        y[at] = x[at] * scale[g] * w;
      }
    }
  }
}

void report_rmsnorm() {
  std::printf("rmsnorm    LANES=%d ROWS=%d\n", KEVOLVE_PARAM(rmsnorm, LANES, 1),
              KEVOLVE_PARAM(rmsnorm, ROWS, 1));
}
