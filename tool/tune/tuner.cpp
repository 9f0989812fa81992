#include "tool/tune/tuner.hpp"

#include "knowledge/trials.hpp"
#include "space/parser.hpp"
#include "space/space.hpp"
#include "tool/eval/diagnosis.hpp"
#include "tool/search/strategy.hpp"
#include "tool/tune/build_queue.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

namespace kevolve::tune {

namespace fs = std::filesystem;
using backends::Status;

namespace {

using Clock = std::chrono::steady_clock;

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

knowledge::ParamValues params_of(const space::Space& s, const space::Point& p) {
  knowledge::ParamValues out;
  for (std::size_t i = 0; i < p.size(); ++i)
    out.emplace_back(s.parameters()[i].name, s.value(p, i));
  return out;
}

// The defaults as a point of the space, if every default is one of its values.
std::optional<space::Point> defaults_point(const space::Space& s, const analyzers::Unit& unit) {
  space::Point p(s.parameters().size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    const analyzers::Param& param = unit.params[i];
    if (!param.default_value) return std::nullopt;
    auto v = s.find_value(i, *param.default_value);
    if (!v) return std::nullopt;
    p[i] = *v;
  }
  return s.contains(p) ? std::optional(p) : std::nullopt;
}

std::string params_text_of(const knowledge::ParamValues& params) {
  std::string out;
  for (const auto& [name, value] : params)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value.to_string());
  return out;
}

knowledge::ParamValues defaults_params(const analyzers::Unit& unit) {
  knowledge::ParamValues out;
  for (const analyzers::Param& p : unit.params) {
    out.emplace_back(p.name, p.default_value ? *p.default_value : space::Value(p.default_text));
  }
  return out;
}

std::optional<space::Point> point_of(const space::Space& s, const knowledge::ParamValues& params) {
  if (params.size() != s.parameters().size()) return std::nullopt;
  space::Point p(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params[i].first != s.parameters()[i].name) return std::nullopt;
    auto v = s.find_value(i, params[i].second);
    if (!v) return std::nullopt;
    p[i] = *v;
  }
  return s.contains(p) ? std::optional(p) : std::nullopt;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Evaluated {
  space::Point point;
  Status status;
  double time_s;
};

}  // namespace

