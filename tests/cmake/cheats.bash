# Cheat classes (docs/harness.md, "What the harness guarantees"), each a unit whose CHEAT=1
# candidate games the measurement, tuned through the CMake flow: none may be recorded, each is
# caught with the status and reason its class calls for, and the honest faster control wins.
source "$(dirname "$0")/lib.bash"

project cheats package
B=$T/cheats-build
KEVOLVE_CLI=$(kevolve_of cheats)
K=$T/cheats/.kevolve

# CHEAT_UNITS (space-separated) tunes and checks only those units (tests/slurm/cheats.bash).
selected=()
for unit in ${CHEAT_UNITS:-}; do selected+=(--unit "$unit"); done
chosen() {
  [ -z "${CHEAT_UNITS:-}" ] && return 0
  local unit
  for unit in $CHEAT_UNITS; do [ "$unit" = "$1" ] && return 0; done
  return 1
}
caught_if_chosen() { if chosen "$1"; then caught "$@"; fi; }

describe "every cheat is caught or loses; the honest faster candidate wins"
start=$(date +%s)
run "$KEVOLVE_CLI" tune -B "$B" --timeout 3 "${QUICK[@]}" "${selected[@]}"
elapsed=$(( $(date +%s) - start ))
expect_status 0
# The summary table counts each unit's failed evaluations by status.
if chosen cache_by_pointer; then
  grep -Eq "^cache_by_pointer +cpu-[^ ]+ +[0-9]+ +1 wrong_result " "$T/out" ||
    fail "the table does not count the failed evaluation: $(cat "$T/out")"
fi
caught_if_chosen cache_by_pointer wrong_result "refilled in place"
caught_if_chosen partial_after_first wrong_result ""
caught_if_chosen stash_in_input wrong_result "wrote to input 'in'"
caught_if_chosen detached_thread "wrong_result|rejected|crashed" ""
caught_if_chosen worker_thread "wrong_result|rejected" ""
caught_if_chosen precomputed wrong_result ""
caught_if_chosen narrow_range wrong_result ""
caught_if_chosen benchmark_detection "ok" ""
caught_if_chosen forged_result rejected "not the harness's reply"
caught_if_chosen timer_override "ok" ""
caught_if_chosen overrun wrong_result "past the end of 'out'"
caught_if_chosen reads_reference "wrong_result" ""
caught_if_chosen leaves_daemon rejected "still running after the call returned"
caught_if_chosen holds_pipe timeout ""
# Through SLURM it writes answers ahead of the worker's (in the tune's directory, which the
# sandbox hides: unsandboxed, they were read and the unit failed); locally it finds none.
caught_if_chosen forges_answer ok ""
if grep -rl "forged by a candidate" "$B"/kevolve-slurm "$K"/trials 2>/dev/null; then
  fail "a candidate wrote answers for the SLURM worker (or a trial of its forging was read)"
fi
! chosen honest_faster || best honest_faster | grep -q 1 || fail "the honest faster candidate did not win: $(trial honest_faster)"
# Each timeout is 3 s; a child holding the output pipe must not stretch it (it used to, to 70 s).
[ "$elapsed" -lt 240 ] || fail "the tune took $elapsed s: a timeout was stretched"

describe "nothing a candidate started outlives the tune"
sleep 9  # the daemon would write 8 s after it started (units/leaves_daemon.cpp)
if [ -e "$K/leaves_daemon-was-here" ]; then fail "a daemon left by a candidate wrote into the knowledge directory"; fi
if pgrep -f "$B/kevolve/cache/executables" >/dev/null; then fail "a candidate process outlived the tune"; fi
echo "ok"
