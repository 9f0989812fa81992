#include "tool/tune/annotate.hpp"

#include "tool/eval/diagnosis.hpp"
#include "tool/tune/points.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

void annotate_diagnosis(knowledge::SizeRecord& record, const backends::Description& described,
                        const std::optional<backends::Peaks>& peaks, Progress& progress) {
  eval::Diagnosis diagnosis = eval::diagnose(described, record.time_s, peaks);
  record.peak_percent = diagnosis.peak_percent;
  record.bound = diagnosis.bound;
  if (util::Json achieved = eval::to_json(diagnosis); !achieved.empty())
    record.extra["achieved"] = achieved;
  if (peaks) {
    record.extra["peaks"] = util::Json{{"copy_bytes_per_s", peaks->copy_bytes_per_s},
                                       {"fma_flops_per_s", peaks->fma_flops_per_s}};
  }
  if (diagnosis.beyond_peak()) {
    record.extra["review"] = fmt::format(
        "{:.0f}% of the measured peak: faster than the speed of light; check the harness's "
        "traffic/work and what it measures",
        *diagnosis.peak_percent);
    progress.note("warning: faster than the measured peak; check the harness");
  }
}

util::Json profile_subjects(
    const std::vector<std::pair<knowledge::ParamValues, std::filesystem::path>>& subjects,
    const Profiler& profiler, Progress& progress) {
  util::Json profiles = util::Json::array();
  for (const auto& [params, artifact] : subjects) {
    progress.note(fmt::format("profiling {} with Nsight Compute", params_text_of(params)));
    auto metrics = profiler(artifact);
    util::Json entry = util::Json{{"params", knowledge::params_json(params)}};
    if (metrics) {
      entry["metrics"] = *metrics;
    } else {
      entry["error"] = metrics.error();
    }
    profiles.push_back(std::move(entry));
  }
  return profiles;
}

void apply_review_gates(knowledge::SizeRecord& record, bool won, Progress& progress) {
  if (won && record.speedup > k_review_speedup) {
    record.extra["review"] =
        "speedup above 10x: check that the harness measures what the build runs";
    progress.note("warning: a speedup above 10x; check the harness");
  }
  if (!won) record.extra["note"] = "no candidate beat the defaults beyond the measured noise";
}

}  // namespace kevolve::tune