std::string_view describe(UnitOutcome::State s) {
  switch (s) {
    case UnitOutcome::State::tuned:
      return "tuned";
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

std::string tuned_header(const analyzers::Unit& unit, const knowledge::ParamValues& params) {
  std::string text = fmt::format("// kevolve candidate of unit {}\n", unit.name);
  for (const auto& [name, value] : params) {
    if (unit.inject == space::InjectMode::macros) {
      text += fmt::format("#define {} {}\n", name, value.to_string());
    } else {
      text +=
          fmt::format("#define KEVOLVE_TUNED_{}_{} ~, {}\n", unit.name, name, value.to_string());
    }
  }
  return text;
}

UnitOutcome tune_unit(const TuneContext& ctx, const analyzers::Unit& unit,
                      const backends::CandidateRecipe& recipe) {
  const TuneSettings& settings = ctx.settings;
  auto started = Clock::now();
  UnitOutcome out;
  out.unit = unit.name;
  auto fail = [&](std::string message) {
    out.state = UnitOutcome::State::failed;
    out.message = std::move(message);
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return out;
  };

  // A cache hit: unchanged sources tuned on this very device evaluate nothing, write nothing.
  auto existing = ctx.knowledge.read(unit.name, ctx.device.id);
  if (!existing) return fail(existing.error());
  if (!settings.force && *existing && (*existing)->source_hash == unit.hash) {
    out.state = UnitOutcome::State::up_to_date;
    if (const auto* primary = (*existing)->primary()) out.record = *primary;
    out.message = "unchanged since it was tuned on this device";
    return out;
  }

  auto spec = space::parse_space(unit.space);
  if (!spec) return fail(fmt::format("its space does not parse: {}", spec.error().message));
  auto built = space::Space::build(std::move(*spec), ctx.device.facts);
  if (!built)
    return fail(fmt::format("its space has no valid point here: {}", built.error().message));
  const space::Space& space = *built;

  eval::Evaluator evaluator(recipe, settings.eval);
  ctx.progress.begin(unit.name);
  ctx.progress.note(
      fmt::format("building and checking the defaults ({} points in the space)", space.size()));
  if (auto ready = evaluator.prepare(); !ready) {
    if (util::interrupted()) {
      out.state = UnitOutcome::State::interrupted;
      return out;
    }
    return fail(ready.error());
  }
  for (const std::string& w : evaluator.warnings()) ctx.progress.note("warning: " + w);
  const backends::Description& described = evaluator.description();
  std::vector<std::pair<std::string, std::int64_t>> problem;
  for (const auto& [name, value] : described.problem) problem.emplace_back(name, value);

  std::optional<space::Point> start = defaults_point(space, unit);
  std::string strategy_name = settings.strategy;
  if (strategy_name.empty()) {
    strategy_name =
        space.size() <= settings.budget ? "exhaustive" : std::string(search::default_strategy());
  }
  auto strategy = search::make_strategy(strategy_name, space, settings.seed, start);
  if (!strategy) return fail(strategy.error());
  out.strategy = strategy_name;

  // Resume: what the trial log holds for this source, device and problem counts as done.
  fs::path log_file = ctx.knowledge.trials_file(unit.name, ctx.device.id);
  auto log = knowledge::read_trials(log_file);
  if (!log) return fail(log.error());
  std::vector<Evaluated> history;
  for (const knowledge::TrialRecord& t : log->records) {
    if (t.unit != unit.name || t.source_hash != unit.hash || t.device_id != ctx.device.id.str() ||
        t.problem != problem) {
      continue;
    }
    auto p = point_of(space, t.params);
    bool repeated = p && std::any_of(history.begin(), history.end(),
                                     [&](const Evaluated& e) { return e.point == *p; });
    if (!p || repeated) continue;
    Status status = Status::runtime_error;
    backends::parse_status(t.status, status);
    bool ok = status == Status::ok && t.time_s;
    (*strategy)->observe({*p, ok, ok ? *t.time_s : 0});
    history.push_back({*p, status, ok ? *t.time_s : 0});
    ++out.statuses[t.status];
  }
  out.resumed = history.size();

  // The defaults were just built, verified and timed: that is their evaluation.
  if (start && !std::any_of(history.begin(), history.end(),
                            [&](const Evaluated& e) { return e.point == *start; })) {
    knowledge::TrialRecord record;
    record.unit = unit.name;
    record.source_hash = unit.hash;
    record.device_id = ctx.device.id.str();
    record.problem = problem;
    record.params = params_of(space, *start);
    record.status = "ok";
    record.time_s = evaluator.baseline().median_s;
    record.spread = evaluator.baseline().spread();
    record.message = "the defaults";
    record.strategy = strategy_name;
    record.date = now_utc();
    if (auto appended = knowledge::append_trial(log_file, record); !appended)
      return fail(appended.error());
    (*strategy)->observe({*start, true, *record.time_s});
    history.push_back({*start, Status::ok, *record.time_s});
    ++out.statuses["ok"];
  }

  std::uint64_t budget = std::min<std::uint64_t>(settings.budget, space.size());
  const double baseline = evaluator.baseline().median_s;
  ctx.progress.start(unit.name, budget, out.resumed, baseline);
  double best = 0;
  for (const Evaluated& e : history) {
    if (e.status == Status::ok && (best == 0 || e.time_s < best)) best = e.time_s;
  }

  unsigned jobs = settings.jobs ? settings.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::uint64_t counter = history.size();
  // A GPU evaluates each candidate as soon as it is built while the next ones compile (the
  // strategy then proposes with some results still pending); the CPU alternates between
  // building a batch and running it.
  const bool gpu = recipe.backend != backends::Backend::cpu;
  std::optional<BuildQueue> queue;
  queue.emplace(jobs, [&evaluator, &unit, &space](const space::Point& p, const std::string& tag) {
    return evaluator.build(tuned_header(unit, params_of(space, p)), tag);
  });
  std::uint64_t outstanding = 0;  // proposed, not yet evaluated
  auto refill = [&] {
    if (!gpu && outstanding > 0) return;
    const std::uint64_t cap = gpu ? 2 * std::uint64_t{jobs} : jobs;
    while (outstanding < cap && history.size() + outstanding < budget && !util::interrupted()) {
      std::vector<space::Point> points = (*strategy)->propose(
          std::min<std::uint64_t>(cap - outstanding, budget - history.size() - outstanding));
      if (points.empty()) break;
      for (space::Point& p : points) {
        queue->push(std::move(p), fmt::format("c{}", counter++));
        ++outstanding;
      }
    }
  };
  auto search_started = Clock::now();
  double waiting_s = 0, evaluating_s = 0;  // where the search loop's time goes, for the log
  std::uint64_t since_best = 0;            // evaluations since the best improved
  refill();
  while (outstanding > 0 && !util::interrupted()) {
    double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (settings.stall > 0 && since_best >= settings.stall) {
      ctx.progress.note(
          fmt::format("no better candidate in the last {} evaluations: stopped", since_best));
      break;
    }
    if (settings.time_limit_s > 0 && elapsed >= settings.time_limit_s) {
      ctx.progress.note(fmt::format("time limit of {:.0f} s reached", settings.time_limit_s));
      break;
    }
    auto waiting_from = Clock::now();
    auto built = queue->next(std::chrono::milliseconds(100), !gpu);
    waiting_s += std::chrono::duration<double>(Clock::now() - waiting_from).count();
    if (!built) continue;
    auto evaluating_from = Clock::now();
    eval::Trial trial = evaluator.evaluate(built->build, built->tag);
    evaluating_s += std::chrono::duration<double>(Clock::now() - evaluating_from).count();
    if (util::interrupted()) break;  // a run killed by the interrupt is not a result
    --outstanding;
    bool ok = trial.status == Status::ok && trial.time;
    knowledge::TrialRecord record;
    record.unit = unit.name;
    record.source_hash = unit.hash;
    record.device_id = ctx.device.id.str();
    record.problem = problem;
    record.params = params_of(space, built->point);
    record.status = std::string(backends::name_of(trial.status));
    if (ok) {
      record.time_s = trial.time->median_s;
      record.spread = trial.time->spread();
      record.diagnosis = eval::to_json(eval::diagnose(described, trial.time->median_s, ctx.peaks));
    }
    record.message = trial.message;
    record.strategy = strategy_name;
    record.date = now_utc();
    if (auto appended = knowledge::append_trial(log_file, record); !appended)
      return fail(appended.error());
    (*strategy)->observe({built->point, ok, ok ? trial.time->median_s : 0});
    history.push_back({built->point, trial.status, ok ? trial.time->median_s : 0});
    ++out.statuses[record.status];
    ++since_best;
    if (ok && (best == 0 || trial.time->median_s < best)) {
      best = trial.time->median_s;
      since_best = 0;
    }
    KEVOLVE_LOG("tune: {} {} -> {} {}", unit.name, space.format(built->point), record.status,
                trial.message);
    ctx.progress.trial(history.size(), best);
    refill();
  }
  queue.reset();  // builds still queued are dropped; none runs during the re-timing
  ctx.progress.finish();
  out.search_seconds = std::chrono::duration<double>(Clock::now() - search_started).count();
  KEVOLVE_LOG("tune: {} search {:.1f} s: waiting for builds {:.1f} s, evaluating {:.1f} s",
              unit.name, out.search_seconds, waiting_s, evaluating_s);
  out.evaluations = history.size();
  if (util::interrupted()) {
    out.state = UnitOutcome::State::interrupted;
    out.message = fmt::format(
        "{} evaluations are in the trial log; run kevolve tune again to resume", history.size());
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return out;
  }

  // The best few, re-timed against the defaults, interleaved, in fresh processes.
  std::vector<Evaluated> ranked;
  for (const Evaluated& e : history) {
    if (e.status == Status::ok && (!start || e.point != *start)) ranked.push_back(e);
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const Evaluated& a, const Evaluated& b) { return a.time_s < b.time_s; });
  if (ranked.size() > static_cast<std::size_t>(settings.top))
    ranked.resize(static_cast<std::size_t>(settings.top));

  knowledge::SizeRecord record;
  record.problem = problem;
  record.primary = true;
  record.evaluations = static_cast<std::int64_t>(history.size());
  record.strategy = strategy_name;
  record.date = now_utc();
  record.kevolve_version = KEVOLVE_VERSION_STRING;
  record.best = defaults_params(unit);
  record.time_s = record.baseline_s = baseline;
  record.speedup = record.speedup_low = record.speedup_high = 1;

  std::vector<fs::path> executables = {evaluator.baseline_executable()};
  std::vector<std::size_t> contenders;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    backends::Build b = evaluator.build(tuned_header(unit, params_of(space, ranked[i].point)),
                                        fmt::format("top{}", i));
    if (b.ok) {
      executables.push_back(b.executable);
      contenders.push_back(i);
    }
  }
  bool won = false;
  if (!contenders.empty()) {
    ctx.progress.note(
        fmt::format("re-timing the best {} against the defaults: {} interleaved rounds",
                    contenders.size(), settings.rounds));
    auto medians = evaluator.interleaved(executables, settings.rounds, settings.seed);
    double base = median(medians[0]);
    struct Verdict {
      std::size_t index;
      double time, speedup, low, high;
    };
    std::vector<Verdict> verdicts;
    for (std::size_t k = 0; k < contenders.size(); ++k) {
      const auto& times = medians[k + 1];
      std::vector<double> ratios;
      for (std::size_t r = 0; r < times.size(); ++r) {
        if (!std::isnan(times[r]) && !std::isnan(medians[0][r]))
          ratios.push_back(medians[0][r] / times[r]);
      }
      if (ratios.size() < static_cast<std::size_t>(settings.rounds))
        continue;  // a round failed: not trusted
      auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
      verdicts.push_back({contenders[k], median(times), base / median(times), *low, *high});
    }
    // A winner beats the defaults in every round: its worst ratio is above 1.
    std::sort(verdicts.begin(), verdicts.end(),
              [](const Verdict& a, const Verdict& b) { return a.speedup > b.speedup; });
    if (util::interrupted()) {
      out.state = UnitOutcome::State::interrupted;
      return out;
    }
    for (const Verdict& v : verdicts) {
      if (v.low <= 1.0) continue;
      eval::Trial check = evaluator.reverify(
          executables[1 + static_cast<std::size_t>(
                              std::find(contenders.begin(), contenders.end(), v.index) -
                              contenders.begin())]);
      if (check.status != Status::ok) {
        ctx.progress.note(fmt::format("{} fails re-verification: {}",
                                      space.format(ranked[v.index].point), check.message));
        continue;
      }
      record.best = params_of(space, ranked[v.index].point);
      record.time_s = v.time;
      record.baseline_s = base;
      record.speedup = base / v.time;
      record.speedup_low = std::min(v.low, record.speedup);
      record.speedup_high = std::max(v.high, record.speedup);
      won = true;
      break;
    }
    if (!won) record.baseline_s = record.time_s = base;
    for (const Verdict& v : verdicts) {
      record.top.push_back({params_of(space, ranked[v.index].point), v.time});
    }
    std::sort(record.top.begin(), record.top.end(),
              [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  }
  // How the recorded configuration uses the device, against its measured peaks.
  eval::Diagnosis diagnosis = eval::diagnose(described, record.time_s, ctx.peaks);
  record.peak_percent = diagnosis.peak_percent;
  record.bound = diagnosis.bound;
  if (util::Json achieved = eval::to_json(diagnosis); !achieved.empty())
    record.extra["achieved"] = achieved;
  if (ctx.peaks) {
    record.extra["peaks"] = util::Json{{"copy_bytes_per_s", ctx.peaks->copy_bytes_per_s},
                                       {"fma_flops_per_s", ctx.peaks->fma_flops_per_s}};
  }
  if (diagnosis.beyond_peak()) {
    record.extra["review"] = fmt::format(
        "{:.0f}% of the measured peak: faster than the speed of light; check the harness's "
        "traffic/work and what it measures",
        *diagnosis.peak_percent);
    ctx.progress.note("warning: faster than the measured peak; check the harness");
  }
  if (settings.profile && ctx.profiler) {
    // Hardware counters for the winner and the defaults: what bounds them, beyond the timing.
    util::Json profiles = util::Json::array();
    std::vector<std::pair<knowledge::ParamValues, fs::path>> subjects;
    if (won) {
      backends::Build b = evaluator.build(tuned_header(unit, record.best), "profile");
      if (b.ok) subjects.emplace_back(record.best, b.executable);
    }
    subjects.emplace_back(defaults_params(unit), evaluator.baseline_executable());
    for (const auto& [params, artifact] : subjects) {
      ctx.progress.note(fmt::format("profiling {} with Nsight Compute", params_text_of(params)));
      auto metrics = ctx.profiler(artifact);
      util::Json entry = util::Json{{"params", knowledge::params_json(params)}};
      if (metrics) {
        entry["metrics"] = *metrics;
      } else {
        entry["error"] = metrics.error();
      }
      profiles.push_back(std::move(entry));
    }
    record.extra["profile"] = std::move(profiles);
  }
  if (won && record.speedup > 10) {
    record.extra["review"] =
        "speedup above 10x: check that the harness measures what the build runs";
    ctx.progress.note("warning: a speedup above 10x; check the harness");
  }
  if (!won) record.extra["note"] = "no candidate beat the defaults beyond the measured noise";

  knowledge::Wisdom wisdom;
  wisdom.unit = unit.name;
  wisdom.device_id = ctx.device.id.str();
  wisdom.device.name = ctx.device.name;
  wisdom.device.arch = ctx.device.arch;
  wisdom.device.driver = ctx.device.driver;
  wisdom.device.compiler = recipe.compiler_version;
  if (recipe.backend != backends::Backend::cpu) wisdom.device.arch = recipe.gpu_arch;
  wisdom.source_hash = unit.hash;
  wisdom.kernel_hash = unit.kernel_hash;
  wisdom.space = unit.space;
  wisdom.records.push_back(record);
  if (auto written = ctx.knowledge.write(wisdom); !written) return fail(written.error());

  out.state = won ? UnitOutcome::State::tuned : UnitOutcome::State::defaults_stand;
  out.record = record;
  out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (!won) out.message = "no candidate beat the defaults beyond the measured noise";
  return out;
}

}  // namespace kevolve::tune
