#pragma once

// Where a tune's candidates are built and run (docs/cluster.md): `local`, this machine (the
// default), or `slurm`, a cluster's nodes through batch jobs. The search, the evaluation
// protocol and the knowledge writes do not change: the tuner talks to an eval::Evaluation either
// way, and the device a result is recorded for is the one the node running it reports.

#include "backends/candidate.hpp"
#include "backends/sandbox.hpp"
#include "tool/eval/evaluation.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/executor/codec.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::executor {

struct OpenedEvaluation {
  std::unique_ptr<eval::Evaluation> evaluation;
  std::string warning;  // said once, before the defaults are built (an unsandboxed run)
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual std::string_view name() const = 0;
  // Said once when a tune starts: where its candidates go ("" for this machine).
  virtual std::string where() const { return ""; }
  // Whether candidates run on this machine: then its load, peaks and profiler are theirs;
  // elsewhere the node that evaluates measures its own peaks.
  bool runs_here() const { return where().empty(); }
  // The devices units can be tuned on (and, for messages, the backends that have none).
  virtual util::Expected<backends::Inventory> devices() = 0;
  // Builds that may run at once, when --jobs does not say.
  virtual unsigned build_slots() const = 0;
  // Units tuned at once: 1 here (their timings must not disturb each other); on a cluster,
  // --slurm-units (each unit's worker on a node of its own).
  virtual unsigned units_at_once() const { return 1; }
  // One unit's evaluation on `device`, one of devices().
  virtual util::Expected<OpenedEvaluation> evaluation(const backends::CandidateRecipe& recipe,
                                                      const eval::EvalOptions& options,
                                                      backends::SandboxMode sandbox,
                                                      const backends::Device& device) = 0;
};

// This machine: eval::Evaluator, as kevolve always ran.
std::unique_ptr<Executor> local_executor();

struct SlurmOptions {
  // Partition per backend ("cuda" -> "gpu-h100"); "" is the default for the others. Empty: the
  // cluster's default partition.
  std::map<std::string, std::string> partitions;
  std::string build_partition;  // where candidates compile; empty: the unit's partition
  std::string account;
  std::chrono::seconds time_limit{3600};   // each job's (a worker serves a whole unit)
  std::vector<std::string> extra_options;  // more sbatch options ("--qos=high")
  // More sbatch options of the jobs that run candidates (workers) and probe devices only:
  // "--exclusive" or "--cpus-per-task=32", so that a CPU unit is timed with the node's cores.
  std::vector<std::string> worker_options;
  std::filesystem::path work_dir;  // on a filesystem every node sees
  std::chrono::milliseconds poll_interval{2000};
  int retries = 2;     // a job lost to the cluster (node failure, preemption) is submitted again
  unsigned units = 1;  // units tuned at once, each by its own worker job
  std::filesystem::path kevolve;  // the program the jobs run (this one, by default)
};

std::unique_ptr<Executor> slurm_executor(SlurmOptions options);

}  // namespace kevolve::executor
