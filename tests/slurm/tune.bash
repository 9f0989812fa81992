#!/usr/bin/env bash
# `kevolve tune --executor slurm` end to end against a real SLURM of three nodes started here
# (cluster.bash), on the CPU project of tests/cmake/flow (one unit, 8 points, a clear winner):
#   - the same winner, device and number of evaluations as a local tune, each build a task of
#     a job array and each evaluation answered by a worker job on a node;
#   - faults: a worker job cancelled (scancel) and one whose process is killed (kill -9) end the
#     evaluation in flight `lost` and the tune goes on with a new worker; a node set DOWN under
#     its worker (NODE_FAIL) is retried on another node; nothing lost, every trial logged;
#   - Ctrl-C (SIGINT) of kevolve cancels its jobs, and the tune resumed repeats no evaluation.
# Skipped (77) where SLURM cannot start.
set -uo pipefail
: "${KEVOLVE_BUILD_DIR:?}" "${KEVOLVE_SOURCE_DIR:?}"
CMAKE=${CMAKE:-cmake}
source "$(dirname "$0")/cluster.bash"

fail() {
  echo "FAIL: $*"
  for f in "$CLUSTER_DIR"/out "$CLUSTER_DIR"/err; do [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }; done
  exit 1
}

cluster_start 3
D=$CLUSTER_DIR
"$CMAKE" --install "$KEVOLVE_BUILD_DIR" --prefix "$D/prefix" >/dev/null || fail "cmake --install"
K=$D/prefix/bin/kevolve
cp -r "$KEVOLVE_SOURCE_DIR/tests/cmake/flow" "$D/flow"
"$CMAKE" -S "$D/flow" -B "$D/build" -DCMAKE_PREFIX_PATH="$D/prefix" >"$D/out" 2>&1 || fail "configure"
"$CMAKE" --build "$D/build" >"$D/out" 2>&1 || fail "build"
export KEVOLVE_CACHE_DIR=$D/cache
QUICK=(--reps 3 --min-time 0.01 --rounds 3)
SLURM=(--executor slurm --slurm-poll 0.5 --slurm-dir "$D/work")

