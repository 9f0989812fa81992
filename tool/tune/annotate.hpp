#pragma once

// Stage: annotation. What the recorded configuration means besides its time: the rates it
// achieved against the device's measured peaks (and so whether it is memory- or compute-bound),
// the peaks themselves, profiler metrics when asked for, and the review gates: a time beyond
// the measured speed of light or a speedup above 10x is flagged for a person to check.

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

// Achieved rates, % of peak and bound of `record.time_s`; the peaks; the speed-of-light gate.
void annotate_diagnosis(knowledge::SizeRecord& record, const backends::Description& described,
                        const std::optional<backends::Peaks>& peaks, Progress& progress);

// Profiler metrics of each subject (its parameters and artifact), or the profiler's error.
util::Json profile_subjects(
    const std::vector<std::pair<knowledge::ParamValues, std::filesystem::path>>& subjects,
    const Profiler& profiler, Progress& progress);

// The 10x gate on a winner, and the note when the defaults stand.
void apply_review_gates(knowledge::SizeRecord& record, bool won, Progress& progress);

inline constexpr double k_review_speedup = 10;

}  // namespace kevolve::tune
