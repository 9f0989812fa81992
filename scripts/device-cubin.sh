#!/usr/bin/env bash
# On the GPU machine (the device tool, .devdeps carried): device-only CUDA candidates against
# today's whole candidates (docs/device-only.md). Builds and installs kevolve and the CUDA
# examples as scripts/device-examples.sh does, then tunes the device-only triad unit twice on
# the same candidates (same strategy, seed and budget, cold caches, own knowledge directories):
# built whole (KEVOLVE_DEVICE_ONLY=off) and device-only. Prints candidates per minute for both
# (evaluations over search_seconds, and over the wall time), checks that the winners agree
# within noise, and packs the logs into $OUT.
#   bash scripts/device-cubin.sh        (UNIT=triad BUDGET=64 STRATEGY=random SEED=1 by default)
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/device-common.sh
unit=${UNIT:-triad} budget=${BUDGET:-64} strategy=${STRATEGY:-random} seed=${SEED:-1}
build_kevolve
lscpu | grep -E "^(Model name|CPU\(s\))"
build_examples kevolve_cuda_examples
/tmp/ex/cuda/kevolve_cuda_examples 2>&1 | tee "$out/app.log" | grep -iE "$unit|fail|error" | head -5

# One tune of $unit from cold caches; $1 names it, KEVOLVE_DEVICE_ONLY=$2.
tune() {
  log "tune $unit ($1): --strategy $strategy --budget $budget --seed $seed --force"
  rm -rf /tmp/ex/kevolve/cache /tmp/ex/kevolve/tune "/tmp/k-$1"
  local s e
  s=$(date +%s.%N)
  KEVOLVE_DEVICE_ONLY=$2 KEVOLVE_LOG_FILE=$out/tune-$1.txt $kevolve tune -B /tmp/ex --unit "$unit" \
    --strategy "$strategy" --budget "$budget" --seed "$seed" --force --json \
    --knowledge "/tmp/k-$1" >"$out/tune-$1.json" 2>"$out/tune-$1.log"
  echo "exit $?"
  e=$(date +%s.%N)
  echo "$s $e" >"$out/wall-$1.txt"
  tail -3 "$out/tune-$1.log"
  grep -c "device-only in" "$out/tune-$1.txt" | sed 's/^/device-only builds: /'
}
tune whole off
tune device-only on

log "compare"
python3 - "$out" <<'PY' | tee "$out/compare.txt"
import json, sys
out = sys.argv[1]
rows = {}
for mode in ("whole", "device-only"):
    with open(f"{out}/tune-{mode}.json") as f:
        u = json.load(f)["units"][0]
    s, e = map(float, open(f"{out}/wall-{mode}.txt").read().split())
    fresh = u["evaluations"] - u["resumed"]
    rows[mode] = u
    if not u.get("search_seconds"):
        print(f"{mode:12s} state {u['state']}: {u.get('message', '')}")
        sys.exit(1)
    print(f"{mode:12s} state {u['state']}, {fresh} evaluations, search {u['search_seconds']:.1f} s: "
          f"{60 * fresh / u['search_seconds']:.0f} candidates/min; wall {e - s:.1f} s: "
          f"{60 * fresh / (e - s):.0f}/min; failures {u['failures']}")
    print(f"{'':12s} winner {u['parameters']} {u['tuned_s']} s (defaults {u['defaults_s']} s), "
          f"speedup {u['speedup']}")
w, d = rows["whole"], rows["device-only"]
ratio = (d["evaluations"] / d["search_seconds"]) / (w["evaluations"] / w["search_seconds"])
print(f"device-only / whole candidates per minute (search): {ratio:.2f}x")
gap = abs(d["tuned_s"] - w["tuned_s"]) / w["tuned_s"]
same = d["parameters"] == w["parameters"]
print(f"winners: {'the same parameters' if same else 'different parameters'}, times differ by "
      f"{100 * gap:.1f}% -> {'agree' if same or gap < 0.05 else 'DISAGREE'} (within 5%)")
# Each candidate's build as the debug log timed it: the compile cost itself, apart from the
# evaluations (a memory-bound unit's search is bound by those, not by its builds).
import re, statistics
for mode in ("whole", "device-only"):
    times = [float(m.group(2)) for m in re.finditer(
        r"build: \S+ c\d+ (device-only )?in ([0-9.]+) s", open(f"{out}/tune-{mode}.txt").read())]
    if times:
        print(f"{mode:12s} builds: {len(times)}, median {statistics.median(times):.2f} s each, "
              f"{sum(times):.1f} s in all")
failures_match = d["failures"] == w["failures"]
print(f"failed evaluations: {'the same' if failures_match else 'DIFFERENT'}")
sys.exit(0 if (same or gap < 0.05) and failures_match else 1)
PY
echo "compare: exit $?"
log "done"
