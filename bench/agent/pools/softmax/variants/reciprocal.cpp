//! summary: one reciprocal of the sum per row, then a multiply per element instead of a divide
//! role: good
//! bound: compute
//! diagnosis: std::exp is a library call per element that does not vectorise, and the row's sum is one dependent chain of adds
//! trigger: "divides every element" !"reciprocal of the sum"
//! trigger: "Replace expensive operations in the hot loop" !"reciprocal of the sum"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // one reciprocal of the sum per row, then a multiply per element instead of a divide
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) {
      y[j] = std::exp(x[j] - max);
      sum += y[j];
    }
    const float inv = 1.0f / sum;
    for (int k = 0; k < cols; ++k) y[k] *= inv;
  }
}
