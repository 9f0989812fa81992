#include "tool/tune/verdict.hpp"

#include "tool/tune/environment.hpp"
#include "tool/tune/points.hpp"
#include "util/interrupt.hpp"
#include "util/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kevolve::tune {

std::vector<Verdict> judge_rounds(const std::vector<std::vector<double>>& medians, int rounds) {
  std::vector<Verdict> verdicts;
  if (medians.empty()) return verdicts;
  const std::vector<double>& defaults = medians[0];
  double base = util::median(defaults);
  for (std::size_t k = 0; k + 1 < medians.size(); ++k) {
    const std::vector<double>& times = medians[k + 1];
    std::vector<double> ratios;
    for (std::size_t r = 0; r < times.size() && r < defaults.size(); ++r) {
      if (!std::isnan(times[r]) && !std::isnan(defaults[r]))
        ratios.push_back(defaults[r] / times[r]);
    }
    if (ratios.size() < static_cast<std::size_t>(rounds)) continue;  // a round failed: not trusted
    auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
    double time = util::median(times);
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

std::vector<Contender> contenders_of(const analyzers::Unit& unit, const space::Space& space,
                                     const History& history, std::size_t top) {
  std::vector<Contender> out;
  for (const Evaluated& e : history.fastest(top, defaults_point(space, unit))) {
    knowledge::ParamValues params = params_of(space, e.point);
    std::string header = candidate_header(unit, params);
    out.push_back(
        {e, std::move(params), std::move(header), space.format(e.point), std::nullopt, nullptr});
  }
  return out;
}

namespace {

struct Built {
  std::vector<Contender> contenders;               // built, in the order re-timed
  std::vector<std::filesystem::path> executables;  // the defaults' first
  std::string environment;                         // a build failed for the environment's reason
};

Built build_contenders(CandidateEvaluator& candidates, std::vector<Contender> contenders) {
  Built c;
  c.executables.push_back(candidates.baseline_executable());
  for (std::size_t i = 0; i < contenders.size(); ++i) {
    Contender& k = contenders[i];
    CandidateEvaluator& builder = k.builder ? *k.builder : candidates;
    backends::Build b = builder.build(k.header, fmt::format("top{}", i));
    if (!b.ok) {
      if (auto failure = environment_failure(b.log)) {
        c.environment = fmt::format(
            "the environment fails, not the candidates: {} ({}), rebuilding {} that built during "
            "the search:\n{}fix the environment and run kevolve tune again",
            failure->cause, failure->line, k.label, log_excerpt(b.log, 12));
        return c;
      }
      continue;
    }
    c.contenders.push_back(std::move(k));
    c.executables.push_back(b.executable);
  }
  return c;
}

void fail_reverification(FinalChoice& choice, const Contender& k, eval::Trial check,
                         Progress& progress) {
  choice.notes.push_back(fmt::format("{} fails re-verification: {}", k.label, check.message));
  progress.note(choice.notes.back());
  if (k.variant) {
    eval::Trial line = check;
    line.message = "re-verification on a new seed: " + check.message;
    choice.failed_variants.push_back({k.variant->hash, k.params, std::move(line)});
  } else {
    choice.failed_reverification.emplace_back(k.evaluated, std::move(check));
  }
}

// A variant won: the fastest of the unit's own points that beat the defaults too, once it passes
// re-verification, is what builds fall back to when the variant goes stale.
void choose_original_best(FinalChoice& choice, const Built& c, const std::vector<Verdict>& verdicts,
                          std::vector<bool>& failed, CandidateEvaluator& candidates,
                          Progress& progress) {
  for (const Verdict& v : verdicts) {
    const Contender& k = c.contenders[v.contender];
    if (k.variant || !v.beats_defaults() || failed[v.contender]) continue;
    eval::Trial check = candidates.reverify(c.executables[v.contender + 1]);
    if (check.status == backends::Status::ok) {
      choice.original_best = k.params;
      return;
    }
    fail_reverification(choice, k, std::move(check), progress);
    failed[v.contender] = true;
  }
}

}  // namespace

FinalChoice choose_winner(CandidateEvaluator& candidates, const analyzers::Unit& unit,
                          const space::Space& space, const History& history,
                          const RetimeSettings& settings, double baseline_s, Progress& progress,
                          std::vector<Contender> variants) {
  FinalChoice choice;
  choice.baseline_s = baseline_s;
  std::vector<Contender> all =
      contenders_of(unit, space, history, static_cast<std::size_t>(settings.top));
  for (Contender& v : variants) all.push_back(std::move(v));
  Built c = build_contenders(candidates, std::move(all));
  if (!c.environment.empty()) {
    choice.environment = std::move(c.environment);
    return choice;
  }
  if (c.contenders.empty()) return choice;
  progress.note(fmt::format("re-timing the best {} against the defaults: {} interleaved rounds",
                            c.contenders.size(), settings.rounds));
  auto medians = candidates.interleaved(c.executables, settings.rounds, settings.seed);
  if (util::interrupted()) {
    choice.interrupted = true;
    return choice;
  }
  choice.baseline_s = util::median(medians[0]);
  // The defaults timed by none of the rounds: no verdict, and nothing to record (a NaN time
  // would make an invalid wisdom file).
  if (!std::isfinite(choice.baseline_s)) {
    choice.environment = fmt::format(
        "the defaults failed every run of the final re-timing ({} rounds): nothing is recorded; "
        "kevolve tune -v says why",
        settings.rounds);
    return choice;
  }
  std::vector<Verdict> verdicts = judge_rounds(medians, settings.rounds);
  std::vector<bool> failed(c.contenders.size(), false);
  for (const Verdict& v : verdicts) {
    if (!v.beats_defaults() || choice.winner) continue;
    const Contender& k = c.contenders[v.contender];
    eval::Trial check = candidates.reverify(c.executables[v.contender + 1]);
    if (check.status != backends::Status::ok) {
      fail_reverification(choice, k, std::move(check), progress);
      failed[v.contender] = true;
      continue;
    }
    choice.winner = k.evaluated;
    choice.winning = v;
    choice.winner_params = k.params;
    choice.winner_variant = k.variant;
  }
  if (choice.winner_variant)
    choose_original_best(choice, c, verdicts, failed, candidates, progress);
  // `top` lists points of the unit's own space: what later tunes may start from.
  for (const Verdict& v : verdicts) {
    const Contender& k = c.contenders[v.contender];
    if (!failed[v.contender] && !k.variant) choice.top.push_back({k.params, v.time_s});
  }
  std::sort(choice.top.begin(), choice.top.end(),
            [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  return choice;
}

}  // namespace kevolve::tune
