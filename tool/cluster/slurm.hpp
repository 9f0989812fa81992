#pragma once

// A client of SLURM's commands: sbatch to submit a job or a job array, squeue to learn what became
// of them, scontrol for a failed job's exit status, scancel. Each command runs through
// util::run_process with its arguments as a vector, never through a shell: job names, commands
// and paths are untrusted text. The job's own command is written into its batch script with every
// argument single-quoted.
//
// How polling stays gentle on the controller. `poll` asks about all the jobs it is given in one
// `squeue -h -r -t all -j ID,ID,...` call, and never more often than `poll_interval`: a call that
// comes sooner sleeps first. A job that failed costs one `scontrol -o show job ID` more, once, for
// its exit status (squeue has none, and sacct needs accounting storage: docs/cluster.md). A job
// that squeue no longer lists (SLURM forgets finished jobs after MinJobAge, 300 s by default) is
// `unknown`.

#include "tool/cluster/job_state.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::cluster {

struct JobRequest {
  std::string name;                    // --job-name; characters other than [A-Za-z0-9._-] become _
  std::vector<std::string> command;    // what the job runs: a program and its arguments
  std::string array;                   // "0-3", "0-99%8": a job array; empty: a single job
  std::string partition;               // empty: the cluster's default
  std::string account;                 // empty: the user's default
  std::string gres;                    // "gpu:1"; empty: none
  std::chrono::seconds time_limit{0};  // 0: the partition's default
  std::filesystem::path output;        // stdout and stderr together (%A, %a, %j allowed)
  std::filesystem::path working_dir;   // --chdir; empty: the script directory
  // false: --no-requeue, so that a failed node or a preemption ends the job as NODE_FAIL or
  // PREEMPTED (`lost`) and the executor retries it with its own limit; true: the cluster's policy
  // (by default SLURM requeues it itself and the job shows PENDING again).
  bool requeue = false;
  // More sbatch options, one argument each ("--qos=high", "--constraint=h100"); each must start
  // with "--" (submit refuses others).
  std::vector<std::string> extra_options;
};

struct SlurmSettings {
  std::filesystem::path script_dir;  // where batch scripts are written (a shared filesystem)
  std::chrono::milliseconds poll_interval{5000};
  std::chrono::milliseconds command_timeout{60000};  // for each sbatch, squeue, scontrol, scancel
  // The programs, by name on PATH or as paths.
  std::string sbatch = "sbatch";
  std::string squeue = "squeue";
  std::string scontrol = "scontrol";
  std::string scancel = "scancel";
  std::string sinfo = "sinfo";
};

struct JobStatus {
  std::string id;  // "12", or "12_3" for a task of an array
  JobOutcome outcome = JobOutcome::unknown;
  std::string state;   // SLURM's word, or "" when squeue no longer lists the job
  std::string node;    // where it ran, when SLURM said
  std::string reason;  // squeue's %r: why it waits or why it ended
  // For `failed`: scontrol's ExitCode; nullopt when scontrol could not say (reason says why).
  std::optional<ExitStatus> exit;
};

// The pieces, apart so that tests can check them without SLURM.
std::string job_name(std::string_view name);
std::string job_script(const JobRequest& request);
std::string time_limit_text(std::chrono::seconds limit);  // "1:30:00": sbatch's H:MM:SS
std::vector<std::string> sbatch_command(const SlurmSettings& settings, const JobRequest& request,
                                        const std::filesystem::path& script);
std::vector<std::string> squeue_command(const SlurmSettings& settings,
                                        const std::vector<std::string>& ids);
// The job id that `sbatch --parsable` prints ("12", or "12;cluster"), after any warnings.
util::Expected<std::string> parse_job_id(std::string_view sbatch_output);
// squeue's lines "ID|STATE|NODE|REASON" as statuses (without exit statuses).
util::Expected<std::vector<JobStatus>> parse_squeue(std::string_view output);
// The total of sinfo's "%C" lines ("allocated/idle/other/total" each).
util::Expected<unsigned> parse_cpus(std::string_view sinfo_output);
// The ExitCode field of a `scontrol -o show job` line.
std::optional<ExitStatus> exit_status_of(std::string_view scontrol_line);

class SlurmClient {
 public:
  explicit SlurmClient(SlurmSettings settings);

  // Writes the job's batch script and submits it; the job id. Errors quote sbatch's first line.
  util::Expected<std::string> submit(const JobRequest& request);
  // Every job and array task of `ids` (array ids expand to their tasks), in squeue's order; an id
  // squeue does not list comes back `unknown`.
  util::Expected<std::vector<JobStatus>> poll(const std::vector<std::string>& ids);
  // Polls until every job is final or `timeout` passed (then the last statuses, some not final).
  util::Expected<std::vector<JobStatus>> wait(const std::vector<std::string>& ids,
                                              std::chrono::seconds timeout);
  util::Expected<void> cancel(const std::vector<std::string>& ids);
  // The CPUs of a partition's nodes (sinfo's %C total); empty: the default partition's.
  util::Expected<unsigned> cpus(const std::string& partition);

  std::size_t squeue_calls() const { return m_squeue_calls; }

 private:
  util::Expected<void> wait_for_turn();
  util::Expected<ExitStatus> exit_status(const std::string& id);

  SlurmSettings m_settings;
  std::chrono::steady_clock::time_point m_last_poll{};
  bool m_polled = false;
  std::size_t m_squeue_calls = 0;
  std::size_t m_scripts = 0;
  std::map<std::string, ExitStatus> m_exit_statuses;  // asked once per failed job
};

}  // namespace kevolve::cluster
