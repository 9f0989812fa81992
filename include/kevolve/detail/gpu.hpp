// CUDA and HIP behind one spelling, for the harness runtime and the runner: `gpu::Malloc`
// is cudaMalloc under nvcc and hipMalloc under hipcc. Every call goes through check(), which
// throws GpuError naming the call and the runtime's error: a fault is a status of the
// candidate, never a silent wrong number.
#pragma once

#if defined(__HIPCC__)
#include <hip/hip_runtime.h>
#define KEVOLVE_GPU(name) hip##name
#define KEVOLVE_GPU_SUCCESS hipSuccess
#define KEVOLVE_GPU_RUNTIME "HIP"
#else
#include <cuda_runtime.h>
#define KEVOLVE_GPU(name) cuda##name
#define KEVOLVE_GPU_SUCCESS cudaSuccess
#define KEVOLVE_GPU_RUNTIME "CUDA"
#endif

#include <stdexcept>
#include <string>

namespace kevolve::detail::gpu {

using Error = KEVOLVE_GPU(Error_t);
using Stream = KEVOLVE_GPU(Stream_t);
using Event = KEVOLVE_GPU(Event_t);

class GpuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void check(Error e, const char* what) {
  if (e != KEVOLVE_GPU_SUCCESS) {
    throw GpuError(std::string(what) + ": " + KEVOLVE_GPU(GetErrorName)(e) + " (" +
                   KEVOLVE_GPU(GetErrorString)(e) + ")");
  }
}

// After the measured code: a launch the runtime refused (too many threads, too much shared
// memory) shows in the last error; a fault in the kernel (illegal address) at the sync.
inline void check_run(const char* what) {
  check(KEVOLVE_GPU(GetLastError)(), what);
  check(KEVOLVE_GPU(DeviceSynchronize)(), what);
}

}  // namespace kevolve::detail::gpu
