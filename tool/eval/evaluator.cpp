#include "tool/eval/evaluator.hpp"

#include "backends/build.hpp"
#include "tool/eval/compare.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "util/random.hpp"
#include "util/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <unistd.h>

namespace kevolve::eval {

namespace fs = std::filesystem;
using backends::Status;

namespace {

std::string first_lines(const std::string& text, std::size_t lines = 20) {
  std::size_t at = 0;
  for (std::size_t n = 0; n < lines && at != std::string::npos; ++n) {
    at = text.find('\n', at == 0 ? 0 : at + 1);
  }
  return at == std::string::npos ? text : text.substr(0, at) + "\n...";
}

// The median of a list of seconds; 0 when it is empty (a CPU harness, or an older one).
double median_of(const util::Json& list) {
  std::vector<double> values;
  for (const util::Json& v : list) {
    if (v.is_number()) values.push_back(v.get<double>());
  }
  return values.empty() ? 0 : util::median(std::move(values));
}

}  // namespace

Measurement measurement_from(const util::Json& r) {
  Measurement m;
  m.median_s = r.value("median_s", 0.0);
  m.min_s = r.value("min_s", 0.0);
  m.max_s = r.value("max_s", 0.0);
  for (const util::Json& s : r.value("samples", util::Json::array())) {
    if (s.is_number()) m.samples.push_back(s.get<double>());
  }
  m.host_median_s = median_of(r.value("host_s", util::Json::array()));
  m.drain_median_s = median_of(r.value("drain_s", util::Json::array()));
  return m;
}

Evaluator::Evaluator(backends::CandidateRecipe recipe, EvalOptions options)
    : m_recipe(std::move(recipe)),
      m_platform(&backends::platform_of(m_recipe.backend)),
      m_options(std::move(options)),
      m_rng(util::os_random()) {
  m_scratch = m_recipe.work_dir;
  // GPU outputs are large and compared at hundreds of candidates a minute: keep them off disk.
  if (m_platform->outputs_in_memory() && ::access("/dev/shm", W_OK) == 0) {
    m_scratch = fs::path("/dev/shm") /
                fmt::format("kevolve-{}-{}-{}", ::getuid(), ::getpid(), m_recipe.unit);
    // The compiler's intermediate files too (a few MB per candidate, 6% of its time measured
    // on the H100 machine); they go with the scratch directory, even after a killed compile.
    if (!util::environment("TMPDIR") && util::ensure_directory(m_scratch / "tmp"))
      m_recipe.compiler_temp_dir = m_scratch / "tmp";
  }
}

Evaluator::~Evaluator() {
  std::error_code ec;
  if (m_scratch != m_recipe.work_dir) fs::remove_all(m_scratch, ec);
}

int Evaluator::reps() const {
  if (m_options.reps > 0) return m_options.reps;
  return m_platform->repetitions();
}

std::chrono::milliseconds Evaluator::timeout() const {
  // Before the defaults have been measured, the generous floor; then a multiple of their slowest
  // request.
  double base_s =
      m_slowest_s > 0 ? m_slowest_s : std::max(10.0, m_options.min_timeout.count() / 1e3);
  auto scaled =
      std::chrono::milliseconds(static_cast<long long>(base_s * m_options.timeout_factor * 1000));
  return std::max(m_options.min_timeout, scaled);
}

util::Expected<backends::Session> Evaluator::open(const fs::path& exe, bool fresh,
                                                  const fs::path& scratch) const {
  const backends::Launcher& launcher = fresh ? *m_launchers.fresh : *m_launchers.search;
  if (auto made = util::ensure_directory(scratch); !made) return util::unexpected(made.error());
  backends::SandboxPolicy policy;
  policy.scratch = scratch;
  policy.readable = {exe.parent_path()};
  for (const std::string& part : launcher.command(exe)) {
    if (fs::path(part).is_absolute()) policy.readable.push_back(fs::path(part).parent_path());
  }
  policy.hidden = {m_scratch, m_recipe.work_dir, m_recipe.cache_dir};
  policy.hidden.insert(policy.hidden.end(), m_options.hidden.begin(), m_options.hidden.end());
  policy.devices = m_platform->outputs_in_memory();  // the GPU platforms
  // What the harness prints stays apart from the protocol, in its scratch directory (kept
  // after a failed session, removed with it after a good one).
  return backends::Session::open(m_options.sandbox.wrap(launcher.command(exe), policy), timeout(),
                                 scratch / "harness.log");
}

backends::Build Evaluator::build(const std::string& header, const std::string& tag) const {
  return backends::build_candidate(m_recipe, header, tag);
}

backends::Build Evaluator::build(const backends::CandidateRecipe& recipe, const std::string& header,
                                 const std::string& tag) const {
  return backends::build_candidate(recipe, header, tag);
}

// This tune's checks: every verification seed on the primary problem, every listed value of
// every size once, and the timing problem (its timed outputs, then refilled in place).
util::Expected<void> Evaluator::plan() {
  // The low two bits choose the inputs' value range (detail::value_range): the verification
  // seeds cover them in turn, the timing problem takes the widest.
  auto fresh_seed = [](std::uint64_t range) {
    return (util::os_random() & ~std::uint64_t{3}) | range;
  };
  m_checks.clear();
  for (int i = 0; i < m_options.seeds; ++i) m_checks.push_back({fresh_seed(i % 3), {}, 0, "", {}});
  for (const auto& [name, values] : m_description.sizes) {
    for (std::size_t v = 1; v < values.size(); ++v)
      m_checks.push_back({fresh_seed(v % 4), {fmt::format("{}={}", name, values[v])}, 0, "", {}});
  }
  m_timed = {fresh_seed(3), {}, 0, "", {}};
  m_refilled = {m_timed.seed, {}, fresh_seed(util::os_random() % 3) | 4, "", {}};
  int n = 0;
  for (Check* c : {&m_timed, &m_refilled}) c->key = fmt::format("check-{}", n++);
  for (Check& c : m_checks) c.key = fmt::format("check-{}", n++);
  for (Check* c : {&m_timed, &m_refilled}) {
    if (auto made = compute_reference(*c); !made) return made;
  }
  for (Check& c : m_checks) {
    if (auto made = compute_reference(c); !made) return made;
  }
  return {};
}

util::Expected<void> Evaluator::compute_reference(Check& check) {
  fs::path dir = m_scratch / "reference" / check.key;
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (auto made = util::ensure_directory(dir); !made) return util::unexpected(made.error());
  auto session = open(m_baseline_exe, false, dir);
  if (!session) return util::unexpected(session.error());
  const std::string what = fmt::format("the reference run (seed {}{}{})", check.seed,
                                       check.sizes.empty() ? "" : ", " + check.sizes.front(),
                                       check.refill ? ", refilled" : "");
  backends::Reply r = session->problem(check.seed, check.sizes);
  if (r.ok()) check.description = backends::description_from(r.body);
  if (r.ok() && check.refill) r = session->refill(check.refill);
  if (r.ok()) r = session->initial(dir);
  if (r.ok()) r = session->reference();
  if (r.ok()) r = session->outputs(dir);
  if (r.ok()) r = session->end();
  session->close();
  if (!r.ok())
    return util::unexpected(
        fmt::format("{} failed: {}: {}", what, backends::name_of(r.status), r.message));
  ReferenceCheck verdict = check_reference(check.description, dir);
  if (!verdict.errors.empty()) return util::unexpected(verdict.errors.front());
  for (std::string& w : verdict.warnings) {
    if (std::find(m_warnings.begin(), m_warnings.end(), w) == m_warnings.end())
      m_warnings.push_back(std::move(w));
  }
  return {};
}

util::Expected<void> Evaluator::prepare() {
  auto launchers = m_platform->launchers(m_recipe);
  if (!launchers) return util::unexpected(launchers.error());
  m_launchers = std::move(*launchers);
  backends::Build defaults = build(k_defaults_header, "defaults");
  if (!defaults.ok) {
    return util::unexpected(fmt::format("the defaults do not build, so there is no baseline:\n{}",
                                        first_lines(defaults.log)));
  }
  m_baseline_exe = defaults.executable;
  {
    auto session = open(m_baseline_exe, false, m_scratch / "describe");
    if (!session) return util::unexpected(session.error());
    backends::Reply described = session->problem(1, {});
    if (described.ok()) described.body["status"] = "ok", (void)session->end();
    session->close();
    if (!described.ok()) {
      return util::unexpected(fmt::format("the harness fails at describe: {}: {}",
                                          backends::name_of(described.status), described.message));
    }
    m_description = backends::description_from(described.body);
  }
  if (auto planned = plan(); !planned) return planned;
  // The defaults must pass their own verification: a harness that is not deterministic (or
  // whose reference disagrees with the kernel) would fail every candidate.
  const auto start = std::chrono::steady_clock::now();
  Trial self = session(m_baseline_exe, "defaults", false);
  if (self.status != Status::ok) {
    return util::unexpected(fmt::format("the defaults fail their own evaluation: {}: {}",
                                        backends::name_of(self.status), self.message));
  }
  m_baseline = *self.time;
  m_baseline_phase = self.phase;
  m_slowest_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {};
}

Trial Evaluator::compare(backends::Session& s, const Check& check, const std::string& tag) {
  fs::path out = m_scratch / "candidates" / tag / check.key;
  std::error_code ec;
  fs::remove_all(out, ec);
  Trial t;
  if (auto made = util::ensure_directory(out); !made) {
    t.message = made.error();
    return t;
  }
  backends::Reply r = s.outputs(out);
  if (!r.ok()) {
    t.status = r.status;
    t.message = r.message;
    return t;
  }
  std::string diff = compare_outputs(check.description, m_scratch / "reference" / check.key, out);
  fs::remove_all(out, ec);
  t.status = diff.empty() ? Status::ok : Status::wrong_result;
  if (!diff.empty())
    t.message = fmt::format("seed {}{}{}: {}", check.seed,
                            check.sizes.empty() ? "" : " (" + check.sizes.front() + ")",
                            check.refill ? " (refilled in place)" : "", diff);
  return t;
}

namespace {

Trial failed(const backends::Reply& r) {
  Trial t;
  t.status = r.status;
  t.message = r.message;
  return t;
}

}  // namespace

// A verification problem: maybe an unchecked call (drawn), then a checked one.
Trial Evaluator::verify_problem(backends::Session& s, const Check& check, const std::string& tag) {
  backends::Reply r = s.problem(check.seed, check.sizes);
  if (r.ok() && m_rng.below(2) == 1) r = s.call();
  if (r.ok()) r = s.call();
  if (!r.ok()) return failed(r);
  Trial t = compare(s, check, tag);
  if (t.status != Status::ok) return t;
  r = s.end();
  return r.ok() ? t : failed(r);
}

// The timing problem: timed repetitions whose last call's outputs are checked, then the inputs
// refilled in place (same pointers, new values) and a checked call.
Trial Evaluator::timing_problem(backends::Session& s, const std::string& tag) {
  backends::Reply r = s.problem(m_timed.seed, {});
  if (r.ok())
    r = s.time(reps(), m_options.min_time, m_platform->warms_up() ? m_options.gpu_warmup : 2);
  if (!r.ok()) return failed(r);
  Trial t;
  t.time = measurement_from(r.body);
  t.phase = {r.seconds, r.body.value("phase_s", 0.0), r.body.value("timed_s", 0.0),
             r.body.value("calls", 0LL)};
  if (std::string why = cross_check(*t.time, t.phase); !why.empty()) {
    t.status = Status::rejected;
    t.message = why;
    return t;
  }
  Trial checked = compare(s, m_timed, tag);
  if (checked.status != Status::ok) return checked;
  r = s.refill(m_refilled.refill);
  if (r.ok()) r = s.call();
  if (!r.ok()) return failed(r);
  checked = compare(s, m_refilled, tag);
  if (checked.status != Status::ok) return checked;
  r = s.end();
  if (!r.ok()) return failed(r);
  t.status = Status::ok;
  return t;
}

// What the harness reports must fit what the tuner saw: the phase no longer than the request's
// round trip (nor much shorter), the timed calls within the phase, and no more time per call
// outside the timed region than the defaults need (work moved out of the timed region).
std::string Evaluator::cross_check(const Measurement& m, const Phase& p) const {
  // Only one way: a loaded machine can delay the request, never shorten the round trip.
  if (p.phase_s > p.observed_s + 0.005)
    return fmt::format(
        "the harness's clock disagrees with the tuner's: a timed phase of {:.3f} s "
        "by the harness, {:.3f} s observed",
        p.phase_s, p.observed_s);
  if (p.timed_s > 1.05 * p.phase_s + 1e-3 || m.median_s < 0)
    return fmt::format("the timed calls ({:.3f} s) do not fit in their phase ({:.3f} s)", p.timed_s,
                       p.phase_s);
  if (std::string why = unseen_gpu_work(m, m_baseline); !why.empty()) return why;
  return untimed_work(m, p, m_baseline, m_baseline_phase);
}

std::string untimed_work(const Measurement& m, const Phase& p, const Measurement& defaults,
                         const Phase& defaults_phase) {
  // On a GPU the untimed part is the harness's own reset, cache flush and synchronize (host
  // work that a loaded machine stretches fourfold, as on an H100 while candidates compiled),
  // and what a candidate could hide there unseen_gpu_work sees.
  if (defaults_phase.calls == 0 || m.host_median_s > 0) return {};
  // Generous: a loaded machine preempts the harness between calls too. What is caught is a
  // candidate whose calls leave far more work outside the timer than the defaults' resets.
  const double base = defaults_phase.untimed_per_call();
  const double excess = p.untimed_per_call() - base;
  const double hidden = excess * static_cast<double>(p.calls);
  if (excess > 2 * std::max(defaults.median_s, base) + 50e-6 && hidden > 0.5 * p.phase_s)
    return fmt::format(
        "each call spent {:.3g} s outside its timed region (the defaults: {:.3g} s): "
        "work went on where the timer does not look",
        p.untimed_per_call(), base);
  return {};
}

// On a GPU, the stream's events must see all the work: once the stop event has completed, a
// device-wide synchronize returns at once, as it does for the defaults. Longer means work on
// another stream, or left running after the timed region. (The host's whole span, less the
// events and the defaults' latency, said the same but missed a cheat on an H200, whose cold
// first runs inflated the defaults' latency; the drain carries no launch latency.)
std::string unseen_gpu_work(const Measurement& m, const Measurement& defaults) {
  if (m.host_median_s <= 0 || defaults.host_median_s <= 0) return {};
  const double drained = m.drain_median_s - defaults.drain_median_s;
  if (drained <= 10e-6 + 0.1 * m.median_s) return {};
  return fmt::format(
      "the GPU worked {:.3g} s per repetition after the stop event on the harness's stream had "
      "completed (the defaults: {:.3g} s; {:.3g} s by the events): work on another stream, or "
      "left running after the timed region",
      m.drain_median_s, defaults.drain_median_s, m.median_s);
}

Trial Evaluator::session(const fs::path& exe, const std::string& tag, bool final) {
  Trial t;
  auto opened = open(exe, final, m_scratch / "candidates" / tag);
  if (!opened) {
    t.message = opened.error();
    return t;
  }
  backends::Session& s = *opened;
  // The checks in an order drawn for this candidate, the timing problem among them.
  std::vector<const Check*> order;
  for (const Check& c : m_checks) order.push_back(&c);
  order.push_back(nullptr);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[m_rng.below(i)]);
  const auto start = std::chrono::steady_clock::now();
  for (const Check* c : order) {
    Trial step = c ? verify_problem(s, *c, tag) : timing_problem(s, tag);
    if (!c) t.time = step.time, t.phase = step.phase;
    if (step.status != Status::ok) {
      step.run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      s.close();
      return step;
    }
  }
  s.close();
  t.status = Status::ok;
  t.run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  KEVOLVE_LOG("eval: {}: session {:.3f} s", tag, t.run_s);
  std::error_code ec;
  fs::remove_all(m_scratch / "candidates" / tag, ec);
  return t;
}

