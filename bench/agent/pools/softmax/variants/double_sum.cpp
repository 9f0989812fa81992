//! summary: the sum in double precision, for accuracy
//! role: bad
//! bound: compute
//! diagnosis: std::exp is a library call per element that does not vectorise, the row's sum is one dependent chain of double adds, and the last pass divides every element
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // the sum in double precision, for accuracy
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    double sum = 0.0;
    for (int j = 0; j < cols; ++j) {
      const double e = std::exp(static_cast<double>(x[j]) - max);
      y[j] = static_cast<float>(e);
      sum += e;
    }
    for (int k = 0; k < cols; ++k) y[k] = static_cast<float>(y[k] / sum);
  }
}
