#pragma once

// Nsight Compute metrics of a CUDA candidate: the kernels its measured region launches (the
// harness marks it with an NVTX range, "kevolve_run"), profiled in a fresh runner.

#include "util/expected.hpp"
#include "util/json.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace kevolve::backends::cuda {

// ncu beside `nvcc` (the CUDA toolkit's), else on PATH; empty when there is none.
std::string find_ncu(const std::string& nvcc);

// {"kernels": [{"name", "duration_ns", "dram_throughput_percent", "sm_throughput_percent",
// "occupancy_percent", "l2_hit_rate_percent"}]}, one entry per kernel launch in the measured
// region.
util::Expected<util::Json> profile(const std::string& ncu, const std::filesystem::path& runner,
                                   const std::filesystem::path& candidate,
                                   std::chrono::milliseconds timeout);

// Reads ncu's --csv output (exposed for tests).
util::Expected<util::Json> parse_ncu_csv(std::string_view output);

}  // namespace kevolve::backends::cuda
