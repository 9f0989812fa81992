#!/usr/bin/env bash
# The CPU examples (matmul, transpose, rmsnorm) tuned here and through the SLURM executor on three
# simulated nodes (tests/slurm/cluster.bash), the same strategy, seed and budget: their winners
# and speedups side by side (docs/results/slurm.md).
#   bench/slurm/same_winners.sh [build-dir] [budget]     (root; SLURM: scripts/setup.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:-$root/build}")
budget=${2:-24}
W=$(mktemp -d /tmp/kevolve-same.XXXXXX)
trap 'rm -rf "$W"' EXIT
source "$root/bench/slurm/examples.bash"
examples_setup
args=(--target kevolve_examples --budget "$budget" --strategy random --seed 1 --json)
"$W/prefix/bin/kevolve" tune -B "$W/ex" --knowledge "$W/k-local" "${args[@]}" >"$W/local.json" 2>"$W/local.err"
W=$W root=$root bash -c '
  source "$root/tests/slurm/cluster.bash"
  cluster_start 3 >/dev/null
  "$W/prefix/bin/kevolve" tune -B "$W/ex" --knowledge "$W/k-slurm" '"${args[*]}"' \
    --executor slurm --slurm-poll 0.5 >"$W/slurm.json" 2>"$W/slurm.err"'
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
runs = {k: {u["unit"]: u for u in json.load(open(f"{w}/{k}.json"))["units"]} for k in ("local", "slurm")}
print("| unit | local: winner | speedup | slurm: winner | speedup |")
print("|---|---|---:|---|---:|")
for unit in runs["local"]:
    cells = []
    for k in ("local", "slurm"):
        u = runs[k][unit]
        p = " ".join(f"{n}={v}" for n, v in (u["parameters"] or {}).items()) or "(defaults)"
        s = u["speedup"]
        cells += [p, f"{s['value']:.2f}x [{s['low']:.2f}, {s['high']:.2f}]" if s else "-"]
    print(f"| {unit} | " + " | ".join(cells) + " |")
PY
