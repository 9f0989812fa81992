#pragma once

#include "backends/device.hpp"

namespace kevolve::backends::cpu {

// This machine's CPU from /proc/cpuinfo and /sys/devices/system/cpu (Linux). Always succeeds:
// what cannot be read is left out of the facts rather than guessed.
Device detect(const DetectOptions& options);

}  // namespace kevolve::backends::cpu
