// Two kernels over a row-major matrix that walk it column by column: each access is a stride of
// a whole row, so every load touches a new cache line.
#include <kevolve/kevolve.hpp>

#include "kernels.hpp"

KEVOLVE_TUNE(row_sums, "UNROLL: 1, 2")
void row_sums(const float* m, float* out, int rows, int cols) {
  constexpr int unroll = KEVOLVE_PARAM(row_sums, UNROLL, 1);
  for (int r = 0; r < rows; ++r) out[r] = 0.0f;
  for (int c = 0; c < cols; ++c) {
#pragma GCC unroll unroll
    for (int r = 0; r < rows; ++r) out[r] += m[static_cast<long>(r) * cols + c];
  }
}

KEVOLVE_TUNE(col_scale, "UNROLL: 1, 2")
void col_scale(const float* m, float* out, int rows, int cols) {
  constexpr int unroll = KEVOLVE_PARAM(col_scale, UNROLL, 1);
  for (int c = 0; c < cols; ++c) {
#pragma GCC unroll unroll
    for (int r = 0; r < rows; ++r) {
      const long i = static_cast<long>(r) * cols + c;
      out[i] = 2.0f * m[i] + 1.0f;
    }
  }
}