Trial Evaluator::evaluate(const backends::Build& build, const std::string& tag) {
  if (!build.ok) {
    Trial t;
    t.build_s = build.seconds;
    t.cached_build = build.cached;
    t.status = Status::compile_error;
    t.message = first_lines(build.log);
    return t;
  }
  Trial t = session(build.executable, tag, false);
  t.build_s = build.seconds;
  t.cached_build = build.cached;
  return t;
}

std::vector<std::vector<double>> Evaluator::interleaved(const std::vector<fs::path>& executables,
                                                        int rounds, std::uint64_t seed) {
  std::vector<std::vector<double>> medians(executables.size());
  util::Rng rng(seed);
  std::vector<std::size_t> order(executables.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    for (std::size_t i : order) {
      Trial timed;
      if (auto s = open(executables[i], true, m_scratch / "candidates" / "final")) {
        timed = timing_problem(*s, "final");
        s->close();
      } else {
        timed.message = s.error();
      }
      if (timed.status != Status::ok)
        KEVOLVE_LOG("eval: re-timing {}: {}: {}", executables[i].filename().string(),
                    backends::name_of(timed.status), timed.message);
      medians[i].push_back(timed.status == Status::ok ? timed.time->median_s
                                                      : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return medians;
}

util::Expected<backends::cpu::Counters> Evaluator::counters(const fs::path& executable) {
  const fs::path scratch = m_scratch / "candidates" / "counters";
  auto s = open(executable, true, scratch);
  if (!s) return util::unexpected(s.error());
  backends::Reply counted = s->problem(m_timed.seed, {});
  if (counted.ok()) counted = s->counters(reps() * m_options.min_time, 2);
  backends::Reply r = counted.ok() ? s->end() : counted;
  s->close();
  if (!r.ok())
    return util::unexpected(fmt::format("counting failed: {}: {}", name_of(r.status), r.message));
  std::error_code ec;
  fs::remove_all(scratch, ec);
  return backends::cpu::counters_from(counted.body);
}

Trial Evaluator::reverify(const fs::path& executable) {
  Check check{util::os_random(), {}, 0, "final", {}};
  if (auto made = compute_reference(check); !made) {
    Trial t;
    t.message = made.error();
    return t;
  }
  auto s = open(executable, true, m_scratch / "candidates" / "final");
  if (!s) {
    Trial t;
    t.message = s.error();
    return t;
  }
  Trial t = verify_problem(*s, check, "final");
  s->close();
  return t;
}

}  // namespace kevolve::eval
