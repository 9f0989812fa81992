#include "tool/cli/executor_options.hpp"

#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <ctime>
#include <unistd.h>

namespace kevolve::tool {

namespace fs = std::filesystem;

void add_executor_options(CLI::App* cmd, ExecutorFlags& f) {
  const char* group = "Executor (docs/cluster.md)";
  cmd->add_option("--executor", f.executor,
                  "Where candidates build and run: local (this machine, the default) or slurm")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->group(group);
  cmd->add_option("--slurm-partition", f.partitions,
                  "SLURM partition of the units' jobs: NAME, or BACKEND=NAME per backend (cpu, "
                  "cuda, hip); GPU units are tuned only where a BACKEND=NAME names their backend")
      ->group(group);
  cmd->add_option("--slurm-build-partition", f.build_partition,
                  "SLURM partition of the compile jobs (default: the unit's)")
      ->group(group);
  cmd->add_option("--slurm-account", f.account, "SLURM account of the jobs")->group(group);
  cmd->add_option("--slurm-time", f.time_minutes, "Time limit of each worker job, minutes (60)")
      ->check(CLI::Range(1, 100000))
      ->group(group);
  cmd->add_option("--slurm-dir", f.dir,
                  "Work directory on a filesystem every node sees (default: "
                  "<build>/kevolve-slurm)")
      ->group(group);
  cmd->add_option("--slurm-option", f.sbatch_options,
                  "More sbatch options, each starting with --, e.g. --slurm-option=--qos=high")
      ->group(group);
  cmd->add_option("--slurm-worker-option", f.worker_options,
                  "More sbatch options of the jobs that run candidates only, e.g. "
                  "--slurm-worker-option=--exclusive for a CPU unit timed on a whole node")
      ->group(group);
  cmd->add_option("--slurm-retries", f.retries,
                  "Times a job the cluster loses (node failure, preemption) is submitted again (2)")
      ->check(CLI::Range(0, 100))
      ->group(group);
  cmd->add_option("--slurm-units", f.units,
                  "Units tuned at once, each by a worker job of its own (1): the partitions need "
                  "room for that many workers besides the builds")
      ->check(CLI::Range(1u, 4096u))
      ->group(group);
  cmd->add_option("--slurm-poll", f.poll_s, "Least seconds between two squeue calls (2)")
      ->check(CLI::Range(0.1, 3600.0))
      ->group(group);
}

namespace {

// "cuda=gpu,cpu" -> {cuda: gpu, "": cpu}.
std::map<std::string, std::string> partition_map(const std::vector<std::string>& given) {
  std::map<std::string, std::string> map;
  for (const std::string& option : given) {
    for (std::string_view item : util::split(option, ',')) {
      item = util::trim(item);
      if (item.empty()) continue;
      const auto eq = item.find('=');
      std::string backend(eq == std::string_view::npos ? "" : item.substr(0, eq));
      std::string name(eq == std::string_view::npos ? item : item.substr(eq + 1));
      if (!backend.empty() && backend != "cpu" && backend != "cuda" && backend != "hip")
        throw Error(fmt::format("--slurm-partition {}: '{}' is not a backend (cpu, cuda, hip)",
                                option, backend));
      if (name.empty() || name.find_first_of(" \t'\"$`\\") != std::string::npos)
        throw Error(
            fmt::format("--slurm-partition {}: '{}' is not a partition name", option, name));
      map[backend] = name;
    }
  }
  return map;
}

// "20261205-231502-4242": when the tune started, and its process.
std::string run_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return fmt::format("{}-{}", stamp, ::getpid());
}

fs::path this_program() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("kevolve") : self;
}

}  // namespace

std::unique_ptr<executor::Executor> make_executor(const ExecutorFlags& f,
                                                  const fs::path& build_dir) {
  std::string kind =
      !f.executor.empty() ? f.executor : util::environment("KEVOLVE_EXECUTOR").value_or("local");
  if (kind == "local") return executor::local_executor();
  if (kind != "slurm")
    throw Error(fmt::format("KEVOLVE_EXECUTOR is '{}': expected local or slurm", kind));
  executor::SlurmOptions o;
  std::vector<std::string> partitions = f.partitions;
  if (partitions.empty())
    if (auto env = util::environment("KEVOLVE_SLURM_PARTITION")) partitions.push_back(*env);
  o.partitions = partition_map(partitions);
  o.build_partition = f.build_partition;
  o.account =
      !f.account.empty() ? f.account : util::environment("KEVOLVE_SLURM_ACCOUNT").value_or("");
  if (f.time_minutes) o.time_limit = std::chrono::minutes(*f.time_minutes);
  for (const auto& [flag, given] : {std::pair{"--slurm-option", &f.sbatch_options},
                                    std::pair{"--slurm-worker-option", &f.worker_options}}) {
    for (const std::string& s : *given) {
      if (s.rfind("--", 0) != 0)
        throw Error(fmt::format("{} '{}': each sbatch option starts with --", flag, s));
    }
  }
  o.extra_options = f.sbatch_options;
  o.worker_options = f.worker_options;
  // Each tune a directory of its own: another tune's answers must never be read as this one's.
  o.work_dir = (f.dir.empty() ? build_dir / "kevolve-slurm" : fs::absolute(f.dir)) / run_name();
  o.poll_interval = std::chrono::milliseconds(static_cast<long long>(f.poll_s * 1000));
  o.retries = f.retries;
  o.units = f.units;
  o.kevolve = this_program();
  if (auto made = util::ensure_directory(o.work_dir / "scripts"); !made) throw Error(made.error());
  return executor::slurm_executor(std::move(o));
}

}  // namespace kevolve::tool
