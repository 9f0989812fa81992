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

std::optional<Backend> backend_named(std::string_view name) {
  for (Backend b : k_backends)
    if (name_of(b) == name) return b;
  return std::nullopt;
}

util::Json to_json(const Device& d) {
  return {{"id", d.id.str()},        {"backend", std::string(name_of(d.backend))},
          {"name", d.name},          {"vendor", d.vendor},
          {"arch", d.arch},          {"driver", d.driver},
          {"facts", d.facts.values}, {"details", d.details}};
}

util::Expected<Device> device_from(const util::Json& j) {
  Device d;
  try {
    auto backend = backend_named(j.at("backend").get<std::string>());
    if (!backend) return util::unexpected(std::string("not a device record: unknown backend"));
    d.backend = *backend;
    d.name = j.at("name").get<std::string>();
    d.vendor = j.at("vendor").get<std::string>();
    d.arch = j.at("arch").get<std::string>();
    d.driver = j.at("driver").get<std::string>();
    for (const auto& [fact, value] : j.at("facts").items())
      d.facts.values[fact] = value.get<std::int64_t>();
    d.details = j.at("details");
    auto id = knowledge::DeviceId::parse(j.at("id").get<std::string>());
    if (!id) return util::unexpected("not a device record: " + id.error());
    d.id = *id;
  } catch (const util::Json::exception& e) {
    return util::unexpected(fmt::format("not a device record: {}", e.what()));
  }
  d.facts.device = d.id.str();
  return d;
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
