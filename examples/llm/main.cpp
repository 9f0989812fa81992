// Multiplies two matrices with the built matmul_naive (the original, or the variant the build
// injected) and checks the product against a plain reference: a variant must compute the same.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/matmul_naive.hpp"

int main() {
  const int n = 512;
  std::vector<float> a(n * n), b(n * n), c(n * n);
  for (int i = 0; i < n * n; ++i) {
    a[i] = static_cast<float>((i * 7) % 13) / 13.0f - 0.5f;
    b[i] = static_cast<float>((i * 5) % 11) / 11.0f - 0.5f;
  }
  auto start = std::chrono::steady_clock::now();
  matmul_naive(a.data(), b.data(), c.data(), n);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  double worst = 0;
  for (int i = 0; i < n; i += 37) {
    for (int j = 0; j < n; j += 41) {
      double sum = 0;
      for (int k = 0; k < n; ++k) sum += static_cast<double>(a[i * n + k]) * b[k * n + j];
      worst = std::max(worst, std::abs(sum - c[i * n + j]));
    }
  }
  std::printf("matmul_naive %dx%d: %.2f ms, largest error %.2g\n", n, n, ms, worst);
  return worst < 1e-2 ? 0 : 1;
}
