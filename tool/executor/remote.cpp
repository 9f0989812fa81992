#include "tool/executor/remote.hpp"

#include "tool/executor/codec.hpp"
#include "tool/executor/work_dir.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

namespace kevolve::executor {

namespace fs = std::filesystem;
using util::Json;

namespace {

// The last lines of a job's output, for a message.
std::string output_tail(const fs::path& file) {
  auto text = util::read_file(file);
  if (!text || text->empty()) return "";
  std::string_view t = *text;
  if (t.size() > 600) t = t.substr(t.size() - 600);
  return fmt::format("; the end of its output ({}):\n{}", file.string(), t);
}

// Candidates' builds as job arrays: the builds asked for within a short window (the search
// loop's workers ask for a batch at once) go out as one array of at most `task_slots` tasks,
// each building every task_slots-th of them in turn. Fewer tasks than builds, because SLURM
// starts a queued task seconds after a CPU frees (3 s measured here, docs/results/slurm.md).
class BuildJobs {
 public:
  BuildJobs(Cluster& cluster, std::string partition)
      : m_cluster(cluster), m_partition(std::move(partition)) {}
  backends::Build build(const backends::CandidateRecipe& recipe, const std::string& header,
                        const std::string& tag);

 private:
  struct Batch {
    fs::path dir;
    int builds = 0;
    int tasks = 0;  // the array's, set when it is submitted
    bool submitted = false;
    std::string job;    // the array's id
    std::string error;  // sbatch refused it
  };
  std::pair<std::shared_ptr<Batch>, int> enqueue(const Json& request);
  void submit(Batch& batch, std::chrono::seconds limit);

  Cluster& m_cluster;
  std::string m_partition;
  std::mutex m_mutex;
  std::condition_variable m_submitted;
  std::shared_ptr<Batch> m_open;
};

backends::Build failed_build(std::string log) {
  backends::Build b;
  b.log = std::move(log);
  return b;
}

std::pair<std::shared_ptr<BuildJobs::Batch>, int> BuildJobs::enqueue(const Json& request) {
  std::unique_lock lock(m_mutex);
  const bool leader = !m_open;
  if (leader) {
    m_open = std::make_shared<Batch>();
    auto dir = m_cluster.fresh_dir("build");
    if (!dir) m_open->error = dir.error();
    m_open->dir = dir ? *dir : fs::path();
  }
  std::shared_ptr<Batch> batch = m_open;
  const int index = batch->builds++;
  if (batch->error.empty()) {
    if (auto w =
            util::write_json_file(work_dir::build_file(batch->dir, std::to_string(index)), request);
        !w)
      batch->error = w.error();
  }
  if (!leader) {
    m_submitted.wait(lock, [&] { return batch->submitted; });
    return {batch, index};
  }
  lock.unlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the others join
  lock.lock();
  m_open.reset();
  batch->tasks = std::min(batch->builds, std::max(1, m_cluster.task_slots.load()));
  const long long per_build = request["recipe"].value("compile_timeout_ms", 600000LL) / 1000;
  const int rounds = (batch->builds + batch->tasks - 1) / batch->tasks;
  submit(*batch, std::chrono::seconds(std::max<long long>(120, 2 * per_build * rounds)));
  batch->submitted = true;
  m_submitted.notify_all();
  return {batch, index};
}

void BuildJobs::submit(Batch& batch, std::chrono::seconds limit) {
  if (!batch.error.empty()) return;
  cluster::JobRequest r = m_cluster.job(
      "kevolve-build", {"build", batch.dir.string(), "--stride", std::to_string(batch.tasks)},
      m_partition, batch.dir / "%A_%a.out");
  r.array = fmt::format("0-{}", batch.tasks - 1);
  r.time_limit = limit;
  auto id = m_cluster.watch.submit(r);
  if (id)
    batch.job = *id;
  else
    batch.error = id.error();
}

backends::Build BuildJobs::build(const backends::CandidateRecipe& recipe, const std::string& header,
                                 const std::string& tag) {
  const Json request{{"recipe", to_json(recipe)}, {"header", header}, {"tag", tag}};
  std::string lost;
  for (int attempt = 0; attempt <= m_cluster.options.retries; ++attempt) {
    auto [batch, index] = enqueue(request);
    if (!batch->error.empty())
      return failed_build("kevolve: cannot submit the build: " + batch->error);
    const int task = index % batch->tasks;
    const std::string id = fmt::format("{}_{}", batch->job, task);
    Awaited a =
        await_answer(m_cluster.watch, id, work_dir::built_file(batch->dir, std::to_string(index)));
    if (a.answer) {
      auto built = build_from(*a.answer);
      return built ? *built : failed_build("kevolve: the build's answer: " + built.error());
    }
    if (!a.error.empty()) return failed_build("kevolve: the build's answer: " + a.error);
    const fs::path output = batch->dir / fmt::format("{}_{}.out", batch->job, task);
    if (a.ended->outcome == cluster::JobOutcome::timeout)
      return failed_build("kevolve: the build ran past the compile timeout (its job's time limit)");
    // A build's own failure is an answer; a job that ended without one (failed, cancelled,
    // forgotten) is the cluster's doing, which the breaker tells apart by this line.
    if (!cluster::is_retryable(a.ended->outcome))
      return failed_build(fmt::format("kevolve: the cluster lost this build's job: {}{}",
                                      describe(*a.ended), output_tail(output)));
    lost += (lost.empty() ? "" : "; ") + describe(*a.ended);
  }
  return failed_build(fmt::format("kevolve: the cluster lost this build's job {} times: {}",
                                  m_cluster.options.retries + 1, lost));
}

// What a request to the worker came to: its answer, or how its job ended without one.
struct Answer {
  std::optional<Json> json;
  std::optional<cluster::JobStatus> ended;  // after the retries, for a lost one
  std::string error;
};

// One unit's evaluation by a worker job on a node of its partition (`kevolve worker serve`): it
// prepares the unit there and answers requests through the work directory. A worker that ends
// without answering is replaced (prepared again) up to the retry limit.
class RemoteEvaluation final : public eval::Evaluation {
 public:
  RemoteEvaluation(Cluster& cluster, RemoteUnit unit)
      : m_cluster(cluster), m_unit(std::move(unit)), m_builds(cluster, build_partition()) {}
  ~RemoteEvaluation() override { stop_worker(); }

