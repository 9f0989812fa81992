#pragma once

// The search loop's circuit breaker: a compiler outage or a full disk must stop a tune with the
// environment's error, not fill the trial log with failed candidates that a later tune would
// never try again.
//
// How this works. Every evaluated candidate passes through `evaluated`. One that built is
// written to the trial log at once. One that failed to build is held back while it may be part
// of an outage; the breaker suspects the environment when a failure's log shows it
// (tool/tune/environment.hpp), or when `k_streak` consecutive candidates fail with the same
// first error line. A suspicion is put to the test: the defaults, which built when the tune
// started, are built again without any cache (`Probe`).
//   - They fail too: the environment is broken. The tune stops with its error; the failures
//     held back go to the trial log as `environment_error`, which resume ignores, so the next
//     tune evaluates those points again.
//   - They build: not the environment (a passing outage, or candidates that fail by their own
//     code). The held failures are written: those whose log shows an environment failure that
//     no candidate can cause (disk, descriptors, a compiler that cannot run) as
//     `environment_error`, the others as the candidates' failures. A first error line that
//     passed a probe triggers another only after `k_streak` more consecutive failures with it,
//     and a line no environment pattern matched never again: a space whose corner fails by its
//     own static_assert costs one probe.
// A streak ends with a candidate that builds or one that fails another way; its held failures
// are then the candidates' own.

#include "backends/candidate.hpp"
#include "space/space.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/tune/environment.hpp"
#include "util/expected.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kevolve::tune {

// Where a trial-log line's outcome comes from.
enum class Blame { candidate, environment };

// Why a tune stops: the environment fails.
struct EnvironmentStop {
  std::string message;  // the cause, one failure's log, what to do
};

class Breaker {
 public:
  static constexpr std::size_t k_streak = 5;

  // Writes one evaluation to the trial log.
  using Writer =
      std::function<util::Expected<void>(const space::Point&, const eval::Trial&, Blame)>;
  // Builds the defaults again, bypassing every cache.
  using Probe = std::function<backends::Build()>;

  Breaker(Writer write, Probe probe) : m_write(std::move(write)), m_probe(std::move(probe)) {}

  // One evaluated candidate and its build. Nothing: go on. An error: the trial log could not be
  // written.
  util::Expected<std::optional<EnvironmentStop>> evaluated(const space::Point& point,
                                                           const eval::Trial& trial,
                                                           const backends::Build& build);
  // The search ends (any reason but the environment): held failures are the candidates' own.
  util::Expected<void> finish() { return flush(); }

  std::size_t probes() const { return m_probes; }

 private:
  struct Held {
    space::Point point;
    eval::Trial trial;
    Blame blame;  // if the environment turns out fine
  };
  util::Expected<void> flush();
  util::Expected<std::optional<EnvironmentStop>> test_environment(
      const std::optional<EnvironmentFailure>& seen, const std::string& log);

  Writer m_write;
  Probe m_probe;
  std::vector<Held> m_held;
  std::string m_line;        // the streak's first error line
  std::size_t m_streak = 0;  // consecutive failures with it (since its last probe)
  std::set<std::string> m_probed;
  std::size_t m_probes = 0;
};

}  // namespace kevolve::tune
