#!/usr/bin/env bash
# Evaluations per minute of a compile-bound CPU unit (the examples' transpose: each candidate a
# compile of about a second, its run a few milliseconds) tuned here and through the SLURM
# executor on 1, 2 and 4 simulated nodes (tests/slurm/cluster.bash: slurmd processes on this
# host, 2 CPUs each in SLURM's view, all sharing this machine's cores). docs/results/slurm.md.
#   bench/slurm/scaling.sh [build-dir] [budget] [nodes...]   (root; SLURM: scripts/setup.sh)
# SLURM_JOBS=N passes -j N to the SLURM runs (builds in flight at once).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:-$root/build}")
budget=${2:-32}
nodes_list=${*:3}
nodes_list=${nodes_list:-1 2 4}
W=$(mktemp -d /tmp/kevolve-scaling.XXXXXX)
trap 'rm -rf "$W"' EXIT
source "$root/bench/slurm/examples.bash"
examples_setup

# Each run starts from an empty build cache and knowledge directory: every candidate compiles.
tune() {  # name [options...]: prints "name evaluations seconds evaluations-per-minute"
  local name=$1
  shift
  rm -rf "$W/ex/kevolve/cache" "$W/ex/kevolve/tune" "$W/k-$name"
  "$W/prefix/bin/kevolve" tune -B "$W/ex" --unit transpose --budget "$budget" --strategy random \
    --knowledge "$W/k-$name" --json "$@" >"$W/$name.json" 2>"$W/$name.err" ||
    { tail -n 20 "$W/$name.err" >&2; return 1; }
  python3 - "$name" "$W/$name.json" <<'PY'
import json, sys
u = json.load(open(sys.argv[2]))["units"][0]
n, s = u["evaluations"] - u["resumed"], u["search_seconds"]
w = " ".join(f"{k}={v}" for k, v in (u["parameters"] or {}).items())
x = u["speedup"]["value"] if u["speedup"] else float("nan")
print(f"| {sys.argv[1]} | {n} | {s:.1f} | {60 * n / s:.0f} | {u['seconds']:.1f} | {w} | {x:.2f}x |")
PY
}

echo "| executor | evaluations | search loop s | evaluations/min | unit's whole tune s | winner | speedup |"
echo "|---|---:|---:|---:|---:|---|---:|"
tune local
for nodes in $nodes_list; do
  # A cluster per run, in its own shell (cluster_start's trap stops it on exit).
  W=$W budget=$budget root=$root nodes=$nodes bash -c '
    source "$root/tests/slurm/cluster.bash"
    cluster_start "$nodes" >/dev/null
    '"$(declare -f tune)"'
    tune "slurm-$nodes-nodes" --executor slurm --slurm-poll 0.5 --slurm-dir "$W/work-$nodes" \
      ${SLURM_JOBS:+-j $SLURM_JOBS}'
done
echo
echo "$(nproc) cores here; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); budget $budget"
