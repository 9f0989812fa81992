//! summary: a polynomial exp (range reduction and a degree-6 polynomial) inlined in place of the std::exp call
//! role: together
//! bound: latency
//! diagnosis: the exp is inlined now, but the row's sum is one dependent chain of adds, which keeps the exp loop from vectorising
//! trigger: "library call per element" !"polynomial exp"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // a polynomial exp (range reduction and a degree-6 polynomial) inlined in place of the std::exp call
  // polynomial exp: x = k ln2 + r, exp(x) = 2^k p(r), on inputs <= 0 (x - max)
  auto poly_exp = [](float x) {
    x = x < -87.0f ? -87.0f : x;
    const float k = std::nearbyint(x * 1.44269504f);
    const float r = (x - k * 0.693145752f) - k * 1.42860677e-6f;
    float p = 1.38888889e-3f;
    p = p * r + 8.33333333e-3f;
    p = p * r + 4.16666667e-2f;
    p = p * r + 1.66666667e-1f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int bits = (static_cast<int>(k) + 127) << 23;
    float scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
  };
  for (int r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* y = out + r * cols;
    float max = x[0];
    for (int j = 1; j < cols; ++j) max = x[j] > max ? x[j] : max;
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) {
      y[j] = poly_exp(x[j] - max);
      sum += y[j];
    }
    for (int k = 0; k < cols; ++k) y[k] = y[k] / sum;
  }
}
