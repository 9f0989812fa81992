//! summary: a polynomial exp with sixteen independent partial sums: the exp loop vectorises
//! role: together
//! bound: memory
//! diagnosis: the exp loop vectorises; the last pass divides every element
//! trigger: "polynomial exp" "independent partial sums"
//! trigger: "polynomial exp" "dependent chain of adds"
//! trigger: "independent partial sums" "library call per element"
#include <cmath>

KEVOLVE_TUNE(softmax, "")
void softmax(const float* in, float* out, int rows, int cols) {
  // a polynomial exp with sixteen independent partial sums: the exp loop vectorises
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
    float part[16] = {};
    int j = 0;
    for (; j + 16 <= cols; j += 16)
      for (int u = 0; u < 16; ++u) {
        y[j + u] = poly_exp(x[j + u] - max);
        part[u] += y[j + u];
      }
    float sum = 0.0f;
    for (; j < cols; ++j) {
      y[j] = poly_exp(x[j] - max);
      sum += y[j];
    }
    for (int u = 0; u < 16; ++u) sum += part[u];
    for (int k = 0; k < cols; ++k) y[k] = y[k] / sum;
  }
}
