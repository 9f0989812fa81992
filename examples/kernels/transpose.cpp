// A tiled transpose. Row by row it reads contiguously but writes with a stride of a whole row,
// touching a new cache line for every element; tiles keep the written lines in cache until they
// are full.
#include <kevolve/kevolve.hpp>

#include <algorithm>
#include <cstdio>

#include "kernels.hpp"

KEVOLVE_TUNE(transpose, "TI: 1..256 pow2; TJ: 1..256 pow2")
void transpose(const float* in, float* out, int n) {
  constexpr int ti = KEVOLVE_PARAM(transpose, TI, 1);
  constexpr int tj = KEVOLVE_PARAM(transpose, TJ, 1);
  for (int ii = 0; ii < n; ii += ti) {
    for (int jj = 0; jj < n; jj += tj) {
      const int i_end = std::min(ii + ti, n), j_end = std::min(jj + tj, n);
      for (int i = ii; i < i_end; ++i) {
        for (int j = jj; j < j_end; ++j)
          out[static_cast<long>(j) * n + i] = in[static_cast<long>(i) * n + j];
      }
    }
  }
}

void report_transpose() {
  std::printf("transpose  TI=%d TJ=%d\n", KEVOLVE_PARAM(transpose, TI, 1),
              KEVOLVE_PARAM(transpose, TJ, 1));
}
