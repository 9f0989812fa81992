// kevolve launch API: device-only CUDA candidates (docs/device-only.md).
//
//   #include <kevolve/launch.hpp>
//   constexpr int kBlock = KEVOLVE_PARAM(scale, BLOCK, 256);      // the kernel's, at compile time
//   extern "C" {
//   KEVOLVE_TUNE(scale, "BLOCK: 64..1024 pow2")
//   __global__ void __launch_bounds__(kBlock) scale_kernel(long n, float* x) { ... }
//   }
//   void scale(long n, float* x, cudaStream_t stream) {
//     const int block = KEVOLVE_RUNTIME_PARAM(scale, BLOCK, 256);  // the host's, at run time
//     KEVOLVE_LAUNCH(scale_kernel, (n + block - 1) / block, block, 0, stream, n, x);
//   }
//
// A unit whose sources launch through KEVOLVE_LAUNCH (and never with <<<>>>) is tuned with
// device-only candidates: each candidate is only the cubin of its kernel sources, and the host
// side (harness, launchers, entry) is built once per tune and loads each candidate's cubin. The
// kernel text still reads its parameters as macros at compile time; the host reads the same
// values at run time. In the application's own build both are the compiled values, and
// KEVOLVE_LAUNCH is a plain launch of the kernel.
//
// Launched kernels are extern "C" (not templates): the cubin's symbol is then the kernel's
// own name, found with cuModuleGetFunction without a registry of mangled names.
//
// Header-only, C++17, CUDA (nvcc). Under hipcc KEVOLVE_LAUNCH is a plain launch and
// KEVOLVE_RUNTIME_PARAM the compiled value: HIP candidates are built as before.
#pragma once

#include <kevolve/kevolve.hpp>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>

#if defined(__HIPCC__)
#include <hip/hip_runtime.h>
#elif defined(__CUDACC__)
#include <kevolve/detail/gpu.hpp>

#include <cstdio>
#include <cuda.h>
#include <cuda_runtime.h>
#include <map>
#include <stdexcept>
#include <vector>
#endif

