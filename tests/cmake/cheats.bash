# Cheat classes (docs/harness.md, "What the harness guarantees"), each a unit whose CHEAT=1
# candidate games the measurement, tuned through the CMake flow: none may be recorded, each is
# caught with the status and reason its class calls for, and the honest faster control wins.
source "$(dirname "$0")/lib.bash"

project cheats package
B=$T/cheats-build
KEVOLVE_CLI=$(kevolve_of cheats)
K=$T/cheats/.kevolve

describe "every cheat is caught or loses; the honest faster candidate wins"
start=$(date +%s)
run "$KEVOLVE_CLI" tune -B "$B" --timeout 3 "${QUICK[@]}"
elapsed=$(( $(date +%s) - start ))
expect_status 0
# The summary table counts each unit's failed evaluations by status.
grep -Eq "^cache_by_pointer +cpu-[^ ]+ +[0-9]+ +1 wrong_result " "$T/out" ||
  fail "the table does not count the failed evaluation: $(cat "$T/out")"
caught cache_by_pointer wrong_result "refilled in place"
caught partial_after_first wrong_result ""
caught stash_in_input wrong_result "wrote to input 'in'"
caught detached_thread "wrong_result|rejected|crashed" ""
caught worker_thread "wrong_result|rejected" ""
caught precomputed wrong_result ""
caught narrow_range wrong_result ""
caught benchmark_detection "ok" ""
caught forged_result rejected "not the harness's reply"
caught timer_override "ok" ""
caught overrun wrong_result "past the end of 'out'"
caught reads_reference "wrong_result" ""
caught leaves_daemon rejected "still running after the call returned"
caught holds_pipe timeout ""
# Through SLURM it writes answers ahead of the worker's (in the tune's directory, which the
# sandbox hides: unsandboxed, they were read and the unit failed); locally it finds none.
caught forges_answer ok ""
if grep -rl "forged by a candidate" "$B"/kevolve-slurm "$K"/trials 2>/dev/null; then
  fail "a candidate wrote answers for the SLURM worker (or a trial of its forging was read)"
fi
best honest_faster | grep -q 1 || fail "the honest faster candidate did not win: $(trial honest_faster)"
# Each timeout is 3 s; a child holding the output pipe must not stretch it (it used to, to 70 s).
[ "$elapsed" -lt 240 ] || fail "the tune took $elapsed s: a timeout was stretched"

describe "nothing a candidate started outlives the tune"
sleep 9  # the daemon would write 8 s after it started
if [ -e "$K/daemon-was-here" ]; then fail "a daemon left by a candidate wrote into the knowledge directory"; fi
if pgrep -f "$B/kevolve/cache/executables" >/dev/null; then fail "a candidate process outlived the tune"; fi
echo "ok"
