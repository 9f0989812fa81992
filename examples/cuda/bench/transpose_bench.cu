#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

KEVOLVE_BENCH(transpose, b) {
  // 128 MB each way. 1000 x 777 has partial tiles on both edges.
  const long rows = b.size("rows", {8192, 1000});
  const long cols = b.size("cols", {4096, 777});
  const float* in = b.input<float>("in", rows * cols);
  float* out = b.output<float>("out", rows * cols);
  b.traffic(2.0 * static_cast<double>(rows * cols) * sizeof(float));
  const cudaStream_t stream = b.stream();
  b.run([=] { transpose(static_cast<int>(rows), static_cast<int>(cols), in, out, stream); });
}
