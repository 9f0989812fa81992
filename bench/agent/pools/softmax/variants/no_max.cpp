//! summary: two passes instead of three: the exp of x without subtracting the row's max
//! role: broken
//! bound: compute
//! diagnosis: (wrong result)
//! trigger: "each row is read three times"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // two passes instead of three: the exp of x without subtracting the row's max
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) {
      y[j] = std::exp(x[j]);
      sum += y[j];
    }
    for (int j = 0; j < cols; ++j) y[j] /= sum;
  }
}
