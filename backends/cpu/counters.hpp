#pragma once

// The CPU's hardware counters of one candidate, as its harness reports them in reply to the
// `counters` request (include/kevolve/detail/counters.hpp, docs/harness.md): the events' counts
// over the counted calls, and which events were unavailable and why. The candidate is
// untrusted, so the counts are advisory: prompts and reports use them, the choice of a winner
// never does. The same object, with the figures derived from it, is what the wisdom's
// `profile` records (docs/knowledge-format.md).

#include "util/expected.hpp"
#include "util/json.hpp"

#include <map>
#include <optional>
#include <string>

namespace kevolve::backends::cpu {

struct Counters {
  long long calls = 0;                             // the counted calls of the kernel
  double seconds = 0;                              // their time, by the harness's clock
  std::map<std::string, double> counts;            // event -> count over all the calls
  std::map<std::string, std::string> unavailable;  // event -> why it was not counted
  bool multiplexed = false;  // the PMU time-shared its counters: counts are scaled estimates
  long threads = 0;          // threads of the process, and how many of them were counted
  long counted_threads = 0;

  // Derived figures; empty when an event they need was not counted (or counted nothing).
  std::optional<double> ipc() const;                  // instructions per cycle
  std::optional<double> l1_miss_percent() const;      // of L1 data-cache loads
  std::optional<double> llc_miss_percent() const;     // of last-level cache references
  std::optional<double> branch_miss_percent() const;  // of branches
  bool any() const { return !counts.empty(); }
  // The reason when every event is unavailable for one and the same reason; else "".
  std::string unavailable_reason() const;
};

// The events the harness counts, in its order (the reply's names).
const std::vector<std::string>& event_names();

// Reads a `counters` reply, or the record to_json wrote. Unknown events, negative or
// non-numeric counts and over-long reasons are dropped or cut: the reply is the candidate's.
util::Expected<Counters> counters_from(const util::Json& reply);

// The reply's fields with the derived figures (`ipc`, `l1d_load_miss_percent`,
// `llc_miss_percent`, `branch_miss_percent`), under "source": "perf_event".
util::Json to_json(const Counters& counters);

}  // namespace kevolve::backends::cpu
