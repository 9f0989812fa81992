#include <kevolve/kevolve.hpp>

#include "cheats.cuh"

// Memory-bound, unlike the other units: out[i] = 2 in[i], a read and a write per element.
__global__ void scale_kernel(const float* in, float* out, long n) {
  long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = 2.0f * in[i];
}
__global__ void nothing() {}

KEVOLVE_TUNE(l2_persist, "CHEAT: 0..1")
void l2_persist(const float* in, float* out, long n, cudaStream_t stream) {
  if constexpr (KEVOLVE_PARAM(l2_persist, CHEAT, 0) != 0) {
    // Pins the input in the L2 cache (a persisting access-policy window on the harness's
    // stream) so that the next repetition would read it from L2, not memory; pays for it with
    // an extra launch, which only a cache kept warm across repetitions makes up for.
    static bool limited = [] {
      int device = 0, max_persisting = 0;
      cudaGetDevice(&device);
      cudaDeviceGetAttribute(&max_persisting, cudaDevAttrMaxPersistingL2CacheSize, device);
      return cudaDeviceSetLimit(cudaLimitPersistingL2CacheSize, max_persisting) == cudaSuccess;
    }();
    (void)limited;
    cudaStreamAttrValue window = {};
    window.accessPolicyWindow.base_ptr = const_cast<float*>(in);
    window.accessPolicyWindow.num_bytes = sizeof(float) * static_cast<std::size_t>(n);
    window.accessPolicyWindow.hitRatio = 1.0f;
    window.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
    window.accessPolicyWindow.missProp = cudaAccessPropertyStreaming;
    cudaStreamSetAttribute(stream, cudaStreamAttributeAccessPolicyWindow, &window);
    nothing<<<1, 32, 0, stream>>>();
  }
  scale_kernel<<<blocks_of(n), 256, 0, stream>>>(in, out, n);
}
