#include "backends/cpu/detect.hpp"

#include "backends/cuda/detect.hpp"
#include "backends/device.hpp"
#include "backends/hip/detect.hpp"
#include "util/environment.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace kevolve::backends {

std::string_view name_of(Backend backend) {
  switch (backend) {
    case Backend::cpu:
      return "cpu";
    case Backend::cuda:
      return "cuda";
    case Backend::hip:
      return "hip";
  }
  return "?";
}

Inventory detect_devices(const DetectOptions& options) {
  Inventory inventory;
  inventory.devices.push_back(cpu::detect(options));

  std::string libcuda = options.libcuda;
  if (auto env = util::environment("KEVOLVE_LIBCUDA")) libcuda = *env;
  if (auto gpus = cuda::detect(libcuda)) {
    for (Device& d : *gpus) inventory.devices.push_back(std::move(d));
  } else {
    inventory.absent.push_back({Backend::cuda, gpus.error()});
  }

  if (auto gpus = hip::detect(options.root)) {
    for (Device& d : *gpus) inventory.devices.push_back(std::move(d));
  } else {
    inventory.absent.push_back({Backend::hip, gpus.error()});
  }
  for (const Device& d : inventory.devices) KEVOLVE_LOG("hw: found {}", d.id.str());
  for (const Absence& a : inventory.absent)
    KEVOLVE_LOG("hw: no {} device: {}", name_of(a.backend), a.reason);
  return inventory;
}

util::Expected<const Device*> select_device(const Inventory& inventory, std::string_view selector) {
  if (selector.empty()) {
    for (const Device& d : inventory.devices) {
      if (d.backend != Backend::cpu) return &d;
    }
    return &inventory.devices.front();
  }
  for (const Device& d : inventory.devices) {
    if (d.id.str() == selector || name_of(d.backend) == selector) return &d;
  }
  std::string known;
  for (const Device& d : inventory.devices) known += (known.empty() ? "" : ", ") + d.id.str();
  return util::unexpected(
      fmt::format("no device '{}' on this machine (devices: {})", selector, known));
}

}  // namespace kevolve::backends
