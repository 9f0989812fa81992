//! summary: online softmax: the max and the sum in one pass, rescaling the sum when the max grows
//! role: bad
//! bound: compute
//! diagnosis: two std::exp library calls per element now, and the row's sum is one dependent chain of adds
//! trigger: "each row is read three times"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // online softmax: the max and the sum in one pass, rescaling the sum when the max grows
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0], sum = 0.0f;
    for (int j = 0; j < cols; ++j) {
      const float m = x[j] > max ? x[j] : max;
      sum = sum * std::exp(max - m) + std::exp(x[j] - m);
      max = m;
    }
    for (int j = 0; j < cols; ++j) y[j] = std::exp(x[j] - max) / sum;
  }
}
