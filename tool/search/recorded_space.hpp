#pragma once

// A recorded brute-force tuning space: Kernel Tuner's cache format (gzipped or plain JSON),
// every configuration of a kernel compiled, verified and timed on one GPU. `kevolve simulate`
// replays searches on it: a configuration absent from the cache is outside the space, one
// recorded with an error string is a failed evaluation.

#include "space/space.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::search {

struct RecordedSpace {
  std::string kernel;  // kernel_name, device_name: empty when the cache does not say
  std::string device;
  space::Space space;
  std::vector<double> time_ms;  // per point index; NaN where the configuration failed
  std::uint64_t failed = 0;
  double optimum_ms = 0;  // the fastest configuration's time
};

util::Expected<RecordedSpace> load_recorded_space(const std::filesystem::path& file);

}  // namespace kevolve::search
