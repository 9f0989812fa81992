#include "tool/tune/annotate.hpp"

#include "tool/eval/diagnosis.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/review.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

void annotate_diagnosis(knowledge::SizeRecord& record, const backends::Description& described,
                        const std::optional<backends::Peaks>& peaks) {
  std::optional<backends::Peaks> bound = harness_peaks(peaks, described);
  eval::Diagnosis diagnosis = eval::diagnose(described, record.time_s, bound);
  record.peak_percent = diagnosis.peak_percent;
  record.bound = diagnosis.bound;
  if (util::Json achieved = eval::to_json(diagnosis); !achieved.empty())
    record.extra["achieved"] = achieved;
  if (bound) {
    record.extra["peaks"] = util::Json{{"copy_bytes_per_s", bound->copy_bytes_per_s},
                                       {"fma_flops_per_s", bound->fma_flops_per_s}};
    if (!peaks->caches.empty()) {
      record.extra["peaks"]["memory_level"] =
          backends::level_for(*peaks, footprint_bytes(described)).name;
    }
  }
}

util::Json profile_subjects(
    const std::vector<std::pair<knowledge::ParamValues, std::filesystem::path>>& subjects,
    const Profiler& profiler, const std::string& tool, Progress& progress) {
  util::Json profiles = util::Json::array();
  for (const auto& [params, artifact] : subjects) {
    progress.note(fmt::format("profiling {} with {}", params_text_of(params), tool));
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

}  // namespace kevolve::tune
