#pragma once

// What became of a SLURM job, in kevolve's words: SLURM's job states (squeue's %T, scontrol's
// JobState) mapped to the outcomes an executor acts on. `lost` is SLURM's fault, not the job's
// (its node failed or booted wrong, or another job preempted it): the executor may submit it again.

#include <optional>
#include <string>
#include <string_view>

namespace kevolve::cluster {

enum class JobOutcome {
  pending,    // waiting for resources, or requeued
  running,    // started, or finishing (COMPLETING): its exit status is not final yet
  completed,  // exit status 0
  failed,     // a non-zero exit status or a signal (JobStatus says which)
  timeout,    // ran past its time limit (or its deadline)
  cancelled,  // scancel, by kevolve or someone else
  lost,       // NODE_FAIL, PREEMPTED, BOOT_FAIL: retryable
  unknown,    // a state this mapping does not know, or a job SLURM no longer lists
};

std::string_view to_string(JobOutcome outcome);

// The job will not change any more.
bool is_final(JobOutcome outcome);

// A final outcome that the job's own code did not cause.
inline bool is_retryable(JobOutcome outcome) { return outcome == JobOutcome::lost; }

// SLURM's state word, long ("NODE_FAIL") or as sacct writes it ("CANCELLED by 0").
JobOutcome outcome_of(std::string_view slurm_state);

// SLURM's "code:signal" (scontrol's ExitCode=3:0, 0:9 for a kill -9); nullopt when malformed.
struct ExitStatus {
  int code = 0;
  int signal = 0;
};
std::optional<ExitStatus> parse_exit_status(std::string_view text);

}  // namespace kevolve::cluster
