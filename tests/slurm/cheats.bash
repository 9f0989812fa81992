#!/usr/bin/env bash
# The integrity suite (tests/cmake/cheats.bash: every cheat class caught, the honest faster
# candidate winning) with every tune of it going through the SLURM executor, on a real SLURM of
# three nodes started here (cluster.bash): candidates built by array jobs and run by worker jobs,
# judged on the node exactly as locally, three units at once (--slurm-units 3). Skipped (77)
# where SLURM cannot start.
set -uo pipefail
source "$(dirname "$0")/cluster.bash"
cluster_start 3
export KEVOLVE_EXECUTOR=slurm KEVOLVE_TUNE_ARGS="--slurm-units 3"
bash "$(dirname "$0")/../cmake/cheats.bash"
code=$?
[ $code -eq 0 ] && [ -z "$(squeue -h -t pending,running -o %i)" ] || {
  echo "FAIL: the cheats suite through SLURM exited $code; jobs left: $(squeue -h 2>&1)"
  exit 1
}
echo "PASS"
