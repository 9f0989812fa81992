#!/usr/bin/env bash
# The integrity suite (tests/cmake/cheats.bash: every cheat class caught, the honest faster
# candidate winning) with every tune of it going through the SLURM executor, on a real SLURM of
# three nodes started here (cluster.bash): candidates built by array jobs and run by worker jobs,
# judged on the node exactly as locally, three units at once (--slurm-units 3). Skipped (77)
# where SLURM cannot start.
# The classes whose judging could differ on a node: what crosses the work directory (a forged
# reply, a forged answer, a status and its message), what a process leaves behind it (a daemon,
# a held pipe, a detached thread), what it can read there (the references), its clock; and the
# honest control. The others are checks of outputs by the same code as locally
# (tests/cmake/cheats.bash runs them all), left out to keep CI's time.
set -uo pipefail
source "$(dirname "$0")/cluster.bash"
cluster_start 3
export KEVOLVE_EXECUTOR=slurm KEVOLVE_TUNE_ARGS="--slurm-units 3"
export CHEAT_UNITS="cache_by_pointer forged_result forges_answer timer_override reads_reference
  leaves_daemon holds_pipe detached_thread honest_faster"
bash "$(dirname "$0")/../cmake/cheats.bash"
code=$?
[ $code -eq 0 ] && [ -z "$(squeue -h -t pending,running -o %i)" ] || {
  echo "FAIL: the cheats suite through SLURM exited $code; jobs left: $(squeue -h 2>&1)"
  exit 1
}
echo "PASS"
