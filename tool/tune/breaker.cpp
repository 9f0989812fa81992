#include "tool/tune/breaker.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

namespace {

std::optional<EnvironmentStop> go_on() { return std::nullopt; }

}  // namespace

util::Expected<std::optional<EnvironmentStop>> Breaker::evaluated(const space::Point& point,
                                                                  const eval::Trial& trial,
                                                                  const backends::Build& build) {
  if (build.ok) {
    if (auto flushed = flush(); !flushed) return util::unexpected(flushed.error());
    m_line.clear();
    m_streak = 0;
    if (auto written = m_write(point, trial, Blame::candidate); !written)
      return util::unexpected(written.error());
    return go_on();
  }
  std::optional<EnvironmentFailure> seen = environment_failure(build.log);
  std::string line = first_error_line(build.log);
  if (line != m_line) {
    if (auto flushed = flush(); !flushed) return util::unexpected(flushed.error());
    m_line = line;
    m_streak = 0;
  }
  ++m_streak;
  const bool probed = m_probed.count(line) > 0;
  if (probed && !seen) {  // a probe showed that candidates fail this way by their own code
    if (auto written = m_write(point, trial, Blame::candidate); !written)
      return util::unexpected(written.error());
    return go_on();
  }
  m_held.push_back(
      {point, trial, seen && !seen->candidate_can_cause ? Blame::environment : Blame::candidate});
  const bool suspect = seen ? !probed || m_streak >= k_streak : m_streak >= k_streak;
  if (!suspect) return go_on();
  return test_environment(seen, build.log);
}

util::Expected<std::optional<EnvironmentStop>> Breaker::test_environment(
    const std::optional<EnvironmentFailure>& seen, const std::string& log) {
  ++m_probes;
  backends::Build defaults = m_probe();
  if (defaults.ok) {
    m_probed.insert(m_line);
    m_streak = 0;
    if (auto flushed = flush(); !flushed) return util::unexpected(flushed.error());
    return go_on();
  }
  // The defaults' own failure says best what is wrong now.
  std::optional<EnvironmentFailure> now = environment_failure(defaults.log);
  std::string cause =
      now    ? fmt::format("{} ({})", now->cause, now->line)
      : seen ? fmt::format("{} ({})", seen->cause, seen->line)
             : fmt::format("{} candidates in a row fail with \"{}\"", m_streak, m_line);
  const std::size_t held = m_held.size();
  for (const Held& h : m_held) {
    if (auto written = m_write(h.point, h.trial, Blame::environment); !written)
      return util::unexpected(written.error());
  }
  m_held.clear();
  return std::optional<EnvironmentStop>(EnvironmentStop{fmt::format(
      "the environment fails, not the candidates: {}.\nThe defaults, which built when the tune "
      "started, no longer build either:\n{}One candidate's log:\n{}{} candidate{} that failed "
      "this way {} not recorded as failed (environment_error in the trial log) and will be "
      "evaluated again: fix the environment and run kevolve tune again",
      cause, log_excerpt(defaults.log, 6), log_excerpt(log, 12), held, held == 1 ? "" : "s",
      held == 1 ? "is" : "are")});
}

util::Expected<void> Breaker::flush() {
  std::vector<Held> held = std::move(m_held);
  m_held.clear();
  for (const Held& h : held) {
    if (auto written = m_write(h.point, h.trial, h.blame); !written) return written;
  }
  return {};
}

}  // namespace kevolve::tune
