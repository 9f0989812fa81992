#!/usr/bin/env bash
# tool/cluster's SLURM client against a real SLURM of two nodes started here (cluster.bash):
# a job that writes a file, an array of 4 on fake GPUs, a failing job's exit code, a time limit,
# scancel, a kill -9 of a job's process, sbatch's refusal, and the bounded rate of squeue calls
# (counted by a wrapper on PATH); and on a third node, whose slurmd is killed, a job that ends
# lost (NODE_FAIL). Skipped (77) where SLURM cannot start. About 100 s: SLURM checks time limits
# every 30 s, so the timeout job ends 60 to 95 s after it starts; the node is declared down about
# 50 s after its slurmd dies; the rest runs meanwhile.
set -uo pipefail
DRIVER=$(realpath "${KEVOLVE_SLURM_DRIVER:?set KEVOLVE_SLURM_DRIVER to kevolve_slurm_driver}")
source "$(dirname "$0")/cluster.bash"

fail() {
  echo "FAIL: $*"
  [ -f "$W/wait.out" ] && { echo "--- wait's output"; cat "$W/wait.out"; }
  exit 1
}

cluster_start 3
# A work directory whose name needs quoting: the client never hands it to a shell unquoted.
W="$CLUSTER_DIR/work dir 'quoted' \$(x)"
mkdir -p "$W" "$CLUSTER_DIR/bin"
# squeue, counted: a wrapper (in a plainly named directory: it is a shell script).
printf '#!/bin/sh\necho call >>"%s/squeue.calls"\nexec "%s" "$@"\n' "$CLUSTER_DIR" "$(command -v squeue)" \
  >"$CLUSTER_DIR/bin/squeue"
chmod +x "$CLUSTER_DIR/bin/squeue"

submit() {  # NAME [options] -- COMMAND...: prints the job id; node3 is kept for the lost job
  local name=$1
  shift
  "$DRIVER" submit "$W/scripts" "$name" --extra --exclude=node3 "$@" || fail "submit $name failed"
}

# The timeout job first: it takes longest (a one-minute limit, checked every 30 s); then the job
# whose node will fail (node3, alone).
timeout_job=$(submit late --time 60 -- sleep 300)
lost_job=$("$DRIVER" submit "$W/scripts" lost --extra --nodelist=node3 -- sleep 300) || fail "submit lost failed"
written_job=$(submit writer --output "$W/writer.log" -- sh -c 'echo "written on $SLURMD_NODENAME" >"$1"' sh "$W/written.txt")
array_job=$(submit "array of 4" --array 0-3 --gres gpu:1 --output "$W/task_%a.log" \
  -- sh -c 'echo "task $SLURM_ARRAY_TASK_ID gpus $CUDA_VISIBLE_DEVICES"')
failing_job=$(submit failing -- sh -c 'exit 3')
cancelled_job=$(submit cancelled -- sleep 300)
killed_job=$(submit killed -- sleep 300)
echo "jobs: lost $lost_job, timeout $timeout_job, written $written_job, array $array_job, failing $failing_job, cancelled $cancelled_job, killed $killed_job"

"$DRIVER" cancel "$cancelled_job" || fail "scancel failed"

# kill -9 the killed job's process on its node (the batch script exec'ed sleep) once it runs.
victim=
for _ in $(seq 1 150); do
  for pid in $(pgrep -x sleep); do
    # This cluster's job (sbatch passes SLURM_CONF on), not another test's with the same id.
    env=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ")
    grep -qx "SLURM_JOB_ID=$killed_job" <<<"$env" && grep -qx "SLURM_CONF=$SLURM_CONF" <<<"$env" && victim=$pid
  done
  [ -n "$victim" ] && break
  sleep 0.2
done
[ -n "$victim" ] || fail "the killed job's process never started"
kill -KILL "$victim"

# node3's slurmd dies (kill -9) while the lost job runs there: submitted with --no-requeue, it
# ends NODE_FAIL once SLURM declares the node down, instead of being requeued.
for _ in $(seq 1 150); do
  [ "$(squeue -h -j "$lost_job" -o %T)" = RUNNING ] && break
  sleep 0.2
done
[ "$(squeue -h -j "$lost_job" -o %T)" = RUNNING ] || fail "the lost job never ran on node3"
kill -KILL "$(cat "$CLUSTER_DIR/run/slurmd-node3.pid")"

# sbatch's refusal is quoted: no node has 9 GPUs.
if out=$("$DRIVER" submit "$W/scripts" greedy --gres gpu:9 -- true 2>&1); then
  fail "sbatch accepted a job asking for 9 GPUs: $out"
fi
echo "refusal: $out"
echo "$out" | grep -q "sbatch refused job 'greedy' (exit 1): sbatch: error:" || fail "refusal not quoted: $out"

# One wait for all, polling every 2 s; bounded by 150 s to detect a hang.
start=$SECONDS
PATH="$CLUSTER_DIR/bin:$PATH" timeout 200 "$DRIVER" wait 2000 150 "$lost_job" "$timeout_job" "$written_job" "$array_job" \
  "$failing_job" "$cancelled_job" "$killed_job" >"$W/wait.out" 2>&1 || fail "wait failed"
elapsed=$((SECONDS - start))
cat "$W/wait.out"

expect_line() { grep -qE "^$1\$" "$W/wait.out" || fail "no line '$1'"; }
expect_line "$written_job completed - - node[12]"
grep -qE '^written on node[12]$' "$W/written.txt" || fail "the writer's file: $(cat "$W/written.txt" 2>&1)"
for task in 0 1 2 3; do
  expect_line "${array_job}_$task completed - - node[12]"
  grep -qE "^task $task gpus [01]\$" "$W/task_$task.log" || fail "task $task's log: $(cat "$W/task_$task.log" 2>&1)"
done
expect_line "$failing_job failed 3 0 node[12]"
expect_line "$timeout_job timeout - - node[12]"
expect_line "$cancelled_job cancelled - - (node[12]|-)"
# SLURM 22.05 reports a batch script killed by SIGKILL as FAILED with ExitCode 0:9.
expect_line "$killed_job failed 0 9 node[12]"
expect_line "$lost_job lost - - node3"

calls=$(wc -l <"$CLUSTER_DIR/squeue.calls")
bound=$((elapsed / 2 + 2))
echo "squeue calls: $calls in $elapsed s (at most $bound)"
grep -qx "squeue calls: $calls" "$W/wait.out" || fail "the client counted other calls than the wrapper ($calls)"
[ "$calls" -ge 2 ] && [ "$calls" -le "$bound" ] || fail "$calls squeue calls in $elapsed s, more than one per 2 s"
echo "PASS"
