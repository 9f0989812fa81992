//! summary: sixteen independent partial sums for the row's sum of exps
//! role: together
//! bound: compute
//! diagnosis: the adds overlap now, but std::exp is still a library call per element that does not vectorise
//! trigger: "dependent chain of adds" !"independent partial sums" !"polynomial exp"
//! trigger: "Several accumulators for reductions" !"independent partial sums" !"polynomial exp"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // sixteen independent partial sums for the row's sum of exps
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    float part[16] = {};
    int j = 0;
    for (; j + 16 <= cols; j += 16)
      for (int u = 0; u < 16; ++u) {
        y[j + u] = std::exp(x[j + u] - max);
        part[u] += y[j + u];
      }
    float sum = 0.0f;
    for (; j < cols; ++j) {
      y[j] = std::exp(x[j] - max);
      sum += y[j];
    }
    for (int u = 0; u < 16; ++u) sum += part[u];
    for (int k = 0; k < cols; ++k) y[k] = y[k] / sum;
  }
}
