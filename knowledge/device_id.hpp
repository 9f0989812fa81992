#pragma once

// Device ids name the hardware a winner was found on (docs/design.md §7):
// `<backend>-<arch>-<slug of name>`, e.g. `cuda-sm_90-nvidia-h100-80gb-hbm3`,
// `cpu-x86_64-amd-epyc-7b13`. They are file names in the knowledge directory.

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace kevolve::knowledge {

struct DeviceId {
  std::string backend;  // cpu, cuda, hip
  std::string arch;     // x86_64, sm_90, gfx90a: no '-'
  std::string slug;     // lowercase letters, digits and single '-'

  static DeviceId make(std::string_view backend, std::string_view arch, std::string_view name);
  static util::Expected<DeviceId> parse(std::string_view id);

  std::string str() const { return backend + "-" + arch + "-" + slug; }
  friend bool operator==(const DeviceId&, const DeviceId&) = default;
};

// The slug of a marketing or model name, with trademark marks and clock suffixes dropped:
// "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" -> "intel-xeon-platinum-8375c-cpu".
std::string device_slug(std::string_view name);

}  // namespace kevolve::knowledge
