#pragma once

// A device's measured ceilings (docs/design.md §10): copy bandwidth of its memory (bytes read plus
// written) and fp32 FMA throughput, measured on the device by a probe (templates/peaks_gpu.cpp)
// rather than read from a table of vendor numbers. They are kept per device id in the user's
// cache (<cache>/peaks/<device>.json) and copied into the wisdom the tuner writes.

#include "backends/device.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace kevolve::backends {

struct Peaks {
  double copy_bytes_per_s = 0;
  double fma_flops_per_s = 0;
  std::string date;                       // when measured, ISO 8601 UTC
  util::Json raw = util::Json::object();  // everything the probe reported
};

util::Json to_json(const Peaks& peaks);

std::filesystem::path peaks_file(const Device& device);
// Nothing when they were never measured for this device.
util::Expected<std::optional<Peaks>> load_peaks(const Device& device);
util::Expected<void> save_peaks(const Device& device, const Peaks& peaks);

}  // namespace kevolve::backends
