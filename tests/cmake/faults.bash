# Candidates that crash, hang, fail to compile or compute wrong results; a run that writes to an
# input; a unit without harness; an unwritable knowledge directory; a locked one; a tune
# killed in the middle. Statuses are recorded, the search goes on, no failing or wrong candidate
# ever wins, nothing is corrupted.
source "$(dirname "$0")/lib.bash"

project faults package
B=$T/faults-build
KEVOLVE_CLI=$(kevolve_of faults)
K=$T/faults/.kevolve

describe "each fault is a status; the correct fast candidate wins"
run "$KEVOLVE_CLI" tune -B "$B" --unit faulty --timeout 2 "${QUICK[@]}" --json
expect_status 0
# --json: the summary's row, with the failed evaluations counted by status (issue 20, item 5).
python3 - "$T/out" <<'PY' || fail "tune --json: $(cat "$T/out")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["schema"] == 1, out
[unit] = out["units"]
assert (unit["target"], unit["unit"]) == ("faults", "faulty"), unit
assert unit["state"] in ("tuned", "review"), unit  # review: far faster than the defaults
assert unit["parameters"]["MODE"] == 1, unit
assert unit["device"].startswith("cpu-"), unit
for status in ("crashed", "timeout", "compile_error", "wrong_result"):
    assert unit["failures"].get(status, 0) >= 1, (status, unit["failures"])
assert "ok" not in unit["failures"], unit
assert unit["speedup"]["low"] <= unit["speedup"]["value"] <= unit["speedup"]["high"], unit
assert unit["tuned_s"] > 0 and unit["defaults_s"] > 0, unit
PY
log=$(echo "$K"/trials/faulty/*.jsonl)
for status in '"status":"ok"' '"status":"crashed"' '"status":"timeout"' '"status":"compile_error"' '"status":"wrong_result"'; do
  grep -q "$status" "$log" || fail "no $status in the trial log: $(cat "$log")"
done
grep -q '"MODE":3},"status":"timeout"' "$log" || fail "the hanging candidate is not a timeout"
grep -q '"MODE":5},"status":"wrong_result"' "$log" || fail "the wrong candidate is not wrong_result"
grep -q '"MODE": 1' "$K"/faulty/*.json || fail "MODE=1 did not win: $(cat "$K"/faulty/*.json)"
if pgrep -f "$B/kevolve/cache/executables" >/dev/null; then fail "a candidate process outlived the tune"; fi

describe "a run that writes to an input, a unit without harness: failed, with the reason"
run "$KEVOLVE_CLI" tune -B "$B" --unit writer --unit lonely "${QUICK[@]}" --json
expect_status 1
python3 - "$T/out" <<'PY' || fail "tune --json: $(cat "$T/out")"
import json, sys
units = {u["unit"]: u for u in json.load(open(sys.argv[1]))["units"]}
assert units["lonely"]["state"] == "failed", units
assert "has no harness" in units["lonely"]["message"], units
assert units["writer"]["state"] == "failed" and units["writer"]["parameters"] is None, units
PY
expect_err "writer: failed: the reference run (seed "
expect_err "failed: wrong_result: the run wrote to input 'in'"
expect_err "lonely: failed: unit 'lonely' has no harness"
[ ! -e "$K/writer" ] || fail "wisdom was written for a failed unit"

describe "an unwritable knowledge directory"
echo "a file" >"$T/blocker"
run "$KEVOLVE_CLI" tune -B "$B" --unit slow --knowledge "$T/blocker/.kevolve" "${QUICK[@]}"
expect_status 1
expect_err "cannot create directory $T/blocker/.kevolve"
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$T/readonly" && chmod 555 "$T/readonly"
  run "$KEVOLVE_CLI" tune -B "$B" --unit slow --knowledge "$T/readonly/.kevolve" "${QUICK[@]}"
  expect_status 1
  expect_err "Permission denied"
fi

describe "a second tune refuses while the directory is locked"
# The suite holds the lock itself (flock on an open descriptor, as kevolve does) for as long as
# the assertion takes, so the outcome depends on no other process's timing.
exec 9>"$K/.lock"
flock --nonblock 9 || fail "could not take $K/.lock for the test"
echo "pid $$ (faults.bash holds it)" >&9
run "$KEVOLVE_CLI" tune -B "$B" --unit slow "${QUICK[@]}" 9>&-
expect_status 1
expect_err "is locked by pid $$ (faults.bash holds it)"
[ ! -e "$K/trials/slow" ] || fail "the refused tune evaluated candidates"
exec 9>&-

describe "a tune killed in the middle resumes from its trial log"
"$KEVOLVE_CLI" tune -B "$B" --unit slow "${QUICK[@]}" >"$T/first.out" 2>"$T/first.err" &
first=$!
slow_log=""
for _ in $(seq 1 600); do
  slow_log=$(ls "$K"/trials/slow/*.jsonl 2>/dev/null | head -1 || true)
  [ -n "$slow_log" ] && [ "$(wc -l <"$slow_log")" -ge 3 ] && break
  sleep 0.1
done
[ -n "$slow_log" ] || fail "the first tune wrote no trial"
kill -9 "$first"
wait "$first" 2>/dev/null || true
done_before=$(grep -c '"status"' "$slow_log")
[ ! -e "$K/slow" ] || fail "the killed tune wrote wisdom"

describe "the next tune resumes and does not repeat work"
run "$KEVOLVE_CLI" tune -B "$B" --unit slow "${QUICK[@]}"
expect_status 0
expect_err "resuming after $done_before from the trial log"
total=$(grep -c '"status"' "$slow_log")
[ "$total" -eq 8 ] || fail "the log holds $total evaluations, expected the 8 points of the space"
duplicates=$(grep -o '"params":{[^}]*}' "$slow_log" | sort | uniq -d)
[ -z "$duplicates" ] || fail "points evaluated twice: $duplicates"
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0

describe "a kernel much faster than its reset is timed in bounded time"
# Iterations chosen from the timed part alone would reset 32 MB millions of times: every timing
# run would hit the timeout, the defaults' first, and the unit would fail.
run "$KEVOLVE_CLI" tune -B "$B" --unit tiny --timeout 5 "${QUICK[@]}"
expect_status 0
expect_no_out "failed"
[ "$(grep -c '"status":"timeout"' "$K"/trials/tiny/*.jsonl)" -eq 0 ] || fail "a timing run timed out"

describe "--stall stops a search that no longer improves"
run "$KEVOLVE_CLI" tune -B "$B" --unit slow --knowledge "$T/stall/.kevolve" --strategy exhaustive \
  --stall 2 "${QUICK[@]}"
expect_status 0
expect_err "no better candidate in the last 2 evaluations: stopped"
stalled=$(grep -c '"status"' "$T"/stall/.kevolve/trials/slow/*.jsonl)
[ "$stalled" -lt 8 ] || fail "the stalled search evaluated all $stalled points"
echo "ok"
