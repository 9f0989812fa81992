// A cache-blocked matrix multiply. The blocks decide how much of A, B and C stays in the L1 and
// L2 caches while the innermost loop (over a row of B and C, which the compiler vectorizes)
// runs; the right sizes depend on the caches of the machine.
#include <kevolve/kevolve.hpp>

#include <algorithm>
#include <cstdio>

#include "kernels.hpp"

KEVOLVE_TUNE(matmul,
             "BI: 4..128 pow2; BJ: 16..512 pow2; BK: 4..256 pow2; "
             "require BJ * BK * 4 <= 4 * l2")
void matmul(const float* a, const float* b, float* c, int n) {
  constexpr int bi = KEVOLVE_PARAM(matmul, BI, 16);
  constexpr int bj = KEVOLVE_PARAM(matmul, BJ, 16);
  constexpr int bk = KEVOLVE_PARAM(matmul, BK, 16);
  std::fill(c, c + static_cast<long>(n) * n, 0.0f);
  for (int ii = 0; ii < n; ii += bi) {
    for (int kk = 0; kk < n; kk += bk) {
      for (int jj = 0; jj < n; jj += bj) {
        const int i_end = std::min(ii + bi, n), k_end = std::min(kk + bk, n),
                  j_end = std::min(jj + bj, n);
        for (int i = ii; i < i_end; ++i) {
          float* c_row = c + static_cast<long>(i) * n;
          for (int k = kk; k < k_end; ++k) {
            const float a_ik = a[static_cast<long>(i) * n + k];
            const float* b_row = b + static_cast<long>(k) * n;
            for (int j = jj; j < j_end; ++j) c_row[j] += a_ik * b_row[j];
          }
        }
      }
    }
  }
}

void report_matmul() {
  std::printf("matmul     BI=%d BJ=%d BK=%d\n", KEVOLVE_PARAM(matmul, BI, 16),
              KEVOLVE_PARAM(matmul, BJ, 16), KEVOLVE_PARAM(matmul, BK, 16));
}
