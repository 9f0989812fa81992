#pragma once

// Stage: the review gates (docs/cli.md, kevolve accept). A winner faster than the device's
// measured speed of light (the rate the harness's traffic or work gives it above the measured
// bandwidth or FMA throughput, beyond a margin for measurement noise), or more than 10x faster
// than the defaults, is recorded with that evidence but waits for a person: builds keep the
// winner they used before (the record's fallback), else the defaults, until `kevolve accept`.
// An acceptance holds for the accepted parameter values only: a later tune that finds them
// again keeps it, any other winner that trips a gate waits anew. The defaults beyond the speed
// of light stop the tune: the harness then measures something other than the kernel's work.

#include "backends/peaks.hpp"
#include "backends/protocol.hpp"
#include "knowledge/wisdom.hpp"
#include "tool/tune/progress.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

inline constexpr double k_review_speedup = 10;  // a larger speedup waits for review
inline constexpr double k_light_margin = 1.1;   // how far a rate may exceed its peak: noise

// Bytes of all the harness's buffers: what one run keeps in the caches between runs.
double footprint_bytes(const backends::Description& described);

// The device's peaks as they bound this harness: the bandwidth of the level its buffers fit in
// (backends::level_for; the memory's on GPUs). Nothing when the peaks are unknown.
std::optional<backends::Peaks> harness_peaks(const std::optional<backends::Peaks>& peaks,
                                             const backends::Description& described);

// Pure: a time's speedup and the rates the harness's traffic and work give it, against
// `peaks` (the device's; the level is chosen here).
knowledge::ReviewEvidence evidence_of(double time_s, double baseline_s,
                                      const backends::Description& described,
                                      const std::optional<backends::Peaks>& peaks);

// Pure: each rate of `evidence` beyond k_light_margin times its peak, as a sentence.
std::vector<std::string> beyond_light(const knowledge::ReviewEvidence& evidence);

// Pure: every gate a winner with this evidence trips (speedup, speed of light); none: it
// goes to builds as it is.
std::vector<std::string> review_reasons(const knowledge::ReviewEvidence& evidence);

// Pure: the error that stops a tune whose defaults run beyond the speed of light; nothing
// when they do not.
std::optional<std::string> defaults_beyond_light(const knowledge::ReviewEvidence& defaults);

struct GateDecision {
  std::optional<knowledge::Review> review;      // none: no gate tripped
  std::optional<knowledge::Fallback> fallback;  // what builds use while it is pending
};

// Pure: the review of a winner (`best`, `variant`) with `evidence`, given `previous`: the
// record of this unit and device that builds use now, if any; `defaults`: the unit's defaults.
GateDecision decide_review(const knowledge::ParamValues& best,
                           const std::optional<knowledge::VariantRef>& variant,
                           const knowledge::ReviewEvidence& evidence,
                           const knowledge::SizeRecord* previous,
                           const knowledge::ParamValues& defaults);

// The gates on a new record: a winner gets its review and fallback (decide_review) and the
// progress says what waits; when the defaults stand, a note says so. Returns pending_line
// when the winner waits for review, else "".
std::string apply_review_gates(knowledge::SizeRecord& record, bool won,
                               const backends::Description& described,
                               const std::optional<backends::Peaks>& peaks,
                               const knowledge::SizeRecord* previous,
                               const knowledge::ParamValues& defaults, Progress& progress);

// Pure: a person accepts the winner of `record` that waits for review: `who` and `when` are
// recorded and builds use it from then on (the fallback goes). An error when nothing waits.
util::Expected<void> accept_review(knowledge::SizeRecord& record, const std::string& who,
                                   const std::string& when);

// One line: why a pending winner is not used, and what builds use instead (the fallback, as
// recorded; apply also checks that it is still inside the space).
std::string pending_line(const knowledge::SizeRecord& record);

}  // namespace kevolve::tune
