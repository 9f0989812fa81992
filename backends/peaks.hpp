#pragma once

// A device's measured ceilings (docs/design.md §10): copy bandwidth of its memory (bytes read plus
// written) and fp32 FMA throughput, measured on the device by a probe (GPUs:
// templates/peaks_gpu.cpp; CPUs: cpu/peaks.cpp, in kevolve's own process) rather than read from
// a table of vendor numbers. CPUs also have the bandwidth of each cache level: a CPU harness
// runs its kernel again and again on the same buffers, so buffers that fit in a cache move at
// that cache's speed (a GPU's timed runs start with a flushed L2, so its memory's is the bound).
// They are kept per device id in the user's cache (<cache>/peaks/<device>.json) and copied into
// the wisdom the tuner writes.

#include "backends/device.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::backends {

// One level of the memory hierarchy: what it holds (all its instances together) and the best
// rate measured over data that fits in it (bytes read plus written).
struct MemoryLevel {
  std::string name;  // "L1d", "L2", "L3"; "memory" for the device's memory
  double bytes = 0;  // capacity; 0 for the memory
  double bytes_per_s = 0;
};

struct Peaks {
  double copy_bytes_per_s = 0;  // the memory's (beyond every cache)
  double fma_flops_per_s = 0;
  std::vector<MemoryLevel> caches;        // smallest first; none on GPUs
  std::string date;                       // when measured, ISO 8601 UTC
  util::Json raw = util::Json::object();  // everything the probe reported
};

util::Json to_json(const Peaks& peaks);

// The level whose bandwidth bounds a kernel whose buffers take `footprint` bytes: the
// smallest cache that holds them all, else the memory.
MemoryLevel level_for(const Peaks& peaks, double footprint);

std::filesystem::path peaks_file(const Device& device);
// Nothing when they were never measured for this device.
util::Expected<std::optional<Peaks>> load_peaks(const Device& device);
util::Expected<void> save_peaks(const Device& device, const Peaks& peaks);
// The peaks of a peaks file's JSON; errors name `origin`.
util::Expected<Peaks> peaks_from_json(const util::Json& json, const std::string& origin);

}  // namespace kevolve::backends
