// Runs each example kernel once and says which parameters this build uses: the defaults in an
// untuned build, the recorded winners after `kevolve_tune`.
#include <chrono>
#include <cstdio>
#include <vector>

#include "kernels/kernels.hpp"

namespace {

template <typename F>
double milliseconds(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

int main() {
  const int n = 512;
  std::vector<float> a(n * n, 1.0f), b(n * n, 0.5f), c(n * n);
  report_matmul();
  std::printf("           %.2f ms for %dx%d\n",
              milliseconds([&] { matmul(a.data(), b.data(), c.data(), n); }), n, n);
  report_transpose();
  std::printf("           %.2f ms for %dx%d\n",
              milliseconds([&] { transpose(a.data(), c.data(), n); }), n, n);
  std::vector<float> w(n, 1.0f);
  report_rmsnorm();
  std::printf("           %.2f ms for %dx%d\n",
              milliseconds([&] { rmsnorm(a.data(), w.data(), c.data(), n, n); }), n, n);
  return 0;
}
