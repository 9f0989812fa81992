#pragma once

// What a unit's tune has evaluated so far, resumed from its trial log or run now, and the key
// that says which trial-log lines belong to this tune.

#include "backends/protocol.hpp"
#include "knowledge/trials.hpp"
#include "space/space.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kevolve::tune {

using Problem = std::vector<std::pair<std::string, std::int64_t>>;

// A trial-log line counts for a tune when it has the same unit, sources, device, problem and
// build configuration (a line from before kevolve recorded the build counts for any).
struct TrialKey {
  std::string unit;
  std::string source_hash;
  std::string device_id;
  Problem problem;
  std::string build;    // the build configuration's key (tool/tune/build_config.hpp)
  std::string variant;  // the code variant evaluated ("": the original)

  bool matches(const knowledge::TrialRecord& t) const;
  // A trial-log line of this key with a new id, dated now; the caller fills in the outcome.
  knowledge::TrialRecord record(knowledge::ParamValues params, std::string strategy) const;
};

struct Evaluated {
  space::Point point;
  backends::Status status = backends::Status::runtime_error;
  double time_s = 0;     // when ok
  std::string trial_id;  // its line in the trial log, when known

  bool ok() const { return status == backends::Status::ok; }
};

class History {
 public:
  void add(Evaluated e, const std::string& status_name);
  bool contains(const space::Point& p) const;
  // The evaluation of `p`, if any.
  const Evaluated* find(const space::Point& p) const;
  // A point that was correct so far turned out to fail (a later trial-log line says so).
  void mark_failed(const space::Point& p, backends::Status status, const std::string& status_name);
  // The fastest correct time so far, if any.
  std::optional<double> best() const;
  // The correct evaluations other than `except`, fastest first, at most `count`.
  std::vector<Evaluated> fastest(std::size_t count,
                                 const std::optional<space::Point>& except) const;

  const std::vector<Evaluated>& all() const { return m_evaluated; }
  std::size_t size() const { return m_evaluated.size(); }
  const std::map<std::string, int>& statuses() const { return m_statuses; }

 private:
  std::vector<Evaluated> m_evaluated;
  std::map<std::string, int> m_statuses;  // evaluations per status name
};

}  // namespace kevolve::tune