// The value of a tuned parameter where host code needs it at run time (a launch's shape).
#define KEVOLVE_RUNTIME_PARAM(unit, NAME, default_value) \
  ::kevolve::runtime_param(#unit, #NAME, KEVOLVE_PARAM(unit, NAME, default_value))

// Launches the extern "C" kernel `kernel` with the kernel's own parameter types.
#define KEVOLVE_LAUNCH(kernel, grid, block, shared_bytes, stream, ...) \
  ::kevolve::launch(#kernel, kernel, grid, block, shared_bytes, stream, __VA_ARGS__)

namespace kevolve {

#if defined(__CUDACC__) && !defined(__HIPCC__)

namespace detail::device_only {

// The candidate a device-only host library serves: its cubins and parameter values, from the
// manifest that kevolve wrote for it (backends/build.cpp). Inactive in every other build.
struct Candidate {
  bool active = false;
  std::string unit;
  std::vector<std::string> cubins;
  std::vector<CUmodule> modules;
  std::map<std::string, std::string> params;
  long launches = 0;  // through KEVOLVE_LAUNCH
};

inline Candidate& candidate() {
  static Candidate c;
  return c;
}

// The driver API's functions, found through the runtime (cudaGetDriverEntryPointByVersion):
// no build that includes this header needs to link libcuda.
struct Driver {
  decltype(&::cuModuleLoad) module_load = nullptr;
  decltype(&::cuModuleUnload) module_unload = nullptr;
  decltype(&::cuModuleGetFunction) module_get_function = nullptr;
  decltype(&::cuLaunchKernel) launch_kernel = nullptr;
  decltype(&::cuGetErrorName) error_name = nullptr;
};

template <typename F>
void find(F& fn, const char* symbol) {
  void* found = nullptr;
  cudaDriverEntryPointQueryResult status = cudaDriverEntryPointSymbolNotFound;
  cudaError_t e =
      cudaGetDriverEntryPointByVersion(symbol, &found, 12000, cudaEnableDefault, &status);
  if (e != cudaSuccess || status != cudaDriverEntryPointSuccess || !found)
    throw gpu::GpuError(std::string("the CUDA driver has no ") + symbol);
  fn = reinterpret_cast<F>(found);
}

inline const Driver& driver() {
  static const Driver d = [] {
    Driver api;
    find(api.module_load, "cuModuleLoad");
    find(api.module_unload, "cuModuleUnload");
    find(api.module_get_function, "cuModuleGetFunction");
    find(api.launch_kernel, "cuLaunchKernel");
    find(api.error_name, "cuGetErrorName");
    return api;
  }();
  return d;
}

// As the runtime's errors are (detail/gpu.hpp): a status of the candidate.
[[noreturn]] inline void fail(const std::string& what, CUresult r) {
  const char* name = nullptr;
  driver().error_name(r, &name);
  throw gpu::GpuError(what + ": " + (name ? name : "CUresult " + std::to_string(r)));
}

// Reads "kevolve-cubin 1", "unit U", "cubin PATH"..., "param NAME VALUE"... (lines); the first
// line of all, "host PATH", is the runner's.
inline std::string load_manifest(const char* path) {
  Candidate& c = candidate();
  c = Candidate{};
  std::FILE* file = std::fopen(path, "r");
  if (!file) return std::string("cannot read the candidate's manifest ") + path;
  char line[4096];
  while (std::fgets(line, sizeof line, file)) {
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    std::size_t space = text.find(' ');
    std::string key = text.substr(0, space);
    std::string value = space == std::string::npos ? std::string() : text.substr(space + 1);
    if (key == "unit") c.unit = value;
    if (key == "cubin") c.cubins.push_back(value);
    std::size_t split = value.find(' ');
    if (key == "param" && split != std::string::npos)
      c.params[value.substr(0, split)] = value.substr(split + 1);
  }
  std::fclose(file);
  if (c.cubins.empty()) return std::string("the candidate's manifest names no cubin: ") + path;
  c.active = true;
  return {};
}

// Modules load at the first launch, inside the harness, so a failure is the candidate's error.
inline void load_modules() {
  Candidate& c = candidate();
  if (!c.modules.empty()) return;
  // The runtime's primary context, current on this thread: the modules load into it.
  gpu::check(cudaFree(nullptr), "making the device's context current");
  for (const std::string& cubin : c.cubins) {
    CUmodule module = nullptr;
    if (CUresult r = driver().module_load(&module, cubin.c_str()); r != CUDA_SUCCESS)
      fail("loading the candidate's cubin " + cubin, r);
    c.modules.push_back(module);
  }
}

inline void unload_modules() {
  Candidate& c = candidate();
  for (CUmodule m : c.modules) (void)driver().module_unload(m);
  c = Candidate{};
}

inline CUfunction function(const char* kernel) {
  std::string name(kernel);
  if (std::size_t colons = name.rfind("::"); colons != std::string::npos)
    name = name.substr(colons + 2);  // extern "C" names have no namespace
  load_modules();
  for (CUmodule m : candidate().modules) {
    CUfunction f = nullptr;
    if (driver().module_get_function(&f, m, name.c_str()) == CUDA_SUCCESS) return f;
  }
  throw std::runtime_error("kernel '" + name +
                           "' is not in the candidate's cubin: a kernel launched through "
                           "KEVOLVE_LAUNCH must be extern \"C\" and defined in the unit's "
                           "kernel sources (docs/device-only.md)");
}

}  // namespace detail::device_only

// The candidate's value of NAME (device-only candidates) where it sets one, else `compiled`:
// the value that this translation unit was compiled with.
inline long runtime_param(const char* unit, const char* name, long compiled) {
  const detail::device_only::Candidate& c = detail::device_only::candidate();
  if (!c.active || c.unit != unit) return compiled;
  // A candidate sets only what its header defines (the defaults' sets nothing): the others
  // keep the defaults, which the host side was compiled with.
  auto found = c.params.find(name);
  if (found == c.params.end()) return compiled;
  char* end = nullptr;
  long value = std::strtol(found->second.c_str(), &end, 10);
  if (end == found->second.c_str() || *end != '\0')
    throw std::invalid_argument(std::string("parameter '") + name + "' of unit '" + unit +
                                "' is not an integer (" + found->second + ")");
  return value;
}

template <typename... Params, typename... Args>
void launch(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block,
            std::size_t shared_bytes, cudaStream_t stream, Args&&... args) {
  static_assert(sizeof...(Params) == sizeof...(Args), "KEVOLVE_LAUNCH: wrong number of arguments");
  std::tuple<Params...> values(std::forward<Args>(args)...);  // the kernel's own types
  void* pointers[sizeof...(Params) + 1] = {};
  std::apply(
      [&](auto&... v) {
        std::size_t i = 0;
        ((pointers[i++] = static_cast<void*>(&v)), ...);
      },
      values);
  detail::device_only::Candidate& c = detail::device_only::candidate();
  if (!c.active) {  // a refused launch stays the runtime's last error, as with <<<>>>
    (void)cudaLaunchKernel(reinterpret_cast<const void*>(kernel), grid, block, pointers,
                           shared_bytes, stream);
    return;
  }
  CUfunction f = detail::device_only::function(name);
  CUresult r = detail::device_only::driver().launch_kernel(
      f, grid.x, grid.y, grid.z, block.x, block.y, block.z, static_cast<unsigned>(shared_bytes),
      stream, pointers, nullptr);
  if (r != CUDA_SUCCESS) detail::device_only::fail(std::string("launching ") + name, r);
  ++c.launches;
}

#elif defined(__HIPCC__)

inline long runtime_param(const char*, const char*, long compiled) { return compiled; }

template <typename... Params, typename... Args>
void launch(const char*, void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t shared_bytes,
            hipStream_t stream, Args&&... args) {
  hipLaunchKernelGGL(kernel, grid, block, shared_bytes, stream,
                     Params(std::forward<Args>(args))...);
}

#endif

}  // namespace kevolve
