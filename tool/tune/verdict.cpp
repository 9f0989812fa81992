#include "tool/tune/verdict.hpp"

#include "tool/tune/environment.hpp"
#include "tool/tune/points.hpp"
#include "util/interrupt.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kevolve::tune {

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<Verdict> judge_rounds(const std::vector<std::vector<double>>& medians, int rounds) {
  std::vector<Verdict> verdicts;
  if (medians.empty()) return verdicts;
  const std::vector<double>& defaults = medians[0];
  double base = median(defaults);
  for (std::size_t k = 0; k + 1 < medians.size(); ++k) {
    const std::vector<double>& times = medians[k + 1];
    std::vector<double> ratios;
    for (std::size_t r = 0; r < times.size() && r < defaults.size(); ++r) {
      if (!std::isnan(times[r]) && !std::isnan(defaults[r]))
        ratios.push_back(defaults[r] / times[r]);
    }
    if (ratios.size() < static_cast<std::size_t>(rounds)) continue;  // a round failed: not trusted
    auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
    double time = median(times);
    verdicts.push_back({k, time, base / time, *low, *high});
  }
  std::stable_sort(verdicts.begin(), verdicts.end(),
                   [](const Verdict& a, const Verdict& b) { return a.speedup > b.speedup; });
  return verdicts;
}

std::vector<std::pair<space::Point, eval::Trial>> verdict_trials(const FinalChoice& choice) {
  std::vector<std::pair<space::Point, eval::Trial>> lines;
  for (const auto& [contender, check] : choice.failed_reverification) {
    eval::Trial line = check;
    line.message = "re-verification on a new seed: " + check.message;
    lines.emplace_back(contender.point, std::move(line));
  }
  return lines;
}

namespace {

struct Contenders {
  std::vector<Evaluated> evaluated;                // built, in the order re-timed
  std::vector<std::filesystem::path> executables;  // the defaults' first
  std::string environment;                         // a build failed for the environment's reason
};

Contenders build_contenders(CandidateEvaluator& candidates, const analyzers::Unit& unit,
                            const space::Space& space, const std::vector<Evaluated>& ranked) {
  Contenders c;
  c.executables.push_back(candidates.baseline_executable());
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    backends::Build b = candidates.build(candidate_header(unit, params_of(space, ranked[i].point)),
                                         fmt::format("top{}", i));
    if (!b.ok) {
      if (auto failure = environment_failure(b.log)) {
        c.environment = fmt::format(
            "the environment fails, not the candidates: {} ({}), rebuilding {} that built during "
            "the search:\n{}fix the environment and run kevolve tune again",
            failure->cause, failure->line, space.format(ranked[i].point), log_excerpt(b.log, 12));
        return c;
      }
      continue;
    }
    c.evaluated.push_back(ranked[i]);
    c.executables.push_back(b.executable);
  }
  return c;
}

}  // namespace

FinalChoice choose_winner(CandidateEvaluator& candidates, const analyzers::Unit& unit,
                          const space::Space& space, const History& history,
                          const RetimeSettings& settings, double baseline_s, Progress& progress) {
  FinalChoice choice;
  choice.baseline_s = baseline_s;
  auto ranked =
      history.fastest(static_cast<std::size_t>(settings.top), defaults_point(space, unit));
  Contenders c = build_contenders(candidates, unit, space, ranked);
  if (!c.environment.empty()) {
    choice.environment = std::move(c.environment);
    return choice;
  }
  if (c.evaluated.empty()) return choice;
  progress.note(fmt::format("re-timing the best {} against the defaults: {} interleaved rounds",
                            c.evaluated.size(), settings.rounds));
  auto medians = candidates.interleaved(c.executables, settings.rounds, settings.seed);
  if (util::interrupted()) {
    choice.interrupted = true;
    return choice;
  }
  choice.baseline_s = median(medians[0]);
  std::vector<Verdict> verdicts = judge_rounds(medians, settings.rounds);
  std::vector<bool> failed(c.evaluated.size(), false);
  for (const Verdict& v : verdicts) {
    if (!v.beats_defaults() || choice.winner) continue;
    eval::Trial check = candidates.reverify(c.executables[v.contender + 1]);
    if (check.status != backends::Status::ok) {
      choice.notes.push_back(fmt::format("{} fails re-verification: {}",
                                         space.format(c.evaluated[v.contender].point),
                                         check.message));
      progress.note(choice.notes.back());
      choice.failed_reverification.emplace_back(c.evaluated[v.contender], std::move(check));
      failed[v.contender] = true;
      continue;
    }
    choice.winner = c.evaluated[v.contender];
    choice.winning = v;
  }
  for (const Verdict& v : verdicts) {
    if (!failed[v.contender])
      choice.top.push_back({params_of(space, c.evaluated[v.contender].point), v.time_s});
  }
  std::sort(choice.top.begin(), choice.top.end(),
            [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  return choice;
}

}  // namespace kevolve::tune