  util::Expected<void> prepare() override;
  const backends::Description& description() const override { return m_description; }
  const eval::Measurement& baseline() const override { return m_baseline; }
  double session_seconds() const override { return m_session_s; }
  const fs::path& baseline_executable() const override { return m_baseline_exe; }
  const std::vector<std::string>& warnings() const override { return m_warnings; }
  std::optional<backends::Peaks> peaks() const override { return m_peaks; }

  backends::Build build(const backends::CandidateRecipe& recipe, const std::string& header,
                        const std::string& tag) const override {
    return m_builds.build(recipe, header, tag);
  }
  eval::Trial evaluate(const backends::Build& build, const std::string& tag) override {
    return trial_of(ask({{"kind", "evaluate"}, {"build", to_json(build)}, {"tag", tag}}));
  }
  std::vector<std::vector<double>> interleaved(const std::vector<fs::path>& executables, int rounds,
                                               std::uint64_t seed) override;
  eval::Trial reverify(const fs::path& executable) override {
    return trial_of(ask({{"kind", "reverify"}, {"executable", executable.string()}}));
  }
  util::Expected<backends::cpu::Counters> counters(const fs::path& executable) override;

 private:
  std::string build_partition() const {
    return m_cluster.options.build_partition.empty() ? m_unit.partition
                                                     : m_cluster.options.build_partition;
  }
  util::Expected<Json> start_worker();
  util::Expected<void> take_ready(const Json& ready);
  void stop_worker();
  Answer ask(const Json& request);
  eval::Trial trial_of(const Answer& answer) const;

