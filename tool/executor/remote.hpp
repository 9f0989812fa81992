#pragma once

// The SLURM executor's pieces (tool/executor/slurm.cpp): what every job of a tune shares, and
// one unit's evaluation through a worker job on a node, with its builds as job arrays.

#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "backends/sandbox.hpp"
#include "tool/cluster/slurm.hpp"
#include "tool/eval/evaluation.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/executor/executor.hpp"
#include "tool/executor/jobs.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::executor {

struct Cluster {
  explicit Cluster(SlurmOptions o)
      : options(std::move(o)), watch(settings(), options.poll_interval) {}

  cluster::SlurmSettings settings() const {
    cluster::SlurmSettings s;
    s.script_dir = options.work_dir / "scripts";
    s.poll_interval = options.poll_interval;
    return s;
  }
  // The partition a backend's units go to (the map's entry, else its "" entry, else SLURM's).
  std::string partition_for(backends::Backend backend) const;
  util::Expected<std::filesystem::path> fresh_dir(std::string_view kind);
  // A job that runs `kevolve worker <worker_args>`.
  cluster::JobRequest job(std::string name, std::vector<std::string> worker_args,
                          std::string partition, std::filesystem::path output) const;
  void add_worker_options(cluster::JobRequest& request) const;  // --slurm-worker-option

  SlurmOptions options;
  JobWatch watch;
  std::atomic<long> next{0};  // numbers the work directories
  // Tasks of a build array: the build partition's CPUs less one a unit's worker holds.
  std::atomic<int> task_slots{4};
};

struct RemoteUnit {
  backends::CandidateRecipe recipe;
  eval::EvalOptions options;
  backends::SandboxMode sandbox;
  backends::Device device;  // as the partition's probe reported it
  std::string partition;
  std::filesystem::path dir;
};

std::unique_ptr<eval::Evaluation> remote_evaluation(Cluster& cluster, RemoteUnit unit);

}  // namespace kevolve::executor
