#pragma once

// Stage: annotation. What the recorded configuration means besides its time: the rates it
// achieved against the device's measured peaks (and so whether it is memory- or compute-bound),
// the peaks themselves (on CPUs, of the cache level the harness's buffers fit in), and
// profiler metrics when asked for. The review gates are review.hpp's.

#include "backends/peaks.hpp"
#include "backends/protocol.hpp"
#include "knowledge/wisdom.hpp"
#include "tool/tune/progress.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace kevolve::tune {

// Hardware counters of one candidate (its artifact), from a profiler.
using Profiler = std::function<util::Expected<util::Json>(const std::filesystem::path& artifact)>;

// Achieved rates, % of peak and bound of `record.time_s`, and the peaks that bound it.
void annotate_diagnosis(knowledge::SizeRecord& record, const backends::Description& described,
                        const std::optional<backends::Peaks>& peaks);

// Profiler metrics of each subject (its parameters and artifact), or the profiler's error;
// `tool` names the profiler in the progress notes ("Nsight Compute").
util::Json profile_subjects(
    const std::vector<std::pair<knowledge::ParamValues, std::filesystem::path>>& subjects,
    const Profiler& profiler, const std::string& tool, Progress& progress);

}  // namespace kevolve::tune
