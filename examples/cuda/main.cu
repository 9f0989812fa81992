// Runs each CUDA example kernel once on small problems (with ragged edges, so that the checked
// paths run too), compares it with a CPU reference in double precision, and says which
// parameters this build uses: the defaults in an untuned build, the recorded winners after
// `kevolve_tune`. Exits non-zero if a result is wrong or the GPU fails.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "kernels/kernels.cuh"

namespace {

bool check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return true;
  std::fprintf(stderr, "CUDA error in %s: %s\n", what, cudaGetErrorString(e));
  return false;
}

// A device copy of a host vector, and back.
class Device {
 public:
  explicit Device(const std::vector<float>& host) : m_count(host.size()) {
    m_ok = check(cudaMalloc(&m_data, m_count * sizeof(float)), "cudaMalloc") &&
           check(cudaMemcpy(m_data, host.data(), m_count * sizeof(float), cudaMemcpyHostToDevice),
                 "cudaMemcpy");
  }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  ~Device() { cudaFree(m_data); }
  float* get() const { return m_data; }
  bool ok() const { return m_ok; }
  std::vector<float> host() const {
    std::vector<float> out(m_count);
    check(cudaMemcpy(out.data(), m_data, m_count * sizeof(float), cudaMemcpyDeviceToHost),
          "cudaMemcpy");
    return out;
  }

 private:
  float* m_data = nullptr;
  std::size_t m_count;
  bool m_ok = false;
};

std::vector<float> random_vector(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

std::vector<float> nan_vector(std::size_t n) { return std::vector<float>(n, NAN); }

// Every element within atol + rtol * |expected| (NaN fails); prints the worst one.
bool compare(const char* what, const std::vector<float>& got, const std::vector<double>& want,
             double rtol, double atol) {
  double worst = -INFINITY;  // the largest excess over the tolerance; NaN counts as infinite
  std::size_t bad = 0, worst_i = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - want[i]);
    const double excess = err - (atol + rtol * std::fabs(want[i]));
    if (!(excess <= 0.0)) ++bad;
    if (!(excess <= worst)) {
      worst = std::isnan(excess) ? INFINITY : excess;
      worst_i = i;
    }
  }
  std::printf("           %-28s %s", what, bad ? "FAIL" : "PASS");
  if (bad) {
    std::printf(" (%zu wrong; element %zu: %g, expected %g)", bad, worst_i,
                static_cast<double>(got[worst_i]), want[worst_i]);
  }
  std::printf("\n");
  return bad == 0;
}

// Launches, waits and reports any error.
template <typename F>
bool launch(F&& f) {
  f(cudaStream_t{});
  return check(cudaGetLastError(), "launch") && check(cudaDeviceSynchronize(), "kernel");
}

bool test_triad(long n) {
  const auto b = random_vector(n, 1), c = random_vector(n, 2);
  const float s = 1.5f;
  Device db(b), dc(c), da(nan_vector(n));
  if (!da.ok() || !launch([&](cudaStream_t st) { triad(n, s, db.get(), dc.get(), da.get(), st); }))
    return false;
  std::vector<double> want(n);
  for (long i = 0; i < n; ++i) want[i] = b[i] + static_cast<double>(s) * c[i];
  char what[64];
  std::snprintf(what, sizeof what, "n=%ld", n);
  return compare(what, da.host(), want, 1e-6, 1e-6);
}

bool test_reduction(int rows, int cols) {
  const auto x = random_vector(static_cast<std::size_t>(rows) * cols, 3);
  Device dx(x), dy(nan_vector(rows));
  if (!dy.ok() || !launch([&](cudaStream_t st) { reduction(rows, cols, dx.get(), dy.get(), st); }))
    return false;
  std::vector<double> want(rows, 0.0);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) want[r] += x[static_cast<std::size_t>(r) * cols + c];
  }
  char what[64];
  std::snprintf(what, sizeof what, "%dx%d", rows, cols);
  return compare(what, dy.host(), want, 1e-4, 1e-3);
}

bool test_transpose(int rows, int cols) {
  const std::size_t count = static_cast<std::size_t>(rows) * cols;
  const auto in = random_vector(count, 4);
  Device din(in), dout(nan_vector(count));
  if (!dout.ok() ||
      !launch([&](cudaStream_t st) { transpose(rows, cols, din.get(), dout.get(), st); }))
    return false;
  std::vector<double> want(count);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      want[static_cast<std::size_t>(c) * rows + r] = in[static_cast<std::size_t>(r) * cols + c];
  }
  char what[64];
  std::snprintf(what, sizeof what, "%dx%d", rows, cols);
  return compare(what, dout.host(), want, 0.0, 0.0);
}

