# The review gates on a real project (issue 16, item 7): a winner more than 10x faster than the
# defaults is recorded with its evidence but waits for a person: status says review, the build
# keeps the defaults and says why, until kevolve accept, which records who and when. Defaults
# that run faster than the speed of light stop their unit's tune, and nothing is recorded.
source "$(dirname "$0")/lib.bash"

project review package
B=$T/review-build
KEVOLVE_CLI=$(kevolve_of review)
K=$T/review/.kevolve

describe "defaults beyond the speed of light: the tune stops, naming the rate, the peak and the causes"
run "$KEVOLVE_CLI" tune -B "$B" --unit hollow "${QUICK[@]}"
expect_status 1
expect_err "hollow: failed: the defaults run faster than the device's speed of light"
expect_err "B/s by the harness's traffic()"
expect_err "the measured L1d cache bandwidth"
expect_err "Likely causes: the kernel does no work"
[ ! -e "$K/hollow" ] || fail "wisdom was written for hollow"
[ ! -e "$K/trials/hollow" ] || fail "the defaults' time went into the trial log"

describe "a winner more than 10x faster than the defaults waits for review"
run "$KEVOLVE_CLI" tune -B "$B" --unit burst "${QUICK[@]}"
expect_status 0
expect_out "review"
expect_err "burst: review: the winner SPIN=1 waits for review ("
expect_err "x faster than the defaults (more than 10x)); builds use the defaults; after checking it: kevolve accept burst --device cpu-"
wisdom=$(echo "$K"/burst/cpu-*.json)
for field in '"SPIN": 1' '"state": "pending"' '"evidence": {' '"baseline_s": '; do
  grep -q "$field" "$wisdom" || fail "the wisdom lacks $field: $(cat "$wisdom")"
done
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0

describe "status shows it as review, with the reason"
run "$KEVOLVE_CLI" status -B "$B"
expect_status 0
expect_out " review "
expect_out "burst: its winner SPIN=1 waits for review ("
run "$KEVOLVE_CLI" status -B "$B" --check
expect_status 1

describe "the build keeps the defaults and says why in one line"
run "$CMAKE" --build "$B"
expect_status 0
expect_out "unit burst: its winner SPIN=1 waits for review"
run "$B/app"
expect_out "SPIN=64"

describe "bad accepts: an unknown unit, another device, a malformed or unknown size"
run "$KEVOLVE_CLI" accept nosuch -B "$B"
expect_status 1
expect_err "no wisdom for unit 'nosuch'"
run "$KEVOLVE_CLI" accept "not a unit" -B "$B"
expect_status 1
expect_err "'not a unit' is not a unit name"
run "$KEVOLVE_CLI" accept burst -B "$B" --device cpu-x86_64-elsewhere
expect_status 1
expect_err "no wisdom for unit 'burst' on cpu-x86_64-elsewhere (it has wisdom for: cpu-"
run "$KEVOLVE_CLI" accept burst -B "$B" --size n
expect_status 1
expect_err "--size n: expected name=value"
run "$KEVOLVE_CLI" accept burst -B "$B" --size n=7
expect_status 1
expect_err "unit 'burst' has no winner waiting for review for n=7"
grep -q '"state": "pending"' "$wisdom" || fail "a refused accept changed the wisdom"

describe "accept records who and when; then builds use the winner"
run env USER=reviewer "$KEVOLVE_CLI" accept burst -B "$B" --size n=4096
expect_status 0
expect_out "accepted burst on cpu-"
expect_out "SPIN=1"
expect_out "by reviewer"
for field in '"state": "accepted"' '"accepted_by": "reviewer"' '"accepted_at": "20'; do
  grep -q "$field" "$wisdom" || fail "the wisdom lacks $field: $(cat "$wisdom")"
done
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0
run "$KEVOLVE_CLI" status -B "$B"
expect_no_out "review"
run "$CMAKE" --build "$B"
expect_status 0
run "$B/app"
expect_out "SPIN=1"

describe "nothing left to accept"
run "$KEVOLVE_CLI" accept burst -B "$B"
expect_status 1
expect_err "unit 'burst' has no winner waiting for review (its winner on cpu-"
expect_err "was accepted by reviewer on 20"

describe "a new tune that finds the same winner keeps the acceptance"
run "$KEVOLVE_CLI" tune -B "$B" --unit burst --force "${QUICK[@]}"
expect_status 0
expect_err "the same winner was accepted by reviewer on"
grep -q '"accepted_by": "reviewer"' "$wisdom" || fail "the acceptance was lost: $(cat "$wisdom")"
echo "ok"
