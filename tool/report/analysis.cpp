#include "tool/report/analysis.hpp"

#include <algorithm>

namespace kevolve::report {

namespace {

// "2026-11-21 pid 4242" from the id "20261121T220032Z-4242-17" and the date; the day alone
// when the id is not of that form.
std::string run_key(const knowledge::TrialRecord& t) {
  std::string day = t.date.substr(0, std::min<std::size_t>(t.date.size(), 10));
  const std::size_t first = t.id.find('-');
  const std::size_t last = t.id.rfind('-');
  if (first == std::string::npos || last == first) return day;
  return day + " pid " + t.id.substr(first + 1, last - first - 1);
}

}  // namespace

std::vector<Run> runs_of(const std::vector<knowledge::TrialRecord>& trials) {
  std::vector<Run> runs;
  for (const knowledge::TrialRecord& t : trials) {
    const std::string key = run_key(t);
    auto run = std::find_if(runs.begin(), runs.end(), [&](const Run& r) { return r.key == key; });
    if (run == runs.end()) run = runs.insert(runs.end(), Run{key, t.date, {}, std::nullopt});
    Evaluation e{run->evaluations.size() + 1, std::nullopt, t.status, 0};
    if (t.status == "ok" && t.time_s && *t.time_s > 0) {
      e.time_s = t.time_s;
      if (!run->best_s || *t.time_s < *run->best_s) run->best_s = t.time_s;
    }
    e.best_s = run->best_s.value_or(0);
    run->evaluations.push_back(std::move(e));
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& a, const Run& b) { return a.first_date < b.first_date; });
  return runs;
}

std::string stage_of(const std::string& status) {
  if (status == "ok") return "timed";
  if (status == "compile_error") return "build";
  if (status == "wrong_result") return "verification";
  if (status == std::string(knowledge::k_environment_error)) return "environment";
  return "run";
}

StageTimes stage_times(const std::vector<knowledge::TrialRecord>& trials) {
  StageTimes out;
  for (const knowledge::TrialRecord& t : trials) {
    ++out.ended[stage_of(t.status)];
    if (t.build_s) out.build_s += *t.build_s;
    if (t.run_s) out.run_s += *t.run_s;
    if (t.build_s || t.run_s) ++out.timed_lines;
  }
  return out;
}

}  // namespace kevolve::report
