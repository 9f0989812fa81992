#include "tool/tune/history.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace kevolve::tune {

bool TrialKey::matches(const knowledge::TrialRecord& t) const {
  return t.unit == unit && t.source_hash == source_hash && t.device_id == device_id &&
         t.problem == problem && (t.build.empty() || t.build == build) && t.variant == variant;
}

knowledge::TrialRecord TrialKey::record(knowledge::ParamValues params, std::string strategy) const {
  knowledge::TrialRecord r;
  r.id = knowledge::new_trial_id();
  r.unit = unit;
  r.source_hash = source_hash;
  r.device_id = device_id;
  r.build = build;
  r.variant = variant;
  r.problem = problem;
  r.params = std::move(params);
  r.strategy = std::move(strategy);
  r.date = util::now_utc();
  return r;
}

void History::add(Evaluated e, const std::string& status_name) {
  m_evaluated.push_back(std::move(e));
  ++m_statuses[status_name];
}

void History::mark_failed(const space::Point& p, backends::Status status,
                          const std::string& status_name) {
  for (Evaluated& e : m_evaluated) {
    if (e.point != p || !e.ok()) continue;
    e.status = status;
    e.time_s = 0;
    if (--m_statuses["ok"] == 0) m_statuses.erase("ok");
    ++m_statuses[status_name];
  }
}

bool History::contains(const space::Point& p) const {
  return std::any_of(m_evaluated.begin(), m_evaluated.end(),
                     [&](const Evaluated& e) { return e.point == p; });
}

const Evaluated* History::find(const space::Point& p) const {
  for (const Evaluated& e : m_evaluated) {
    if (e.point == p) return &e;
  }
  return nullptr;
}

std::optional<double> History::best() const {
  std::optional<double> best;
  for (const Evaluated& e : m_evaluated) {
    if (e.ok() && (!best || e.time_s < *best)) best = e.time_s;
  }
  return best;
}

std::vector<Evaluated> History::fastest(std::size_t count,
                                        const std::optional<space::Point>& except) const {
  std::vector<Evaluated> ranked;
  for (const Evaluated& e : m_evaluated) {
    if (e.ok() && (!except || e.point != *except)) ranked.push_back(e);
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const Evaluated& a, const Evaluated& b) { return a.time_s < b.time_s; });
  if (ranked.size() > count) ranked.resize(count);
  return ranked;
}

}  // namespace kevolve::tune
