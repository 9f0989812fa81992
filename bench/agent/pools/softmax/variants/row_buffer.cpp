//! summary: the row's exps kept in a std::vector buffer before they are normalised
//! role: broken
//! bound: compute
//! diagnosis: (did not compile)
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // the row's exps kept in a std::vector buffer before they are normalised
  std::vector<float> buffer(cols);
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) sum += buffer[j] = std::exp(x[j] - max);
    for (int j = 0; j < cols; ++j) out[r * cols + j] = buffer[j] / sum;
  }
}
