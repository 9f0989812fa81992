//! summary: a degree-6 Taylor polynomial for exp inlined in place of the std::exp call
//! role: broken
//! bound: compute
//! diagnosis: (wrong result)
//! trigger: "library call per element" !"polynomial exp" !"Taylor polynomial"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // a degree-6 Taylor polynomial for exp inlined in place of the std::exp call
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) {
      const float t = x[j] - max;
      const float e = 1 + t * (1 + t * (0.5f + t * (1.0f / 6 + t * (1.0f / 24 + t * (1.0f / 120 + t / 720)))));
      y[j] = e;
      sum += e;
    }
    for (int k = 0; k < cols; ++k) y[k] = y[k] / sum;
  }
}
