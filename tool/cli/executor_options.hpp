#pragma once

// `kevolve tune --executor` and the SLURM executor's options (docs/cluster.md).

#include "tool/executor/executor.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::tool {

struct ExecutorFlags {
  std::string executor;                 // local, slurm; empty: KEVOLVE_EXECUTOR, else local
  std::vector<std::string> partitions;  // [BACKEND=]NAME, each may hold several, comma-separated
  std::string build_partition;
  std::string account;
  std::optional<int> time_minutes;
  std::string dir;
  std::vector<std::string> sbatch_options;
  std::vector<std::string> worker_options;
  int retries = 2;
  double poll_s = 2;
  unsigned units = 1;
};

void add_executor_options(CLI::App* cmd, ExecutorFlags& flags);

// The executor the flags and the environment ask for; throws Error on bad input.
std::unique_ptr<executor::Executor> make_executor(const ExecutorFlags& flags,
                                                  const std::filesystem::path& build_dir);

}  // namespace kevolve::tool
