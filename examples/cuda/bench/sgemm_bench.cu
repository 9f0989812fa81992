#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

namespace {

// One thread per element of C, summing in double: slow, simple, trusted.
__global__ void sgemm_reference(int m, int n, int k, float alpha, const float* a, const float* b,
                                float beta, float* c) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= m || j >= n) return;
  double sum = 0.0;
  for (int p = 0; p < k; ++p)
    sum += static_cast<double>(a[static_cast<long>(i) * k + p]) * b[static_cast<long>(p) * n + j];
  float* cij = c + static_cast<long>(i) * n + j;
  *cij = static_cast<float>(alpha * sum + beta * static_cast<double>(*cij));
}

}  // namespace

KEVOLVE_BENCH(sgemm, b) {
  // Multiples of 256, as the tiled kernel needs (other sizes take an untuned fallback).
  const long m = b.size("m", {4096, 1024});
  const long n = b.size("n", {4096, 1024});
  const long k = b.size("k", {4096, 1024});
  const float* a = b.input<float>("a", m * k);
  const float* x = b.input<float>("b", k * n);
  float* c = b.inout<float>("c", m * n);  // beta != 0: C is read and written
  const float alpha = 1.0f, beta = 0.5f;
  b.work(2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k));
  b.traffic(static_cast<double>(m * k + k * n + 2 * m * n) * sizeof(float));
  // Each element sums k = 4096 products of numbers in [-1, 1) in fp32 (magnitude ~20): the
  // rounding differs from the double reference by ~1e-4, rarely more than 5e-4.
  b.tolerance("c", 1e-4, 2e-3);
  const cudaStream_t stream = b.stream();
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
  b.reference([=] {
    sgemm_reference<<<dim3((ni + 31) / 32, (mi + 7) / 8), dim3(32, 8), 0, stream>>>(
        mi, ni, ki, alpha, a, x, beta, c);
  });
  b.run([=] { sgemm(mi, ni, ki, alpha, a, x, beta, c, stream); });
}
