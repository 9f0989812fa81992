//! kernel: softmax
//! space: UNROLL=1 UNROLL=2 UNROLL=4
//! bound: compute
//! diagnosis: std::exp is a library call per element that does not vectorise, the row's sum is one dependent chain of adds, the last pass divides every element, and each row is read three times
#include <cmath>

KEVOLVE_TUNE(softmax, "UNROLL: 1, 2, 4")
void softmax(const float* in, float* out, int rows, int cols) {
  constexpr int unroll = KEVOLVE_PARAM(softmax, UNROLL, 1);
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    float sum = 0.0f;
    int j = 0;
    for (; j + unroll <= cols; j += unroll) {
      for (int u = 0; u < unroll; ++u) {
        y[j + u] = std::exp(x[j + u] - max);
        sum += y[j + u];
      }
    }
    for (; j < cols; ++j) {
      y[j] = std::exp(x[j] - max);
      sum += y[j];
    }
    for (int k = 0; k < cols; ++k) y[k] = y[k] / sum;
  }
}
