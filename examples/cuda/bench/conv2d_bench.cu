#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

namespace {

// One thread per output, summing in double: slow, simple, trusted.
__global__ void conv2d_reference(int height, int width, const float* in, const float* filter,
                                 float* out) {
  const int ow = width - kConvFilter + 1, oh = height - kConvFilter + 1;
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= ow || y >= oh) return;
  double sum = 0.0;
  for (int i = 0; i < kConvFilter; ++i) {
    for (int j = 0; j < kConvFilter; ++j)
      sum += static_cast<double>(in[static_cast<long>(y + i) * width + x + j]) *
             filter[i * kConvFilter + j];
  }
  out[static_cast<long>(y) * ow + x] = static_cast<float>(sum);
}

}  // namespace

KEVOLVE_BENCH(conv2d, b) {
  // 300 x 257 leaves partial blocks on both edges.
  const long height = b.size("height", {2048, 300});
  const long width = b.size("width", {2048, 257});
  const long outputs = (height - kConvFilter + 1) * (width - kConvFilter + 1);
  const float* in = b.input<float>("in", height * width);
  const float* filter = b.input<float>("filter", kConvFilter * kConvFilter);
  float* out = b.output<float>("out", outputs);
  b.work(2.0 * kConvFilter * kConvFilter * static_cast<double>(outputs));
  b.traffic(static_cast<double>(height * width + kConvFilter * kConvFilter + outputs) *
            sizeof(float));
  // Sums of 225 products of numbers in [-1, 1) (magnitude ~5) in another order: ~1e-6 apart.
  b.tolerance("out", 1e-4, 1e-4);
  const cudaStream_t stream = b.stream();
  const int h = static_cast<int>(height), w = static_cast<int>(width);
  b.reference([=] {
    const dim3 grid((w - kConvFilter + 1 + 31) / 32, (h - kConvFilter + 1 + 7) / 8);
    conv2d_reference<<<grid, dim3(32, 8), 0, stream>>>(h, w, in, filter, out);
  });
  b.run([=] { conv2d(h, w, in, filter, out, stream); });
}
