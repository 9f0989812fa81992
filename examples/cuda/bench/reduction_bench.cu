#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

namespace {

// One warp per row, summing in double: slow, simple, trusted.
__global__ void reduction_reference(int rows, int cols, const float* x, float* y) {
  const int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32, lane = threadIdx.x % 32;
  if (row >= rows) return;
  double sum = 0.0;
  for (int c = lane; c < cols; c += 32) sum += x[static_cast<long>(row) * cols + c];
  for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_xor_sync(~0u, sum, offset);
  if (lane == 0) y[row] = static_cast<float>(sum);
}

}  // namespace

KEVOLVE_BENCH(reduction, b) {
  // 256 MB in: memory-bound. 3001 columns are not a multiple of a vector.
  const long rows = b.size("rows", {8192, 1000});
  const long cols = b.size("cols", {8192, 3001});
  const float* x = b.input<float>("x", rows * cols);
  float* y = b.output<float>("y", rows);
  b.traffic(static_cast<double>(rows * cols + rows) * sizeof(float));
  // Sums of up to 8192 numbers in [-1, 1) (magnitude ~50) in another order: ~1e-5 apart.
  b.tolerance("y", 1e-4, 1e-3);
  const cudaStream_t stream = b.stream();
  const int r = static_cast<int>(rows), c = static_cast<int>(cols);
  b.reference([=] { reduction_reference<<<(r + 7) / 8, 256, 0, stream>>>(r, c, x, y); });
  b.run([=] { reduction(r, c, x, y, stream); });
}
