#pragma once

#include "backends/device.hpp"
#include "util/expected.hpp"

#include <string>
#include <vector>

namespace kevolve::backends::cuda {

// NVIDIA GPUs through the driver API, loaded at run time from `library` (libcuda.so.1), so
// kevolve neither links against CUDA nor needs it installed. The error says why none was found.
util::Expected<std::vector<Device>> detect(const std::string& library);

}  // namespace kevolve::backends::cuda
