#include "backends/cuda/detect.hpp"

// How this works: dlopen the driver library and look up the handful of driver-API entry points
// needed (declared here with plain int types, so no CUDA header is needed to build kevolve).
// The attribute numbers are those of cuda.h's CUdevice_attribute, stable across releases.

#include "util/log.hpp"

#include <fmt/format.h>

#include <dlfcn.h>
#include <memory>

namespace kevolve::backends::cuda {

namespace {

using CUresult = int;
using CUdevice = int;

enum Attribute : int {
  k_max_threads_per_block = 1,
  k_max_shared_memory_per_block = 8,
  k_warp_size = 10,
  k_clock_rate = 13,
  k_multiprocessor_count = 16,
  k_pci_bus_id = 33,
  k_pci_device_id = 34,
  k_memory_clock_rate = 36,
  k_global_memory_bus_width = 37,
  k_l2_cache_size = 38,
  k_max_threads_per_multiprocessor = 39,
  k_pci_domain_id = 50,
  k_compute_capability_major = 75,
  k_compute_capability_minor = 76,
  k_max_shared_memory_per_multiprocessor = 81,
  k_max_shared_memory_per_block_optin = 97,
};

struct Driver {
  CUresult (*init)(unsigned int) = nullptr;
  CUresult (*driver_version)(int*) = nullptr;
  CUresult (*device_count)(int*) = nullptr;
  CUresult (*device_get)(CUdevice*, int) = nullptr;
  CUresult (*device_name)(char*, int, CUdevice) = nullptr;
  CUresult (*device_attribute)(int*, int, CUdevice) = nullptr;
  CUresult (*total_memory)(std::size_t*, CUdevice) = nullptr;
  CUresult (*error_name)(CUresult, const char**) = nullptr;

  std::string describe(CUresult error) const {
    const char* name = nullptr;
    if (error_name && error_name(error, &name) == 0 && name)
      return fmt::format("{} ({})", name, error);
    return fmt::format("error {}", error);
  }
};

struct LibraryCloser {
  void operator()(void* handle) const { dlclose(handle); }
};

template <typename F>
bool bind(void* library, const char* symbol, F& function) {
  function = reinterpret_cast<F>(dlsym(library, symbol));
  return function != nullptr;
}

}  // namespace

util::Expected<std::vector<Device>> detect(const std::string& library) {
  std::unique_ptr<void, LibraryCloser> handle(dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle) {
    const char* why = dlerror();
    KEVOLVE_LOG("cuda: dlopen({}) failed: {}", library, why ? why : "?");
    return util::unexpected(fmt::format("no NVIDIA driver ({} not found)", library));
  }
  Driver drv;
  void* lib = handle.get();
  bool ok = bind(lib, "cuInit", drv.init) && bind(lib, "cuDriverGetVersion", drv.driver_version) &&
            bind(lib, "cuDeviceGetCount", drv.device_count) &&
            bind(lib, "cuDeviceGet", drv.device_get) &&
            bind(lib, "cuDeviceGetName", drv.device_name) &&
            bind(lib, "cuDeviceGetAttribute", drv.device_attribute) &&
            bind(lib, "cuDeviceTotalMem_v2", drv.total_memory);
  bind(lib, "cuGetErrorName", drv.error_name);
  if (!ok) return util::unexpected(fmt::format("{} lacks the CUDA driver API", library));

  if (CUresult r = drv.init(0); r != 0) {
    return util::unexpected(
        fmt::format("NVIDIA driver found but cuInit failed: {}", drv.describe(r)));
  }
  int version = 0;
  drv.driver_version(&version);
  int count = 0;
  if (CUresult r = drv.device_count(&count); r != 0) {
    return util::unexpected(fmt::format("cuDeviceGetCount failed: {}", drv.describe(r)));
  }
  if (count == 0) return util::unexpected(std::string("NVIDIA driver found but no GPU"));

  std::vector<Device> devices;
  for (int ordinal = 0; ordinal < count; ++ordinal) {
    CUdevice dev = 0;
    if (CUresult r = drv.device_get(&dev, ordinal); r != 0) {
      return util::unexpected(fmt::format("cuDeviceGet({}) failed: {}", ordinal, drv.describe(r)));
    }
    char name[256] = {};
    drv.device_name(name, sizeof name - 1, dev);
    auto attribute = [&](int which) {
      int value = 0;
      return drv.device_attribute(&value, which, dev) == 0 ? value : 0;
    };
    std::size_t memory = 0;
    drv.total_memory(&memory, dev);

    Device d;
    d.backend = Backend::cuda;
    d.name = name;
    d.vendor = "NVIDIA";
    d.arch = fmt::format("sm_{}{}", attribute(k_compute_capability_major),
                         attribute(k_compute_capability_minor));
    d.driver = fmt::format("{}.{}", version / 1000, (version % 1000) / 10);
    d.id = knowledge::DeviceId::make("cuda", d.arch, d.name);
    d.facts.device = d.id.str();
    d.facts.values = {
        {"max_threads", attribute(k_max_threads_per_block)},
        {"warp", attribute(k_warp_size)},
        {"smem", attribute(k_max_shared_memory_per_block)},
        {"sm_count", attribute(k_multiprocessor_count)},
        {"cores", attribute(k_multiprocessor_count)},
        {"l2", attribute(k_l2_cache_size)},
    };
    d.details["index"] = ordinal;
    d.details["compute_capability"] = fmt::format("{}.{}", attribute(k_compute_capability_major),
                                                  attribute(k_compute_capability_minor));
    d.details["memory_bytes"] = memory;
    d.details["smem_per_block_optin"] = attribute(k_max_shared_memory_per_block_optin);
    d.details["smem_per_sm"] = attribute(k_max_shared_memory_per_multiprocessor);
    d.details["max_threads_per_sm"] = attribute(k_max_threads_per_multiprocessor);
    d.details["clock_khz"] = attribute(k_clock_rate);
    d.details["memory_clock_khz"] = attribute(k_memory_clock_rate);
    d.details["memory_bus_bits"] = attribute(k_global_memory_bus_width);
    d.details["pci"] = fmt::format("{:04x}:{:02x}:{:02x}.0", attribute(k_pci_domain_id),
                                   attribute(k_pci_bus_id), attribute(k_pci_device_id));
    devices.push_back(std::move(d));
  }
  return devices;
}

}  // namespace kevolve::backends::cuda
