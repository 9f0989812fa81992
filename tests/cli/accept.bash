# kevolve accept on a knowledge directory: a winner that waits for review is accepted with who
# and when; a bad accept (unknown unit or device, a malformed size, nothing waiting, several
# waiting) is an error that says why and changes nothing; knowledge verify checks the fields.
source "$(dirname "$0")/lib.bash"

cp -r "$SUITE_DIR/fixtures/knowledge" .kevolve
h100=.kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json
a100=.kevolve/saxpy/cuda-sm_80-nvidia-a100.json
# wait FILE DEVICE-ID: a copy of the fixture for DEVICE-ID whose winner waits for review.
wait_for_review() {
  python3 - "$h100" "$1" "$2" <<'PY'
import json, sys
source, target, device = sys.argv[1:]
w = json.load(open(source))
w["device_id"] = device
r = w["records"][0]
r["review"] = {"state": "pending", "reasons": ["12.0x faster than the defaults (more than 10x)"],
               "evidence": {"speedup": r["speedup"]["value"], "time_s": r["time_s"],
                            "baseline_s": r["baseline_s"]}}
r["fallback"] = {"best": {"BLOCK": 128, "ITEMS": 1}, "time_s": 3e-05, "speedup": 1.1667,
                 "date": "2026-11-01T10:00:00Z"}
json.dump(w, open(target, "w"), indent=2)
open(target, "a").write("\n")
PY
}
wait_for_review "$h100" cuda-sm_90-nvidia-h100-80gb-hbm3
wait_for_review "$a100" cuda-sm_80-nvidia-a100

describe "the new fields pass knowledge verify"
run "$KEVOLVE" knowledge verify
expect_status 0
expect_out "0 errors"

describe "bad accepts say why and change nothing"
before=$(cat "$h100" "$a100")
run "$KEVOLVE" accept nosuch
expect_status 1
expect_err "kevolve: error: .kevolve: no wisdom for unit 'nosuch'"
run "$KEVOLVE" accept saxpy --device cuda-sm_75-nvidia-t4
expect_status 1
expect_err "no wisdom for unit 'saxpy' on cuda-sm_75-nvidia-t4 (it has wisdom for: cuda-sm_80-nvidia-a100, cuda-sm_90-nvidia-h100-80gb-hbm3)"
run "$KEVOLVE" accept saxpy
expect_status 1
expect_err "unit 'saxpy' has 2 winners waiting for review: cuda-sm_80-nvidia-a100 (n=16777216), cuda-sm_90-nvidia-h100-80gb-hbm3 (n=16777216); name one with --device and --size"
run "$KEVOLVE" accept saxpy --device cuda-sm_90-nvidia-h100-80gb-hbm3 --size n=1024
expect_status 1
expect_err "unit 'saxpy' has no winner waiting for review on cuda-sm_90-nvidia-h100-80gb-hbm3 for n=1024"
run "$KEVOLVE" accept saxpy --size n
expect_status 1
expect_err "--size n: expected name=value"
run "$KEVOLVE" accept saxpy --knowledge nowhere
expect_status 1
expect_err "nowhere"
[ "$(cat "$h100" "$a100")" = "$before" ] || fail "a refused accept changed the wisdom"

describe "accept records who and when, and drops the fallback"
run env USER=alice "$KEVOLVE" accept saxpy --device cuda-sm_90-nvidia-h100-80gb-hbm3
expect_status 0
expect_out "accepted saxpy on cuda-sm_90-nvidia-h100-80gb-hbm3 (n=16777216): BLOCK=256 ITEMS=4 at 1.67x, by alice"
grep -q '"state": "accepted"' "$h100" || fail "not accepted: $(cat "$h100")"
grep -q '"accepted_by": "alice"' "$h100" || fail "who is missing: $(cat "$h100")"
grep -q '"accepted_at": "20[0-9-]*T[0-9:]*Z"' "$h100" || fail "when is missing: $(cat "$h100")"
! grep -q '"fallback"' "$h100" || fail "the fallback is still there"
run "$KEVOLVE" knowledge verify
expect_status 0

describe "without USER, who is unknown; the one left waiting needs no --device"
run env -u USER "$KEVOLVE" accept saxpy
expect_status 0
expect_out "on cuda-sm_80-nvidia-a100"
grep -q '"accepted_by": "unknown"' "$a100" || fail "expected unknown: $(cat "$a100")"

describe "nothing left waiting: the error says who accepted it"
run "$KEVOLVE" accept saxpy --device cuda-sm_90-nvidia-h100-80gb-hbm3
expect_status 1
expect_err "unit 'saxpy' has no winner waiting for review on cuda-sm_90-nvidia-h100-80gb-hbm3 (its winner on cuda-sm_90-nvidia-h100-80gb-hbm3 was accepted by alice on 20"

describe "malformed reviews are errors with their paths"
sed -i 's/"state": "accepted"/"state": "maybe"/' "$h100"
sed -i 's/"accepted_by": "unknown"/"accepted_by": ""/' "$a100"
run "$KEVOLVE" knowledge verify
expect_status 1
expect_out "$h100: error: records[0].review.state: 'maybe' is neither \"pending\" nor \"accepted\""
expect_out "$a100: error: records[0].review.accepted_by: empty; who accepted it?"

describe "usage"
run "$KEVOLVE" accept
expect_status 2
echo "ok"
