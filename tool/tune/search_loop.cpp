#include "tool/tune/search_loop.hpp"

#include "tool/tune/build_queue.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace kevolve::tune {

namespace {

double seconds_since(SearchLoop::Clock::time_point t) {
  return std::chrono::duration<double>(SearchLoop::Clock::now() - t).count();
}

}  // namespace

struct SearchLoop::Run {
  Run(History& h, unsigned jobs, BuildQueue::BuildFn build, Clock::time_point start,
      std::uint64_t limit)
      : history(h), queue(jobs, std::move(build)), started(start), budget(limit) {}

  History& history;
  BuildQueue queue;
  SearchLoop::Clock::time_point started;
  std::uint64_t budget = 0;
  std::uint64_t counter = 0;      // names the candidates' scratch files
  std::uint64_t outstanding = 0;  // proposed, not yet evaluated
  std::uint64_t since_best = 0;   // evaluations since the best improved
  std::optional<double> best;
};

SearchLoop::SearchLoop(search::Strategy& strategy, CandidateEvaluator& candidates, HeaderFn header,
                       SearchLimits limits)
    : interrupted(util::interrupted),
      m_strategy(strategy),
      m_candidates(candidates),
      m_header(std::move(header)),
      m_limits(limits) {}

void SearchLoop::refill(Run& run) const {
  const bool pipelined = m_limits.evaluate_while_building;
  if (!pipelined && run.outstanding > 0) return;
  const std::uint64_t cap = pipelined ? 2 * std::uint64_t{m_limits.jobs} : m_limits.jobs;
  while (run.outstanding < cap && run.history.size() + run.outstanding < run.budget &&
         !interrupted()) {
    std::vector<space::Point> points = m_strategy.propose(std::min<std::uint64_t>(
        cap - run.outstanding, run.budget - run.history.size() - run.outstanding));
    if (points.empty()) break;
    for (space::Point& p : points) {
      run.queue.push(std::move(p), fmt::format("c{}", run.counter++));
      ++run.outstanding;
    }
  }
}

std::optional<SearchStop> SearchLoop::limit_reached(const Run& run, Progress& progress) const {
  if (m_limits.stall > 0 && run.since_best >= m_limits.stall) {
    progress.note(
        fmt::format("no better candidate in the last {} evaluations: stopped", run.since_best));
    return SearchStop::stall;
  }
  if (m_limits.time_limit_s > 0 && seconds_since(run.started) >= m_limits.time_limit_s) {
    progress.note(fmt::format("time limit of {:.0f} s reached", m_limits.time_limit_s));
    return SearchStop::time_limit;
  }
  return std::nullopt;
}

util::Expected<SearchReport> SearchLoop::run(History& history, const Recorder& record,
                                             Progress& progress, Clock::time_point started) {
  auto build = [this](const space::Point& p, const std::string& tag) {
    return m_candidates.build(m_header(p), tag);
  };
  Run run(history, std::max(1u, m_limits.jobs), build, started, m_limits.budget);
  run.counter = history.size();
  run.best = history.best();
  // The id of the last trial written, for the history of a point written at once.
  std::optional<std::pair<space::Point, std::string>> written;
  Breaker breaker(
      [&](const space::Point& p, const eval::Trial& t, Blame blame) -> util::Expected<void> {
        auto id = record(p, t, blame);
        if (!id) return util::unexpected(id.error());
        written.emplace(p, std::move(*id));
        return {};
      },
      [this] { return m_candidates.rebuild_defaults(); });
  SearchReport report;
  auto loop_started = Clock::now();
  refill(run);
  while (run.outstanding > 0 && !interrupted()) {
    if (auto stop = limit_reached(run, progress)) {
      report.stop = *stop;
      break;
    }
    auto waiting_from = Clock::now();
    auto built = run.queue.next(std::chrono::milliseconds(100), !m_limits.evaluate_while_building);
    report.waiting_s += seconds_since(waiting_from);
    if (!built) continue;
    auto evaluating_from = Clock::now();
    eval::Trial trial = m_candidates.evaluate(built->build, built->tag);
    report.evaluating_s += seconds_since(evaluating_from);
    if (interrupted()) break;
    --run.outstanding;
    written.reset();
    auto judged = breaker.evaluated(built->point, trial, built->build);
    if (!judged) return util::unexpected(judged.error());
    if (*judged) {
      report.stop = SearchStop::environment;
      report.environment = std::move((*judged)->message);
      break;
    }
    bool ok = trial.status == backends::Status::ok && trial.time;
    double time_s = ok ? trial.time->median_s : 0;
    m_strategy.observe({built->point, ok, time_s});
    std::string id = written && written->first == built->point ? written->second : "";
    history.add({built->point, ok ? backends::Status::ok : trial.status, time_s, std::move(id)},
                std::string(backends::name_of(trial.status)));
    ++run.since_best;
    if (ok && (!run.best || time_s < *run.best)) {
      run.best = time_s;
      run.since_best = 0;
    }
    progress.trial(history.size(), run.best.value_or(0));
    refill(run);
  }
  if (interrupted()) report.stop = SearchStop::interrupted;
  if (report.stop != SearchStop::environment) {
    if (auto flushed = breaker.finish(); !flushed) return util::unexpected(flushed.error());
  }
  report.seconds = seconds_since(loop_started);
  return report;
}

}  // namespace kevolve::tune
