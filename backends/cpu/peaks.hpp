#pragma once

#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "util/expected.hpp"

namespace kevolve::backends::cpu {

// Measures this CPU's ceilings in kevolve's own process, on every CPU it may run on: the
// bandwidth of each cache level in `device.details["caches"]` and of the memory beyond them,
// and the fp32 FMA throughput of the widest vector unit the CPU has. Takes a few seconds.
util::Expected<Peaks> measure_peaks(const Device& device);

}  // namespace kevolve::backends::cpu