bool test_sgemm(int m, int n, int k, float beta) {
  const auto a = random_vector(static_cast<std::size_t>(m) * k, 5);
  const auto b = random_vector(static_cast<std::size_t>(k) * n, 6);
  const auto c = beta != 0.0f ? random_vector(static_cast<std::size_t>(m) * n, 7)
                              : nan_vector(static_cast<std::size_t>(m) * n);
  const float alpha = 0.75f;
  Device da(a), db(b), dc(c);
  if (!dc.ok() || !launch([&](cudaStream_t st) {
        sgemm(m, n, k, alpha, da.get(), db.get(), beta, dc.get(), st);
      }))
    return false;
  std::vector<double> want(static_cast<std::size_t>(m) * n);
  std::vector<double> row(n);
  for (int i = 0; i < m; ++i) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int p = 0; p < k; ++p) {
      const double aip = a[static_cast<std::size_t>(i) * k + p];
      for (int j = 0; j < n; ++j) row[j] += aip * b[static_cast<std::size_t>(p) * n + j];
    }
    for (int j = 0; j < n; ++j) {
      const std::size_t ij = static_cast<std::size_t>(i) * n + j;
      want[ij] = alpha * row[j] + (beta != 0.0f ? beta * static_cast<double>(c[ij]) : 0.0);
    }
  }
  char what[64];
  std::snprintf(what, sizeof what, "%dx%dx%d beta=%g", m, n, k, static_cast<double>(beta));
  // fp32 sums of k products of numbers in [-1, 1): errors grow like sqrt(k) * 6e-8.
  return compare(what, dc.host(), want, 1e-4, 1e-4);
}

bool test_softmax(int rows, int cols) {
  const std::size_t count = static_cast<std::size_t>(rows) * cols;
  auto x = random_vector(count, 8);
  for (float& v : x) v *= 8.0f;  // a spread that makes the max matter
  Device dx(x), dy(nan_vector(count));
  if (!dy.ok() || !launch([&](cudaStream_t st) { softmax(rows, cols, dx.get(), dy.get(), st); }))
    return false;
  std::vector<double> want(count);
  for (int r = 0; r < rows; ++r) {
    const float* xr = &x[static_cast<std::size_t>(r) * cols];
    double m = -INFINITY, s = 0.0;
    for (int c = 0; c < cols; ++c) m = std::fmax(m, xr[c]);
    for (int c = 0; c < cols; ++c) s += std::exp(xr[c] - m);
    for (int c = 0; c < cols; ++c)
      want[static_cast<std::size_t>(r) * cols + c] = std::exp(xr[c] - m) / s;
  }
  char what[64];
  std::snprintf(what, sizeof what, "%dx%d", rows, cols);
  return compare(what, dy.host(), want, 1e-4, 1e-9);
}

bool test_conv2d(int height, int width) {
  constexpr int f = kConvFilter;
  const auto in = random_vector(static_cast<std::size_t>(height) * width, 9);
  const auto filter = random_vector(f * f, 10);
  const int oh = height - f + 1, ow = width - f + 1;
  Device din(in), dfilter(filter), dout(nan_vector(static_cast<std::size_t>(oh) * ow));
  if (!dout.ok() || !launch([&](cudaStream_t st) {
        conv2d(height, width, din.get(), dfilter.get(), dout.get(), st);
      }))
    return false;
  std::vector<double> want(static_cast<std::size_t>(oh) * ow, 0.0);
  for (int y = 0; y < oh; ++y) {
    for (int x = 0; x < ow; ++x) {
      double sum = 0.0;
      for (int i = 0; i < f; ++i) {
        for (int j = 0; j < f; ++j)
          sum += static_cast<double>(in[static_cast<std::size_t>(y + i) * width + x + j]) *
                 filter[i * f + j];
      }
      want[static_cast<std::size_t>(y) * ow + x] = sum;
    }
  }
  char what[64];
  std::snprintf(what, sizeof what, "%dx%d", height, width);
  return compare(what, dout.host(), want, 1e-4, 1e-4);
}

}  // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::fprintf(stderr, "no CUDA device: the examples need one to run\n");
    return 1;
  }
  bool ok = true;
  report_triad();
  ok &= test_triad(1 << 20);
  ok &= test_triad((1 << 20) + 3);  // not a multiple of a vector
  report_reduction();
  ok &= test_reduction(1000, 4096);
  ok &= test_reduction(333, 3001);
  report_transpose();
  ok &= test_transpose(512, 256);
  ok &= test_transpose(1000, 777);
  report_sgemm();
  ok &= test_sgemm(512, 512, 512, 0.0f);
  ok &= test_sgemm(512, 256, 768, 0.5f);
  ok &= test_sgemm(100, 70, 33, 0.5f);  // not a multiple of any tile: the fallback
  report_softmax();
  ok &= test_softmax(1000, 2048);
  ok &= test_softmax(333, 3001);
  report_conv2d();
  ok &= test_conv2d(512, 512);
  ok &= test_conv2d(300, 257);
  std::printf("%s\n", ok ? "all PASS" : "FAILED");
  return ok ? 0 : 1;
}