tune() {  # knowledge-dir [options...]: the summary's JSON in $D/out
  local knowledge=$1
  shift
  "$K" tune -B "$D/build" --knowledge "$knowledge" "${QUICK[@]}" --json "$@" >"$D/out" 2>"$D/err"
}
field() { python3 -c "import json; r=json.load(open('$D/out'))['units'][0]; print($1)"; }
trials() { cat "$1"/trials/scale/*.jsonl 2>/dev/null | grep -c '"status"' ; }
statuses() { cat "$1"/trials/scale/*.jsonl | python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["status"] for l in sys.stdin if l.strip())))'; }

echo "-- local and slurm find the same winner"
tune "$D/local" || fail "local tune"
# PAD changes nothing (it adds 0): only CHUNK tells the candidates apart beyond noise.
local_winner=$(field 'r["parameters"]["CHUNK"]'); local_device=$(field 'r["device"]')
# As a nightly job would: the CMake target, the executor chosen by the environment.
start=$SECONDS
# Its worker on a node of its own (--exclusive): the builds run on the other two.
KEVOLVE_EXECUTOR=slurm KEVOLVE_TUNE_ARGS="--slurm-poll 0.5 --slurm-dir $D/work ${QUICK[*]} --slurm-worker-option=--exclusive" \
  "$CMAKE" --build "$D/build" --target kevolve_tune >"$D/out" 2>"$D/err" || fail "kevolve_tune through slurm"
echo "slurm tune through the CMake target: $((SECONDS - start)) s"
# The record it wrote, under the node's device id: up to date for that id here, with its winner.
tune "$D/flow/.kevolve" --executor slurm --slurm-poll 0.5 --slurm-dir "$D/work" || fail "slurm tune"
[ "$(field 'r["state"]')" = up_to_date ] || fail "the slurm run's record is not up to date: $(field 'r["state"]')"
echo "winner through slurm CHUNK=$(field 'r["parameters"]["CHUNK"]') (local: $local_winner)"
[ "$(field 'r["parameters"]["CHUNK"]')" = "$local_winner" ] || fail "another winner through slurm"
[ "$(field 'r["device"]')" = "$local_device" ] || fail "another device through slurm"
[ "$(trials "$D/flow/.kevolve")" = "$(trials "$D/local")" ] || fail "$(trials "$D/flow/.kevolve") trials through slurm, $(trials "$D/local") here"
ls "$D"/work/*/build-*/0.answer.json >/dev/null 2>&1 || fail "no build ran as an array task"
grep -qE '"node": "node[123]"' "$D"/work/*/scale-*/w0/ready.json || fail "the worker's ready record names no node"
[ -z "$(squeue -h -o %i)" ] || sleep 3
[ -z "$(squeue -h -t pending,running -o %i)" ] || fail "jobs left behind: $(squeue -h)"

# Waits until a worker of the unit has answered its first request; prints its job id.
running_worker() {
  local dir
  for _ in $(seq 1 300); do
    dir=$(ls -d "$D"/work/*/scale-*/w* 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -f "$dir/answers/0.json" ]; then
      squeue -h -t running -n kevolve-scale -o %i | head -n 1
      return
    fi
    sleep 0.1
  done
}

fault() {  # name, retries, then the command that does harm to the running worker (job id as $1)
  local name=$1 retries=$2
  shift 2
  echo "-- $name"
  rm -rf "$D/work" "$D/k-$name"
  # One build at a time: a build job between evaluations, so the harm lands mid-search.
  tune "$D/k-$name" "${SLURM[@]}" --slurm-retries "$retries" --jobs 1 &
  local tuner=$! job
  job=$(running_worker)
  [ -n "$job" ] || { kill $tuner; fail "$name: no worker ran"; }
  "$@" "$job"
  wait $tuner || fail "$name: the tune failed"
  echo "$name: $(statuses "$D/k-$name"); workers: $(ls -d "$D"/work/*/scale-*/w* | wc -l)"
  [ "$(trials "$D/k-$name")" -ge 8 ] || fail "$name: $(trials "$D/k-$name") trials, fewer than the 8 points"
  [ "$(ls -d "$D"/work/*/scale-*/w* | wc -l)" -ge 2 ] || fail "$name: no second worker"
  [ "$(field 'r["parameters"]["CHUNK"]')" = "$local_winner" ] || fail "$name: another winner"
}

cancel_it() { scancel "$1"; }
kill_it() {
  local pid
  pid=$(pgrep -f "worker serve $D/work" | head -n 1)
  [ -n "$pid" ] || fail "no worker process"
  kill -KILL "$pid"
}
node_down() {
  local node
  node=$(squeue -h -j "$1" -o %N)
  scontrol update NodeName="$node" State=DOWN Reason=kevolve-test || fail "scontrol update"
  echo "set $node down"
}

# With a retry left, a worker cancelled, or on a node that fails, is replaced: nothing is lost.
fault cancelled 1 cancel_it
statuses "$D/k-cancelled" | grep -qw lost && fail "cancelled: an evaluation is lost despite the retry"
fault node-down 1 node_down
statuses "$D/k-node-down" | grep -qw lost && fail "node-down: an evaluation is lost despite the retry"
scontrol update NodeName=node1,node2,node3 State=RESUME >/dev/null 2>&1
# Without retries, the evaluation in flight when its worker is killed is `lost` (and evaluated
# again by the next tune); the search goes on with a new worker.
fault killed 0 kill_it
statuses "$D/k-killed" | grep -qw lost || fail "killed: the evaluation in flight is not lost"

echo "-- Ctrl-C cancels the jobs; the resumed tune repeats nothing"
rm -rf "$D/work" "$D/k-int"
# kevolve itself in the background (not a subshell around it), to get the signal.
"$K" tune -B "$D/build" --knowledge "$D/k-int" "${QUICK[@]}" "${SLURM[@]}" --jobs 1 >"$D/out" 2>"$D/err" &
tuner=$!
job=$(running_worker)
[ -n "$job" ] || fail "no worker ran"
kill -INT $tuner
wait $tuner
code=$?
[ $code -eq 130 ] || fail "interrupted tune exited $code, not 130"
sleep 2
left=$(squeue -h -t pending,running -o '%i %j')
[ -z "$left" ] || fail "jobs still there after Ctrl-C: $left"
before=$(trials "$D/k-int")
tune "$D/k-int" "${SLURM[@]}" || fail "the resumed tune"
after=$(trials "$D/k-int")
echo "interrupted after $before trials; resumed to $after"
dupes=$(cat "$D"/k-int/trials/scale/*.jsonl | python3 -c '
import json, sys
seen = [json.dumps(json.loads(l)["params"], sort_keys=True) for l in sys.stdin if l.strip() and json.loads(l)["status"] == "ok"]
print(len(seen) - len(set(seen)))')
[ "$dupes" = 0 ] || fail "$dupes evaluations repeated after the resume"
echo "PASS"
