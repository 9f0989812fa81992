// A textbook matrix multiply: each element of C is the dot product of a row of A and a column of
// B. Its space can only unroll the dot product; what makes a matrix multiply fast on a CPU (a
// loop order that walks B by rows so the inner loop vectorizes, and blocking for the caches) is a
// change of code, not of a parameter: the case for an LLM-written variant (docs/llm.md).
#include <kevolve/kevolve.hpp>

#include "matmul_naive.hpp"

KEVOLVE_TUNE(matmul_naive, "UNROLL: 1, 2, 4, 8; require UNROLL <= 8")
void matmul_naive(const float* a, const float* b, float* c, int n) {
  constexpr int unroll = KEVOLVE_PARAM(matmul_naive, UNROLL, 1);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      int k = 0;
      for (; k + unroll <= n; k += unroll) {
        for (int u = 0; u < unroll; ++u) sum += a[i * n + k + u] * b[(k + u) * n + j];
      }
      for (; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
}
