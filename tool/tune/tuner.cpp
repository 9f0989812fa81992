#include "tool/tune/tuner.hpp"

#include "backends/platform.hpp"
#include "knowledge/trials.hpp"
#include "space/parser.hpp"
#include "space/space.hpp"
#include "tool/eval/diagnosis.hpp"
#include "tool/search/registry.hpp"
#include "tool/tune/build_check.hpp"
#include "tool/tune/candidates.hpp"
#include "tool/tune/environment.hpp"
#include "tool/tune/noise.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/record.hpp"
#include "tool/tune/record_text.hpp"
#include "tool/tune/resume.hpp"
#include "tool/tune/review.hpp"
#include "tool/tune/search_loop.hpp"
#include "tool/tune/verdict.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace kevolve::tune {

namespace fs = std::filesystem;
using backends::Status;

std::string_view describe(UnitOutcome::State s) {
  switch (s) {
    case UnitOutcome::State::tuned:
      return "tuned";
    case UnitOutcome::State::review:
      return "review";
    case UnitOutcome::State::defaults_stand:
      return "defaults stand";
    case UnitOutcome::State::up_to_date:
      return "up to date";
    case UnitOutcome::State::skipped:
      return "skipped";
    case UnitOutcome::State::failed:
      return "failed";
    case UnitOutcome::State::interrupted:
      return "interrupted";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

// One unit's tune: the stages in order, sharing what they found.
class UnitTune {
 public:
  UnitTune(const TuneContext& ctx, const analyzers::Unit& unit,
           const backends::CandidateRecipe& recipe)
      : m_ctx(ctx),
        m_settings(ctx.settings),
        m_unit(unit),
        m_recipe(recipe),
        m_build(build_config(recipe, ctx.build_type)) {
    m_out.unit = unit.name;
  }

  UnitOutcome run();
  UnitPlan plan();

 private:
  UnitOutcome fail(std::string message);
  UnitOutcome stopped(UnitOutcome::State state, std::string message = {});
  bool up_to_date(const std::optional<knowledge::Wisdom>& existing);
  util::Expected<void> record_defaults(History& history);
  util::Expected<std::string> record_trial(const space::Point& point, const eval::Trial& trial,
                                           Blame blame = Blame::candidate);
  UnitOutcome defaults_fail(const std::string& error);
  void take_baseline(const eval::Evaluation& evaluator);
  UnitOutcome search_and_record(eval::Evaluation& evaluator);
  UnitOutcome finish(CandidateEvaluator& candidates, const History& history,
                     const VariantStage* variants);
  VariantInputs variant_inputs(eval::Evaluation& evaluator, const SearchLimits& limits);
  Standing standing(const History& history) const;
  util::Expected<void> record_variant_failures(const FinalChoice& choice);
  void write_skill(const VariantStage& variants, const std::string& hash);
  void profile(knowledge::SizeRecord& record, CandidateEvaluator& candidates, bool won);
  bool counts_in_harness() const {
    return backends::platform_of(m_recipe.backend).counts_in_harness();
  }
  std::string choose_strategy() const;
  double search_time_limit(const eval::Evaluation& evaluator) const;

  const TuneContext& m_ctx;
  const TuneSettings& m_settings;
  const analyzers::Unit& m_unit;
  const backends::CandidateRecipe& m_recipe;
  BuildConfig m_build;
  std::string m_rebuilt;  // how the build changed since this device's wisdom was measured
  Clock::time_point m_started = Clock::now();
  UnitOutcome m_out;
  std::optional<space::Space> m_space;
  backends::Description m_described;
  executor::Executor* m_where = nullptr;                    // where candidates build and run
  std::optional<backends::Peaks> m_device_peaks;            // the device's, as measured
  std::optional<backends::Peaks> m_peaks;                   // as they bound this harness
  std::optional<knowledge::SizeRecord> m_previous;          // what builds use now, on this device
  std::optional<knowledge::VariantRef> m_previous_variant;  // its variant, if it fits the kernel
  double m_baseline_s = 0;
  double m_baseline_spread = 0;
  TrialKey m_key;
  util::PathBeneath m_log_file;
};

UnitOutcome UnitTune::fail(std::string message) {
  return stopped(UnitOutcome::State::failed, std::move(message));
}

UnitOutcome UnitTune::stopped(UnitOutcome::State state, std::string message) {
  m_out.state = state;
  m_out.message = std::move(message);
  m_out.seconds = std::chrono::duration<double>(Clock::now() - m_started).count();
  return m_out;
}

// A cache hit: unchanged sources tuned on this very device in the same build configuration
// evaluate nothing, write nothing.
bool UnitTune::up_to_date(const std::optional<knowledge::Wisdom>& existing) {
  if (m_settings.force || !existing || existing->source_hash != m_unit.hash) return false;
  // Asked for variants where none were asked for before: the search resumes from the trial log.
  const knowledge::SizeRecord* primary = existing->primary();
  if (m_ctx.variants && m_ctx.variants->provider && (!primary || !primary->extra.contains("llm")))
    return false;
  std::vector<std::string> changes = build_changes(*existing, m_build);
  if (!changes.empty()) {
    for (const std::string& c : changes) m_rebuilt += (m_rebuilt.empty() ? "" : "; ") + c;
    return false;
  }
  m_out.state = UnitOutcome::State::up_to_date;
  if (primary) m_out.record = *primary;
  m_out.message = "unchanged since it was tuned on this device";
  return true;
}

UnitOutcome UnitTune::run() {
  auto existing = m_ctx.knowledge.read(m_unit.name, m_ctx.device.id);
  if (!existing) return fail(existing.error());
  if (up_to_date(*existing)) return m_out;
  if (*existing && (*existing)->primary()) {
    m_previous = *(*existing)->primary();
    if (m_previous->variant &&
        knowledge::variant_fits(**existing, *m_previous->variant, m_unit.kernel_hash))
      m_previous_variant = m_previous->variant;
  }
  m_ctx.progress.begin(m_unit.name);
  if (!m_rebuilt.empty())
    m_ctx.progress.note("built differently since it was tuned here (" + m_rebuilt +
                        "): tuning again");
  BuildCheck build = check_build(m_build, *existing);
  if (!build.refusal.empty()) return fail(build.refusal);
  auto built = unit_space(m_unit, &m_ctx.device.facts);
  if (!built) return fail(built.error());
  m_space.emplace(std::move(*built));

  static const std::unique_ptr<executor::Executor> here = executor::local_executor();
  m_where = m_ctx.executor ? m_ctx.executor : here.get();
  auto opened = m_where->evaluation(m_recipe, m_settings.eval, m_settings.sandbox, m_ctx.device);
  if (!opened) return fail(opened.error());
  eval::Evaluation& evaluator = *opened->evaluation;
  if (!opened->warning.empty()) m_ctx.progress.note("warning: " + opened->warning);
  if (!build.warning.empty()) m_ctx.progress.note("warning: " + build.warning);
  m_ctx.progress.note(
      fmt::format("building and checking the defaults ({} points in the space)", m_space->size()));
  if (auto ready = evaluator.prepare(); !ready) {
    if (util::interrupted()) return stopped(UnitOutcome::State::interrupted);
    return defaults_fail(ready.error());
  }
  take_baseline(evaluator);
  // A timing beyond the speed of light is never recorded: not even as the defaults' trial.
  if (auto beyond = defaults_beyond_light(
          evidence_of(m_baseline_s, m_baseline_s, m_described, m_device_peaks))) {
    return fail(*beyond);
  }
  return search_and_record(evaluator);
}

// What the prepared evaluation says of the defaults, and the ceilings of the device that ran
// them: the node's where a cluster's node ran them.
void UnitTune::take_baseline(const eval::Evaluation& evaluator) {
  for (const std::string& w : evaluator.warnings()) m_ctx.progress.note("warning: " + w);
  m_described = evaluator.description();
  m_baseline_s = evaluator.baseline().median_s;
  m_baseline_spread = evaluator.baseline().spread();
  if (auto noisy = spread_warning(evaluator.baseline().samples))
    m_ctx.progress.note("warning: " + *noisy);
  m_device_peaks = evaluator.peaks() ? evaluator.peaks() : m_ctx.peaks;
  m_peaks = harness_peaks(m_device_peaks, m_described);
}

UnitPlan UnitTune::plan() {
  UnitPlan p;
  auto existing = m_ctx.knowledge.read(m_unit.name, m_ctx.device.id);
  if (!existing) return p.error = existing.error(), p;
  if (up_to_date(*existing)) return p.up_to_date = true, p;
  p.rebuilt = m_rebuilt;
  if (BuildCheck build = check_build(m_build, *existing); !build.refusal.empty())
    return p.error = build.refusal, p;
  auto built = unit_space(m_unit, &m_ctx.device.facts);
  if (!built) return p.error = built.error(), p;
  m_space.emplace(std::move(*built));
  p.points = m_space->size();
  p.budget = std::min<std::uint64_t>(m_settings.budget, p.points);
  p.strategy = choose_strategy();
  return p;
}

// --time bounds the unit's whole tune (docs/cli.md): counted from its start, it stops the search
// and the tree early enough to leave the final re-timing its cost, (top + 1) runs a round, each
// at most a defaults' session long.
double UnitTune::search_time_limit(const eval::Evaluation& evaluator) const {
  if (m_settings.time_limit_s <= 0) return 0;
  const double verdict = (m_settings.top + 1) * m_settings.rounds * evaluator.session_seconds();
  const double search = std::max(1e-3, m_settings.time_limit_s - verdict);
  KEVOLVE_LOG("tune: {}: --time {:g} s: {:.3f} s for the search, {:.3f} s kept for the re-timing",
              m_unit.name, m_settings.time_limit_s, search, m_settings.time_limit_s - search);
  return search;
}

std::string UnitTune::choose_strategy() const {
  if (!m_settings.strategy.empty()) return m_settings.strategy;
  return search::strategy_for(m_space->size(), m_settings.budget);
}

UnitOutcome UnitTune::search_and_record(eval::Evaluation& evaluator) {
  std::optional<space::Point> start = defaults_point(*m_space, m_unit);
  m_out.strategy = choose_strategy();
  auto strategy = search::make_strategy(m_out.strategy, *m_space, m_settings.seed, start);
  if (!strategy) return fail(strategy.error());

  Problem problem;
  for (const auto& [name, value] : m_described.problem) problem.emplace_back(name, value);
  m_key = {m_unit.name, m_unit.hash, m_ctx.device.id.str(), problem, m_build.key(), ""};
  m_log_file = m_ctx.knowledge.trials_file(m_unit.name, m_ctx.device.id);
  auto log = knowledge::read_trials(m_log_file);
  if (!log) return fail(log.error());
  History history = resume(log->records, m_key, *m_space);
  m_out.resumed = history.size();
  if (auto recorded = record_defaults(history); !recorded) return fail(recorded.error());
  for (const Evaluated& e : history.all()) (*strategy)->observe({e.point, e.ok(), e.time_s});

  SearchLimits limits;
  limits.budget = std::min<std::uint64_t>(m_settings.budget, m_space->size());
  limits.time_limit_s = search_time_limit(evaluator);
  limits.stall = m_settings.stall;
  limits.jobs = m_settings.jobs ? m_settings.jobs : m_where->build_slots();
  limits.evaluate_while_building =
      backends::platform_of(m_recipe.backend).evaluates_while_building();
  EvaluatorCandidates candidates(evaluator, m_recipe);
  SearchLoop loop(
      **strategy, candidates,
      [this](const space::Point& p) { return candidate_header(m_unit, params_of(*m_space, p)); },
      limits);
  m_ctx.progress.start(m_unit.name, limits.budget, m_out.resumed, m_baseline_s);
  auto searched = loop.run(
      history,
      [this](const space::Point& p, const eval::Trial& t, Blame blame) {
        return record_trial(p, t, blame);
      },
      m_ctx.progress, m_started);
  m_ctx.progress.finish();
  if (!searched) return fail(searched.error());
  if (searched->stop == SearchStop::environment) return fail(searched->environment);
  m_out.search_seconds = searched->seconds;
  KEVOLVE_LOG("tune: {} search {:.1f} s: waiting for builds {:.1f} s, evaluating {:.1f} s",
              m_unit.name, searched->seconds, searched->waiting_s, searched->evaluating_s);
  m_out.evaluations = history.size();
  m_out.statuses = history.statuses();
  if (util::interrupted()) {
    return stopped(
        UnitOutcome::State::interrupted,
        fmt::format("{} evaluations are in the trial log; run kevolve tune again to resume",
                    history.size()));
  }
  std::optional<VariantStage> variants;
  if (m_ctx.variants) {
    variants.emplace(*m_ctx.variants, variant_inputs(evaluator, limits));
    auto asked = variants->run(standing(history), m_previous_variant);
    m_ctx.progress.begin(m_unit.name);  // the verdict's notes are the unit's again
    if (!asked) return fail(asked.error());
    m_out.evaluations += variants->evaluations();
    if (util::interrupted()) return stopped(UnitOutcome::State::interrupted);
  }
  return finish(candidates, history, variants ? &*variants : nullptr);
}

VariantInputs UnitTune::variant_inputs(eval::Evaluation& evaluator, const SearchLimits& limits) {
  return {m_unit,
          m_recipe,
          m_ctx.device,
          m_ctx.knowledge,
          evaluator,
          m_key,
          m_log_file,
          m_described,
          m_peaks,
          m_ctx.progress,
          m_settings.seed,
          limits.jobs,
          limits.evaluate_while_building,
          limits.time_limit_s,
          m_started};
}

// The best the parameter search found, for the first prompt.
Standing UnitTune::standing(const History& history) const {
  auto defaults = defaults_point(*m_space, m_unit);
  Standing s{defaults ? m_space->format(*defaults) : "the defaults", m_baseline_s, m_baseline_s,
             defaults_params(m_unit)};
  auto best = history.fastest(1, std::nullopt);
  if (!best.empty() && best[0].time_s < m_baseline_s) {
    s.params = m_space->format(best[0].point);
    s.best_s = best[0].time_s;
    s.best = params_of(*m_space, best[0].point);
  }
  return s;
}

// The defaults were just built, verified and timed: that is their evaluation.
util::Expected<void> UnitTune::record_defaults(History& history) {
  std::optional<space::Point> start = defaults_point(*m_space, m_unit);
  if (!start || history.contains(*start)) return {};
  knowledge::TrialRecord record = m_key.record(params_of(*m_space, *start), m_out.strategy);
  record.status = "ok";
  record.time_s = m_baseline_s;
  record.spread = m_baseline_spread;
  record.message = "the defaults";
  if (auto appended = knowledge::append_trial(m_log_file, record); !appended) return appended;
  history.add({*start, Status::ok, m_baseline_s, record.id}, "ok");
  return {};
}

// The defaults cannot be evaluated. When the environment is why (a compiler that cannot run, a
// full disk), the message says so: the unit itself may be fine.
UnitOutcome UnitTune::defaults_fail(const std::string& error) {
  std::optional<EnvironmentFailure> env = environment_failure(error);
  if (!env) return fail(error);
  if (env->candidate_can_cause) {
    return fail(fmt::format(
        "{} ({}), evaluating the defaults: the environment (or defaults too heavy to build "
        "here); fix it and run kevolve tune again:\n{}",
        env->cause, env->line, util::trim(error)));
  }
  return fail(fmt::format(
      "the environment fails, not the unit: {} ({}).\n{}\nfix the environment and run kevolve "
      "tune again",
      env->cause, env->line, util::trim(error)));
}

util::Expected<std::string> UnitTune::record_trial(const space::Point& point,
                                                   const eval::Trial& trial, Blame blame) {
  knowledge::TrialRecord record = trial_line(m_key, params_of(*m_space, point), m_out.strategy,
                                             trial, blame, m_described, m_peaks);
  KEVOLVE_LOG("tune: {} {} -> {} {}", m_unit.name, m_space->format(point), record.status,
              trial.message);
  if (auto appended = knowledge::append_trial(m_log_file, record); !appended)
    return util::unexpected(appended.error());
  return record.id;
}

UnitOutcome UnitTune::finish(CandidateEvaluator& candidates, const History& history,
                             const VariantStage* variants) {
  RetimeSettings retime{m_settings.top, m_settings.rounds, m_settings.seed};
  FinalChoice choice =
      choose_winner(candidates, m_unit, *m_space, history, retime, m_baseline_s, m_ctx.progress,
                    variants ? variants->contenders() : std::vector<Contender>{});
  if (choice.interrupted) return stopped(UnitOutcome::State::interrupted);
  if (!choice.environment.empty()) return fail(choice.environment);
  for (const auto& [point, check] : verdict_trials(choice)) {
    if (auto recorded = record_trial(point, check); !recorded) return fail(recorded.error());
  }
  if (auto recorded = record_variant_failures(choice); !recorded) return fail(recorded.error());
  if (choice.winner_variant) {
    // The winner's text goes where builds read it: committed, content-addressed.
    const VariantRun* run = variants->find(choice.winner_variant->hash);
    auto kept = m_ctx.knowledge.write_variant(m_unit.name, run->code, run->ref.ext,
                                              knowledge::KnowledgeDir::VariantPlace::committed);
    if (!kept) return fail(kept.error());
    write_skill(*variants, choice.winner_variant->hash);
  }
  const bool won = choice.winner.has_value();
  knowledge::SizeRecord record =
      size_record(choice, m_unit, *m_space, m_key.problem, history.size(), m_out.strategy);
  record.trial = measured_trial(choice, history, defaults_point(*m_space, m_unit));
  annotate_diagnosis(record, m_described, m_device_peaks);
  if (m_ctx.variants && m_ctx.variants->provider) {
    record.extra["llm"] = util::Json{{"provider", m_ctx.variants->provider->name()},
                                     {"calls", m_ctx.variants->calls}};
  }
  if (m_settings.profile && (m_ctx.profiler || counts_in_harness()))
    profile(record, candidates, won);
  std::string pending = apply_review_gates(record, won, m_described, m_device_peaks,
                                           m_previous ? &*m_previous : nullptr,
                                           defaults_params(m_unit), m_ctx.progress);

  if (auto replaced = m_previous ? replacement_note(*m_previous, record) : std::nullopt)
    m_ctx.progress.note(*replaced);  // the old winner against the new, with their intervals
  knowledge::Wisdom wisdom = wisdom_of(m_unit, m_ctx.device, m_recipe, m_build, record);
  if (auto written = m_ctx.knowledge.write(wisdom); !written) return fail(written.error());
  m_out.record = record;
  if (!pending.empty()) {
    return stopped(UnitOutcome::State::review,
                   fmt::format("{}; after checking it: kevolve accept {} --device {}", pending,
                               m_unit.name, m_ctx.device.id.str()));
  }
  if (won) return stopped(UnitOutcome::State::tuned);
  return stopped(UnitOutcome::State::defaults_stand,
                 "no candidate beat the defaults beyond the measured noise");
}

// What the winning variant teaches, as a skill later searches retrieve (docs/retrieval.md); one
// that cannot be written is a warning, not a failed tune.
void UnitTune::write_skill(const VariantStage& variants, const std::string& hash) {
  auto skill = variants.skill_of(hash);
  if (!skill) return;
  auto written = retrieval::write_skill(m_ctx.knowledge.root() / "skills", *skill);
  if (!written) {
    m_ctx.progress.note("warning: the skill was not written: " + written.error());
    return;
  }
  m_ctx.progress.note("skill written: " + written->string());
}

// Variants that failed re-verification: their lines, so that a resumed search counts them failed.
util::Expected<void> UnitTune::record_variant_failures(const FinalChoice& choice) {
  for (const VariantFailure& f : choice.failed_variants) {
    TrialKey key = m_key;
    key.variant = f.variant;
    knowledge::TrialRecord line =
        trial_line(key, f.params, "llm", f.trial, Blame::candidate, m_described, m_peaks);
    if (auto appended = knowledge::append_trial(m_log_file, line); !appended) return appended;
  }
  return {};
}

// Hardware counters for the winner and the defaults: what bounds them, beyond the timing.
void UnitTune::profile(knowledge::SizeRecord& record, CandidateEvaluator& candidates, bool won) {
  std::vector<std::pair<knowledge::ParamValues, fs::path>> subjects;
  if (won && !record.variant) {  // a variant's candidates are its own recipe's: not profiled yet
    backends::Build b = candidates.build(candidate_header(m_unit, record.best), "profile");
    if (b.ok) subjects.emplace_back(record.best, b.executable);
  }
  subjects.emplace_back(defaults_params(m_unit), candidates.baseline_executable());
  if (counts_in_harness()) {
    // The CPU: the candidates count their own hardware events (advisory, never a verdict).
    Profiler counters = [&](const fs::path& exe) { return candidates.counters(exe); };
    record.extra["profile"] =
        profile_subjects(subjects, counters, "the CPU's hardware counters", m_ctx.progress);
    return;
  }
  record.extra["profile"] =
      profile_subjects(subjects, m_ctx.profiler, "Nsight Compute", m_ctx.progress);
}

}  // namespace

UnitOutcome tune_unit(const TuneContext& ctx, const analyzers::Unit& unit,
                      const backends::CandidateRecipe& recipe) {
  return UnitTune(ctx, unit, recipe).run();
}

UnitPlan plan_unit(const TuneContext& ctx, const analyzers::Unit& unit,
                   const backends::CandidateRecipe& recipe) {
  return UnitTune(ctx, unit, recipe).plan();
}

}  // namespace kevolve::tune
