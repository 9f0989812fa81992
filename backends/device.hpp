#pragma once

// What kevolve knows about a device it can tune on: its id (the key of the knowledge
// directory), fingerprint, the hardware facts constraints may read, and backend-specific
// details for reports. Detection happens at run time, so one binary runs on machines with or
// without CUDA or ROCm drivers.

#include "knowledge/device_id.hpp"
#include "space/facts.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::backends {

enum class Backend { cpu, cuda, hip };
std::string_view name_of(Backend backend);
inline constexpr Backend k_backends[] = {Backend::cpu, Backend::cuda, Backend::hip};
// The backend of that name ("cpu", "cuda", "hip"); none for any other.
std::optional<Backend> backend_named(std::string_view name);

struct Device {
  Backend backend = Backend::cpu;
  knowledge::DeviceId id;
  std::string name;  // model or marketing name
  std::string vendor;
  std::string arch;    // x86_64, aarch64, sm_90, gfx90a
  std::string driver;  // driver version; empty for CPUs
  space::Facts facts;
  util::Json details = util::Json::object();
};

// A backend that found nothing, and why ("no NVIDIA driver: libcuda.so.1 not found").
struct Absence {
  Backend backend = Backend::cpu;
  std::string reason;
};

struct Inventory {
  std::vector<Device> devices;  // CPU first, then GPUs by backend and index
  std::vector<Absence> absent;
};

struct DetectOptions {
  std::filesystem::path root = "/";      // where proc/ and sys/ are; tests use a fixture tree
  std::string machine;                   // CPU architecture; empty: uname's
  std::string libcuda = "libcuda.so.1";  // KEVOLVE_LIBCUDA overrides it
  bool use_affinity = true;              // count only the CPUs this process may run on
};

Inventory detect_devices(const DetectOptions& options = {});

// The device a command works on: `selector` is a device id, a backend name (its first device),
// or empty (the first GPU, else the CPU). The error lists what there is.
util::Expected<const Device*> select_device(const Inventory& inventory, std::string_view selector);

// A device as `kevolve hw --json` prints it and a SLURM worker reports its node's device
// (docs/cli.md, "hw"); device_from reads it back, checking every field's type.
util::Json to_json(const Device& device);
util::Expected<Device> device_from(const util::Json& json);

}  // namespace kevolve::backends
