// The tuned SGEMM against cuBLAS (fp32, TF32 off), side by side in one run: the reference row
// of docs/results/h100.md. Built with the same injected winners as the application.
//
//   build/examples/cuda/sgemm_vs_cublas --benchmark_repetitions=10 \
//       --benchmark_report_aggregates_only=true
//
// Each iteration is one product timed with CUDA events after a device-wide synchronize;
// inputs are random in [-1, 1), C is overwritten (beta = 0).
#include <benchmark/benchmark.h>
#include <cublas_v2.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "../kernels/kernels.cuh"

namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}

struct Problem {
  int n;
  float *a = nullptr, *b = nullptr, *c = nullptr;
  explicit Problem(int size) : n(size) {
    std::size_t count = static_cast<std::size_t>(n) * n;
    std::vector<float> host(count);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& v : host) v = dist(rng);
    for (float** p : {&a, &b, &c}) check(cudaMalloc(p, count * sizeof(float)), "cudaMalloc");
    check(cudaMemcpy(a, host.data(), count * sizeof(float), cudaMemcpyHostToDevice), "copy");
    check(cudaMemcpy(b, host.data(), count * sizeof(float), cudaMemcpyHostToDevice), "copy");
  }
  ~Problem() {
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
  }
};

template <typename Fn>
void timed(benchmark::State& state, int n, Fn&& fn) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  fn();  // warm-up
  check(cudaDeviceSynchronize(), "warm-up");
  for (auto _ : state) {
    check(cudaDeviceSynchronize(), "sync");
    check(cudaEventRecord(start), "event");
    fn();
    check(cudaEventRecord(stop), "event");
    check(cudaEventSynchronize(stop), "run");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "event");
    state.SetIterationTime(ms * 1e-3);
  }
  state.counters["TFLOP/s"] = benchmark::Counter(2.0 * n * static_cast<double>(n) * n * 1e-12,
                                                 benchmark::Counter::kIsIterationInvariantRate);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
}

void BM_tuned_sgemm(benchmark::State& state) {
  Problem p(static_cast<int>(state.range(0)));
  timed(state, p.n, [&] { sgemm(p.n, p.n, p.n, 1.0f, p.a, p.b, 0.0f, p.c, nullptr); });
}

void BM_cublas_sgemm(benchmark::State& state) {
  Problem p(static_cast<int>(state.range(0)));
  cublasHandle_t handle;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) std::exit(1);
  cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH);  // fp32 FMA: no TF32 tensor cores
  const float alpha = 1.0f, beta = 0.0f;
  // Row-major C = A B is column-major C^T = B^T A^T.
  timed(state, p.n, [&] {
    cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, p.n, p.n, p.n, &alpha, p.b, p.n, p.a, p.n,
                &beta, p.c, p.n);
  });
  cublasDestroy(handle);
}

}  // namespace

BENCHMARK(BM_tuned_sgemm)->Arg(4096)->Arg(8192)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_cublas_sgemm)->Arg(4096)->Arg(8192)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
