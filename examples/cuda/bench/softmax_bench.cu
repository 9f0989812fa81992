#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

namespace {

// One warp per row, three passes, accurate expf: slow, simple, trusted.
__global__ void softmax_reference(int rows, int cols, const float* x, float* y) {
  const int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32, lane = threadIdx.x % 32;
  if (row >= rows) return;
  const float* in = x + static_cast<long>(row) * cols;
  float* out = y + static_cast<long>(row) * cols;
  float m = -INFINITY;
  for (int c = lane; c < cols; c += 32) m = fmaxf(m, in[c]);
  for (int offset = 16; offset > 0; offset /= 2) m = fmaxf(m, __shfl_xor_sync(~0u, m, offset));
  double s = 0.0;
  for (int c = lane; c < cols; c += 32) s += expf(in[c] - m);
  for (int offset = 16; offset > 0; offset /= 2) s += __shfl_xor_sync(~0u, s, offset);
  for (int c = lane; c < cols; c += 32) out[c] = static_cast<float>(expf(in[c] - m) / s);
}

}  // namespace

KEVOLVE_BENCH(softmax, b) {
  // 128 MB in and out. 3001 columns: not a multiple of a vector, and more than some
  // configurations keep in registers.
  const long rows = b.size("rows", {16384, 1000});
  const long cols = b.size("cols", {2048, 3001});
  const float* x = b.input<float>("x", rows * cols);
  float* y = b.output<float>("y", rows * cols);
  b.traffic(2.0 * static_cast<double>(rows * cols) * sizeof(float));
  // The kernel's exp (__expf) is within a few 1e-7 of expf; sums run in another order.
  b.tolerance("y", 1e-4, 1e-8);
  const cudaStream_t stream = b.stream();
  const int r = static_cast<int>(rows), c = static_cast<int>(cols);
  b.reference([=] { softmax_reference<<<(r + 7) / 8, 256, 0, stream>>>(r, c, x, y); });
  b.run([=] { softmax(r, c, x, y, stream); });
}
