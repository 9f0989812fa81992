#include "tool/tune/resume.hpp"

#include "tool/tune/points.hpp"

namespace kevolve::tune {

History resume(const std::vector<knowledge::TrialRecord>& log, const TrialKey& key,
               const space::Space& space) {
  History history;
  for (const knowledge::TrialRecord& t : log) {
    // An environment failure, or a job the cluster lost, says nothing about the candidate: its
    // point is tried again.
    if (!key.matches(t) || t.status == knowledge::k_environment_error ||
        t.status == backends::name_of(backends::Status::lost))
      continue;
    auto p = point_of(space, t.params);
    if (!p) continue;
    backends::Status status = backends::Status::runtime_error;
    backends::parse_status(t.status, status);
    // An "ok" line without a time is not a result the search can learn from.
    if (status == backends::Status::ok && !t.time_s) status = backends::Status::runtime_error;
    if (history.contains(*p)) {
      if (status != backends::Status::ok) history.mark_failed(*p, status, t.status);
      continue;
    }
    history.add({*p, status, status == backends::Status::ok ? *t.time_s : 0, t.id}, t.status);
  }
  return history;
}

}  // namespace kevolve::tune
