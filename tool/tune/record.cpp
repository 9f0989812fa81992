#include "tool/tune/record.hpp"

#include "backends/platform.hpp"
#include "knowledge/trials.hpp"
#include "tool/eval/diagnosis.hpp"
#include "tool/tune/build_check.hpp"
#include "tool/tune/points.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace kevolve::tune {

knowledge::SizeRecord size_record(const FinalChoice& choice, const analyzers::Unit& unit,
                                  const space::Space& space, const Problem& problem,
                                  std::uint64_t evaluations, const std::string& strategy) {
  knowledge::SizeRecord record;
  record.problem = problem;
  record.primary = true;
  record.evaluations = static_cast<std::int64_t>(evaluations);
  record.strategy = strategy;
  record.date = util::now_utc();
  record.kevolve_version = KEVOLVE_VERSION_STRING;
  record.best = defaults_params(unit);
  record.time_s = record.baseline_s = choice.baseline_s;
  record.speedup = record.speedup_low = record.speedup_high = 1;
  if (choice.winner && choice.winning) {
    const Verdict& v = *choice.winning;
    record.best = choice.winner_params.empty() ? params_of(space, choice.winner->point)
                                               : choice.winner_params;
    record.variant = choice.winner_variant;
    if (record.variant) {
      record.variant->original_best =
          choice.original_best.empty() ? defaults_params(unit) : choice.original_best;
    }
    record.time_s = v.time_s;
    record.speedup = choice.baseline_s / v.time_s;
    record.speedup_low = std::min(v.low, record.speedup);
    record.speedup_high = std::max(v.high, record.speedup);
  }
  record.top = choice.top;
  return record;
}

std::optional<knowledge::TrialRef> measured_trial(const FinalChoice& choice, const History& history,
                                                  const std::optional<space::Point>& defaults) {
  const Evaluated* measured = choice.winner ? &*choice.winner : nullptr;
  if (!measured && defaults) measured = history.find(*defaults);
  if (!measured || !measured->ok() || measured->trial_id.empty()) return std::nullopt;
  return knowledge::TrialRef{measured->trial_id, measured->time_s, "ok"};
}

knowledge::TrialRecord trial_line(const TrialKey& key, knowledge::ParamValues params,
                                  const std::string& strategy, const eval::Trial& trial,
                                  Blame blame, const backends::Description& described,
                                  const std::optional<backends::Peaks>& peaks) {
  knowledge::TrialRecord record = key.record(std::move(params), strategy);
  record.status = blame == Blame::environment ? std::string(knowledge::k_environment_error)
                                              : std::string(backends::name_of(trial.status));
  if (trial.status == backends::Status::ok && trial.time) {
    record.time_s = trial.time->median_s;
    record.spread = trial.time->spread();
    record.diagnosis = eval::to_json(eval::diagnose(described, trial.time->median_s, peaks));
  }
  if (trial.build_s > 0) record.build_s = trial.build_s;
  if (trial.run_s > 0) record.run_s = trial.run_s;
  record.message = trial.message;
  return record;
}

knowledge::Wisdom wisdom_of(const analyzers::Unit& unit, const backends::Device& device,
                            const backends::CandidateRecipe& recipe, const BuildConfig& build,
                            knowledge::SizeRecord record) {
  knowledge::Wisdom wisdom;
  wisdom.unit = unit.name;
  wisdom.device_id = device.id.str();
  wisdom.device.name = device.name;
  wisdom.device.arch = backends::platform_of(recipe.backend).recorded_arch(device, recipe);
  wisdom.device.driver = device.driver;
  wisdom.device.compiler = build.compiler;
  wisdom.device.extra["build"] = build_json(build);
  wisdom.source_hash = unit.hash;
  wisdom.kernel_hash = unit.kernel_hash;
  wisdom.space = unit.space;
  wisdom.records.push_back(std::move(record));
  return wisdom;
}

}  // namespace kevolve::tune
