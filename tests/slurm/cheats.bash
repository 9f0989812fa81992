#!/usr/bin/env bash
# The integrity suite (tests/cmake/cheats.bash: every cheat class caught, the honest faster
# candidate winning) with every tune of it going through the SLURM executor, on a real SLURM of
# two nodes started here (cluster.bash): candidates built by array jobs and run by worker jobs,
# judged on the node exactly as locally. Skipped (77) where SLURM cannot start.
set -uo pipefail
source "$(dirname "$0")/cluster.bash"
cluster_start 2
export KEVOLVE_EXECUTOR=slurm
bash "$(dirname "$0")/../cmake/cheats.bash"
code=$?
[ $code -eq 0 ] && [ -z "$(squeue -h -t pending,running -o %i)" ] || {
  echo "FAIL: the cheats suite through SLURM exited $code; jobs left: $(squeue -h 2>&1)"
  exit 1
}
echo "PASS"