  Cluster& m_cluster;
  RemoteUnit m_unit;
  mutable BuildJobs m_builds;
  int m_workers = 0;      // started so far: names their directories
  std::string m_job;      // the worker's job; empty: none running
  fs::path m_worker_dir;  // its directory
  long m_next = 0;        // its next request
  bool m_prepared = false;
  backends::Description m_description;
  eval::Measurement m_baseline;
  double m_session_s = 0;
  fs::path m_baseline_exe;
  std::vector<std::string> m_warnings;
  std::optional<backends::Peaks> m_peaks;
};

// Submits a worker and waits until it is prepared: its ready record, or why there is none.
util::Expected<Json> RemoteEvaluation::start_worker() {
  std::string lost;
  for (int attempt = 0; attempt <= m_cluster.options.retries; ++attempt) {
    const fs::path dir = m_unit.dir / fmt::format("w{}", m_workers++);
    for (const char* sub : {"requests", "answers"})
      if (auto made = util::ensure_directory(dir / sub); !made)
        return util::unexpected(made.error());
    // The candidates it runs must not see the tune's files (nor forge its answers).
    eval::EvalOptions options = m_unit.options;
    options.hidden.push_back(m_cluster.options.work_dir);
    const Json unit{{"recipe", to_json(m_unit.recipe)},
                    {"options", to_json(options)},
                    {"sandbox", std::string(backends::name_of(m_unit.sandbox))}};
    if (auto w = util::write_json_file(work_dir::unit_file(dir), unit); !w)
      return util::unexpected(w.error());
    cluster::JobRequest r = m_cluster.job("kevolve-" + m_unit.recipe.unit, {"serve", dir.string()},
                                          m_unit.partition, dir / "worker.out");
    if (m_unit.device.backend != backends::Backend::cpu) r.gres = "gpu:1";
    m_cluster.add_worker_options(r);
    auto id = m_cluster.watch.submit(r);
    if (!id) return util::unexpected(id.error());
    Awaited a = await_answer(m_cluster.watch, *id, work_dir::ready_file(dir));
    if (a.answer) {
      m_job = *id;
      m_worker_dir = dir;
      m_next = 0;
      return std::move(*a.answer);
    }
    if (!a.error.empty()) return util::unexpected(a.error);
    if (!cluster::is_retryable(a.ended->outcome))
      return util::unexpected(
          fmt::format("the worker's {}{}", describe(*a.ended), output_tail(dir / "worker.out")));
    lost += (lost.empty() ? "" : "; ") + describe(*a.ended);
  }
  return util::unexpected(fmt::format("the cluster lost the worker's job {} times: {}",
                                      m_cluster.options.retries + 1, lost));
}

// The first worker's record describes the unit; a replacement must run on the same device.
util::Expected<void> RemoteEvaluation::take_ready(const Json& ready) {
  if (!ready.value("ok", false))
    return util::unexpected(fmt::format("on node {}: {}", ready.value("node", "?"),
                                        ready.value("error", "no reason given")));
  auto device = node_device_from(ready.value("device", Json()));
  if (!device) return util::unexpected(device.error());
  if (!(device->device.id == m_unit.device.id)) {
    return util::unexpected(fmt::format(
        "node {} has device {}, not {} (the device the partition's probe found): partition '{}' "
        "mixes device kinds; map each kind to its own partition (--slurm-partition)",
        ready.value("node", "?"), device->device.id.str(), m_unit.device.id.str(),
        m_unit.partition));
  }
  if (m_prepared) return {};
  auto baseline = measurement_of(ready.value("baseline", Json()));
  if (!baseline) return util::unexpected(baseline.error());
  m_description = backends::description_from(ready.value("description", Json::object()));
  m_baseline = *baseline;
  m_session_s = ready.value("session_seconds", 0.0);
  m_baseline_exe = ready.value("baseline_executable", "");
  for (const Json& w : ready.value("warnings", Json::array()))
    if (w.is_string()) m_warnings.push_back(w.get<std::string>());
  m_peaks = device->peaks;
  m_prepared = true;
  return {};
}

util::Expected<void> RemoteEvaluation::prepare() {
  auto ready = start_worker();
  if (!ready) return util::unexpected(ready.error());
  return take_ready(*ready);
}

Answer RemoteEvaluation::ask(const Json& request) {
  Answer out;
  std::string lost;
  for (int attempt = 0; attempt <= m_cluster.options.retries; ++attempt) {
    if (m_job.empty()) {
      auto ready = start_worker();
      auto taken =
          ready ? take_ready(*ready) : util::Expected<void>(util::unexpected(ready.error()));
      if (!taken) return out.error = "no worker: " + taken.error(), out;
    }
    const long n = m_next++;
    if (auto w = util::write_json_file(work_dir::request_file(m_worker_dir, n), request); !w)
      return out.error = w.error(), out;
    Awaited a = await_answer(m_cluster.watch, m_job, work_dir::answer_file(m_worker_dir, n));
    if (a.answer) return out.json = std::move(a.answer), out;
    if (!a.error.empty()) return out.error = a.error, out;
    // The worker ended without answering: lost, preempted, cancelled or killed, none of it the
    // candidate's doing (it runs sandboxed, apart from the worker), so another worker is asked;
    // only a time limit is an answer (`timeout`).
    m_job.clear();
    out.ended = a.ended;
    if (a.ended->outcome == cluster::JobOutcome::timeout) return out;
    lost += (lost.empty() ? "" : "; ") + describe(*a.ended);
  }
  out.error =
      fmt::format("the worker's job ended without an answer {} time{}: {}",
                  m_cluster.options.retries + 1, m_cluster.options.retries ? "s" : "", lost);
  return out;
}

eval::Trial RemoteEvaluation::trial_of(const Answer& answer) const {
  eval::Trial t;
  if (answer.json) {
    auto trial = trial_from(*answer.json);
    if (trial) return *trial;
    t.status = backends::Status::lost;
    t.message = "the worker's answer: " + trial.error();
    return t;
  }
  const bool timed_out = answer.ended && answer.ended->outcome == cluster::JobOutcome::timeout;
  t.status = timed_out ? backends::Status::timeout : backends::Status::lost;
  t.message = answer.ended && answer.error.empty()
                  ? "the worker's " + describe(*answer.ended) +
                        (timed_out ? " (its SLURM time limit, --slurm-time)" : "")
                  : answer.error;
  return t;
}

std::vector<std::vector<double>> RemoteEvaluation::interleaved(
    const std::vector<fs::path>& executables, int rounds, std::uint64_t seed) {
  Json paths = Json::array();
  for (const fs::path& e : executables) paths.push_back(e.string());
  Answer a =
      ask({{"kind", "interleaved"}, {"executables", paths}, {"rounds", rounds}, {"seed", seed}});
  const double gap = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> medians(executables.size(),
                                           std::vector<double>(std::max(0, rounds), gap));
  if (!a.json || !a.json->contains("medians") || !(*a.json)["medians"].is_array()) {
    KEVOLVE_LOG("cluster: interleaved re-timing failed: {}", a.error);
    return medians;
  }
  const Json& rows = (*a.json)["medians"];
  for (std::size_t i = 0; i < medians.size() && i < rows.size(); ++i)
    for (std::size_t r = 0; r < medians[i].size() && r < rows[i].size(); ++r)
      if (rows[i][r].is_number()) medians[i][r] = rows[i][r].get<double>();
  return medians;
}

util::Expected<backends::cpu::Counters> RemoteEvaluation::counters(const fs::path& executable) {
  Answer a = ask({{"kind", "counters"}, {"executable", executable.string()}});
  if (!a.json) return util::unexpected(a.error.empty() ? describe(*a.ended) : a.error);
  if (a.json->contains("error")) return util::unexpected((*a.json)["error"].dump());
  return backends::cpu::counters_from(a.json->value("counters", Json::object()));
}

void RemoteEvaluation::stop_worker() {
  if (m_job.empty()) return;
  if (util::interrupted()) return;  // the watch cancels every job of the tune
  (void)util::write_json_file(work_dir::request_file(m_worker_dir, m_next++),
                              Json{{"kind", "stop"}});
  m_cluster.watch.done(m_job);
  m_job.clear();
}

}  // namespace

std::unique_ptr<eval::Evaluation> remote_evaluation(Cluster& cluster, RemoteUnit unit) {
  return std::make_unique<RemoteEvaluation>(cluster, std::move(unit));
}

}  // namespace kevolve::executor
