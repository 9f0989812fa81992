#include "tool/executor/executor.hpp"
#include "tool/executor/jobs.hpp"
#include "tool/executor/remote.hpp"
#include "tool/executor/work_dir.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <set>

namespace kevolve::executor {

namespace fs = std::filesystem;
using util::Json;

std::string Cluster::partition_for(backends::Backend backend) const {
  if (auto p = options.partitions.find(std::string(backends::name_of(backend)));
      p != options.partitions.end())
    return p->second;
  auto fallback = options.partitions.find("");
  return fallback == options.partitions.end() ? "" : fallback->second;
}

util::Expected<fs::path> Cluster::fresh_dir(std::string_view kind) {
  fs::path dir = options.work_dir / fmt::format("{}-{}", kind, next++);
  if (auto made = util::ensure_directory(dir); !made) return util::unexpected(made.error());
  return dir;
}

cluster::JobRequest Cluster::job(std::string name, std::vector<std::string> worker_args,
                                 std::string partition, fs::path output) const {
  cluster::JobRequest r;
  r.name = std::move(name);
  r.command = {options.kevolve.string(), "worker"};
  r.command.insert(r.command.end(), worker_args.begin(), worker_args.end());
  r.partition = std::move(partition);
  r.account = options.account;
  r.time_limit = options.time_limit;
  r.output = std::move(output);
  r.extra_options = options.extra_options;
  return r;
}

// Probes see the node as workers do (its CPUs are device facts).
void Cluster::add_worker_options(cluster::JobRequest& r) const {
  r.extra_options.insert(r.extra_options.end(), options.worker_options.begin(),
                         options.worker_options.end());
}

namespace {

bool is_gpu(backends::Backend b) { return b != backends::Backend::cpu; }

class SlurmExecutor final : public Executor {
 public:
  explicit SlurmExecutor(SlurmOptions options) : m_cluster(std::move(options)) {}
  std::string_view name() const override { return "slurm"; }
  std::string where() const override {
    return "candidates built and run through SLURM; its jobs' files in " +
           m_cluster.options.work_dir.string();
  }
  util::Expected<backends::Inventory> devices() override;
  unsigned build_slots() const override;
  unsigned units_at_once() const override { return std::max(1u, m_cluster.options.units); }
  util::Expected<OpenedEvaluation> evaluation(const backends::CandidateRecipe& recipe,
                                              const eval::EvalOptions& options,
                                              backends::SandboxMode sandbox,
                                              const backends::Device& device) override;

 private:
  util::Expected<std::vector<NodeDevice>> probe(const std::string& partition, bool gpu);

  mutable Cluster m_cluster;                          // build_slots() learns the array's task slots
  std::map<std::string, std::string> m_partition_of;  // device id -> where it was found
};

// One job on `partition` that reports its node's devices.
util::Expected<std::vector<NodeDevice>> SlurmExecutor::probe(const std::string& partition,
                                                             bool gpu) {
  auto dir = m_cluster.fresh_dir("probe");
  if (!dir) return util::unexpected(dir.error());
  cluster::JobRequest request =
      m_cluster.job("kevolve-probe", {"devices", dir->string()}, partition, *dir / "probe.out");
  if (gpu) request.gres = "gpu:1";
  m_cluster.add_worker_options(request);
  auto id = m_cluster.watch.submit(request);
  if (!id) return util::unexpected(id.error());
  Awaited a = await_answer(m_cluster.watch, *id, work_dir::devices_file(*dir));
  if (!a.answer) {
    return util::unexpected(
        fmt::format("the device probe on partition '{}' did not answer: {} (its output: {})",
                    partition.empty() ? "(default)" : partition,
                    a.ended ? describe(*a.ended) : a.error, (*dir / "probe.out").string()));
  }
  std::vector<NodeDevice> out;
  if (!a.answer->is_array()) return util::unexpected(std::string("the device probe wrote no list"));
  for (const Json& d : *a.answer) {
    auto device = node_device_from(d);
    if (!device) return util::unexpected(device.error());
    out.push_back(std::move(*device));
  }
  return out;
}

util::Expected<backends::Inventory> SlurmExecutor::devices() {
  backends::Inventory inventory;
  std::set<std::string> probed;
  for (backends::Backend backend : backends::k_backends) {
    const std::string partition = m_cluster.partition_for(backend);
    if (backend != backends::Backend::cpu &&
        !m_cluster.options.partitions.count(std::string(backends::name_of(backend))))
      continue;  // GPU units are tuned where the partition map sends them
    auto found = probe(partition, is_gpu(backend));
    if (!found) return util::unexpected(found.error());
    bool any = false;
    for (NodeDevice& n : *found) {
      if (n.device.backend != backend || !probed.insert(n.device.id.str()).second) continue;
      m_partition_of[n.device.id.str()] = partition;
      inventory.devices.push_back(std::move(n.device));
      any = true;
    }
    if (!any)
      inventory.absent.push_back(
          {backend, fmt::format("no node of partition '{}' has one",
                                partition.empty() ? "(default)" : partition)});
  }
  return inventory;
}

unsigned SlurmExecutor::build_slots() const {
  cluster::SlurmClient client(m_cluster.settings());
  auto cpus = client.cpus(m_cluster.options.build_partition);
  if (!cpus) return 4;
  m_cluster.task_slots = static_cast<int>(std::max(1u, *cpus - 1));
  return std::max(1u, *cpus);
}

util::Expected<OpenedEvaluation> SlurmExecutor::evaluation(const backends::CandidateRecipe& recipe,
                                                           const eval::EvalOptions& options,
                                                           backends::SandboxMode sandbox,
                                                           const backends::Device& device) {
  auto partition = m_partition_of.find(device.id.str());
  if (partition == m_partition_of.end())
    return util::unexpected(fmt::format("no partition was probed for {}", device.id.str()));
  auto dir = m_cluster.fresh_dir(recipe.unit);
  if (!dir) return util::unexpected(dir.error());
  RemoteUnit unit{recipe, options, sandbox, device, partition->second, *dir};
  return OpenedEvaluation{remote_evaluation(m_cluster, std::move(unit)), ""};
}

}  // namespace

std::unique_ptr<Executor> slurm_executor(SlurmOptions options) {
  return std::make_unique<SlurmExecutor>(std::move(options));
}

}  // namespace kevolve::executor
