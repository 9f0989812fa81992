#pragma once

#include "backends/device.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <vector>

namespace kevolve::backends::hip {

// AMD GPUs from the amdgpu kernel driver's KFD topology in sysfs (what ROCm itself reads), so
// no ROCm library is needed to find them. The error says why none was found.
util::Expected<std::vector<Device>> detect(const std::filesystem::path& root);

// gfx_target_version (major*10000 + minor*100 + stepping) -> "gfx90a", "gfx942", "gfx1100".
std::string gfx_name(std::int64_t target_version);

}  // namespace kevolve::backends::hip
