#include "tool/eval/evaluator.hpp"

#include "backends/build.hpp"
#include "tool/eval/compare.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/log.hpp"
#include "util/random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <future>
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

}  // namespace

Measurement measurement_from(const util::Json& r) {
  Measurement m;
  m.median_s = r.value("median_s", 0.0);
  m.min_s = r.value("min_s", 0.0);
  m.max_s = r.value("max_s", 0.0);
  for (const util::Json& s : r.value("samples", util::Json::array())) {
    if (s.is_number()) m.samples.push_back(s.get<double>());
  }
  return m;
}

Evaluator::Evaluator(backends::CandidateRecipe recipe, EvalOptions options)
    : m_recipe(std::move(recipe)),
      m_platform(&backends::platform_of(m_recipe.backend)),
      m_options(std::move(options)) {
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

backends::RunOptions Evaluator::run_options(double base_s, bool fresh) const {
  backends::RunOptions o;
  auto scaled =
      std::chrono::milliseconds(static_cast<long long>(base_s * m_options.timeout_factor * 1000));
  o.timeout = std::max(m_options.min_timeout, scaled);
  o.launcher = fresh ? m_launchers.fresh.get() : m_launchers.search.get();
  if (m_platform->warms_up()) o.warmup = m_options.gpu_warmup;
  return o;
}

backends::Build Evaluator::build(const std::string& header, const std::string& tag) const {
  return backends::build_candidate(m_recipe, header, tag);
}

util::Expected<fs::path> Evaluator::reference_for(std::uint64_t seed) {
  fs::path dir = m_scratch / "reference" / std::to_string(seed);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (auto made = util::ensure_directory(dir); !made) return util::unexpected(made.error());
  auto run = backends::run_verify(m_baseline_exe, seed, dir, true, run_options(m_verify_s));
  if (run.status != Status::ok) {
    return util::unexpected(fmt::format("the reference run (seed {}) failed: {}: {}", seed,
                                        backends::name_of(run.status), run.message));
  }
  ReferenceCheck check = check_reference(m_description, dir);
  if (!check.errors.empty()) return util::unexpected(check.errors.front());
  for (std::string& w : check.warnings) {
    if (std::find(m_warnings.begin(), m_warnings.end(), w) == m_warnings.end())
      m_warnings.push_back(std::move(w));
  }
  return dir;
}

util::Expected<void> Evaluator::prepare() {
  auto launchers = m_platform->launchers(m_recipe);
  if (!launchers) return util::unexpected(launchers.error());
  m_launchers = std::move(*launchers);
  backends::Build defaults = build("// defaults: nothing injected\n", "defaults");
  if (!defaults.ok) {
    return util::unexpected(fmt::format("the defaults do not build, so there is no baseline:\n{}",
                                        first_lines(defaults.log)));
  }
  m_baseline_exe = defaults.executable;
  auto described = backends::run_describe(m_baseline_exe, run_options(0));
  if (described.status != Status::ok) {
    return util::unexpected(fmt::format("the harness fails at describe: {}: {}",
                                        backends::name_of(described.status), described.message));
  }
  m_description = backends::description_from(described.result);

  for (std::uint64_t seed : m_options.seeds) {
    auto start = std::chrono::steady_clock::now();
    auto dir = reference_for(seed);
    if (!dir) return util::unexpected(dir.error());
    m_verify_s =
        std::max(m_verify_s,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  // The defaults must pass their own verification: a harness that is not deterministic (or
  // whose reference disagrees with the kernel) would fail every candidate.
  Trial self =
      verify_seed(m_baseline_exe, m_options.seeds.front(),
                  m_scratch / "reference" / std::to_string(m_options.seeds.front()), "defaults");
  if (self.status != Status::ok) {
    return util::unexpected(
        fmt::format("the defaults fail verification against the reference: {}", self.message));
  }
  // The defaults' own timing run has no measure yet: it gets the generous floor.
  auto timed = backends::run_time(m_baseline_exe, reps(), m_options.min_time,
                                  run_options(std::max(m_verify_s, 10.0)));
  if (timed.status != Status::ok) {
    return util::unexpected(fmt::format("timing the defaults failed: {}: {}",
                                        backends::name_of(timed.status), timed.message));
  }
  m_baseline = measurement_from(timed.result);
  m_time_s = timed.seconds;
  return {};
}

Trial Evaluator::run_verification(const fs::path& exe, std::uint64_t seed, const fs::path& out,
                                  const std::string& tag) {
  Trial t;
  std::error_code ec;
  fs::remove_all(out, ec);
  if (auto made = util::ensure_directory(out); !made) {
    t.message = made.error();
    return t;
  }
  auto run = backends::run_verify(exe, seed, out, false, run_options(m_verify_s, tag == "final"));
  t.run_s = run.seconds;
  KEVOLVE_LOG("eval: {} seed {}: run {:.3f} s", tag, seed, run.seconds);
  t.status = run.status;
  if (run.status != Status::ok) t.message = fmt::format("seed {}: {}", seed, run.message);
  return t;
}

Trial Evaluator::compare_verification(std::uint64_t seed, const fs::path& reference,
                                      const fs::path& out) const {
  auto start = std::chrono::steady_clock::now();
  std::string diff = compare_outputs(m_description, reference, out);
  std::error_code ec;
  fs::remove_all(out, ec);
  KEVOLVE_LOG("eval: seed {}: compare {:.3f} s", seed,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  Trial t;
  t.status = diff.empty() ? Status::ok : Status::wrong_result;
  if (!diff.empty()) t.message = fmt::format("seed {}: {}", seed, diff);
  return t;
}

Trial Evaluator::verify_seed(const fs::path& exe, std::uint64_t seed, const fs::path& reference,
                             const std::string& tag) {
  fs::path out = m_scratch / "candidates" / tag / ("seed-" + std::to_string(seed));
  Trial t = run_verification(exe, seed, out, tag);
  if (t.status != Status::ok) return t;
  Trial compared = compare_verification(seed, reference, out);
  compared.run_s = t.run_s;
  return compared;
}

Trial Evaluator::evaluate(const backends::Build& build, const std::string& tag) {
  Trial t;
  t.build_s = build.seconds;
  t.cached_build = build.cached;
  if (!build.ok) {
    t.status = Status::compile_error;
    t.message = first_lines(build.log);
    return t;
  }
  // Each seed's outputs are compared on another thread while the device runs the next seed
  // (and, where the platform allows, the timing run: on a CPU they would compete for cores).
  std::vector<std::future<Trial>> compared;
  auto first_difference = [&]() -> std::optional<Trial> {
    std::optional<Trial> first;
    for (std::future<Trial>& c : compared) {
      Trial v = c.get();
      if (v.status != Status::ok && !first) first = std::move(v);
    }
    compared.clear();
    return first;
  };
  auto failed = [&](Trial v) {
    if (auto wrong = first_difference()) v = std::move(*wrong);  // an earlier seed's verdict
    v.build_s = t.build_s;
    v.run_s = t.run_s;
    return v;
  };
  for (std::uint64_t seed : m_options.seeds) {
    fs::path out = m_scratch / "candidates" / tag / ("seed-" + std::to_string(seed));
    Trial v = run_verification(build.executable, seed, out, tag);
    t.run_s += v.run_s;
    if (v.status != Status::ok) return failed(std::move(v));
    fs::path reference = m_scratch / "reference" / std::to_string(seed);
    compared.push_back(std::async(std::launch::async, [this, seed, reference, out] {
      return compare_verification(seed, reference, out);
    }));
  }
  if (m_platform->compares_before_timing()) {
    if (auto wrong = first_difference()) return failed(std::move(*wrong));
  }
  auto timed =
      backends::run_time(build.executable, reps(), m_options.min_time, run_options(m_time_s));
  t.run_s += timed.seconds;
  KEVOLVE_LOG("eval: {} timing: run {:.3f} s", tag, timed.seconds);
  if (auto wrong = first_difference()) return failed(std::move(*wrong));
  if (timed.status != Status::ok) {
    t.status = timed.status;
    t.message = timed.message;
    return t;
  }
  t.status = Status::ok;
  t.time = measurement_from(timed.result);
  std::error_code ec;
  fs::remove_all(m_scratch / "candidates" / tag, ec);
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
      auto timed = backends::run_time(executables[i], reps(), m_options.min_time,
                                      run_options(m_time_s, true));
      medians[i].push_back(timed.status == Status::ok ? measurement_from(timed.result).median_s
                                                      : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return medians;
}

Trial Evaluator::reverify(const fs::path& executable) {
  auto reference = reference_for(m_options.final_seed);
  if (!reference) {
    Trial t;
    t.message = reference.error();
    return t;
  }
  return verify_seed(executable, m_options.final_seed, *reference, "final");
}

}  // namespace kevolve::eval
