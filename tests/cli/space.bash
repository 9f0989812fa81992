# kevolve space: sizes, points, errors with positions, usage errors.
source "$(dirname "$0")/lib.bash"

describe "summary of a space"
run "$KEVOLVE" space "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= 2048"
expect_status 0
expect_out "BLOCK    32 64 128 256 512 1024  (6 values)"
expect_out "require  BLOCK * ITEMS <= 2048"
expect_out "raw      24"
expect_out "valid    21 (87.5% of raw)"

describe "--count prints the number alone"
run "$KEVOLVE" space "A: 1..4; B: 1..4; require A < B" --count
expect_status 0
[ "$(cat "$T/out")" = "6" ] || fail "expected 6"

describe "--json has schema, valid and raw"
run "$KEVOLVE" space "A: 1..4; B: 1..4; T: float, half; require A < B" --json
expect_status 0
expect_out '"schema": 1'
expect_out '"valid": 12'
expect_out '"raw": 32'
expect_out '"groups": ['

describe "--list prints a header and every point"
run "$KEVOLVE" space "A: 1..4; B: 1..4; require A < B" --list
expect_status 0
expect_out_lines 7
expect_out "A  B"

describe "--sample is uniform without repeats and reproducible"
run "$KEVOLVE" space "A: 1..100; B: 1..100; require A <= B" --sample 20 --seed 3
expect_status 0
expect_out_lines 21
first=$(cat "$T/out")
[ "$(tail -n +2 "$T/out" | sort | uniq | wc -l)" -eq 20 ] || fail "repeated points"
run "$KEVOLVE" space "A: 1..100; B: 1..100; require A <= B" --sample 20 --seed 3
[ "$(cat "$T/out")" = "$first" ] || fail "same seed, different sample"
run "$KEVOLVE" space "A: 1..100; B: 1..100; require A <= B" --sample 20 --seed 4
[ "$(cat "$T/out")" != "$first" ] || fail "different seed, same sample"

describe "--sample larger than the space lists all, with a note"
run "$KEVOLVE" space "A: 1..3" --sample 10
expect_status 0
expect_out_lines 4
expect_err "more than the 3 valid points"

describe "--json with points"
run "$KEVOLVE" space "A: 1, 2; T: float" --list --json
expect_status 0
expect_out '"A": 2,'
expect_out '"T": "float"'

describe "hardware facts from --fact"
run "$KEVOLVE" space "BLOCK: 64..1024 pow2; require BLOCK * 64 <= smem" --fact smem=16384 --count
expect_status 0
[ "$(cat "$T/out")" = "3" ] || fail "expected 3 points (64, 128, 256)"

describe "a fact the device does not know"
run "$KEVOLVE" space "BLOCK: 64..1024 pow2; require BLOCK * 64 <= smem" --device cpu
expect_status 1
expect_err "kevolve: error: space:1:45: hardware fact 'smem' is not known for cpu-"

describe "errors give line, column, the line and a caret"
run "$KEVOLVE" space "A: 1..4; B: 10..1"
expect_status 1
expect_err "kevolve: error: space:1:13: bad range 10..1: the start is greater than the end"
expect_err "  A: 1..4; B: 10..1"
expect_err "              ^"

check_error() {  # <spec> <expected stderr text>
  describe "error: $2"
  run "$KEVOLVE" space "$1"
  expect_status 1
  expect_err "$2"
}
check_error "A: 1 @ 2" "space:1:6: unknown character '@'"
check_error "A: 1;; B: 2" "space:1:6: empty item"
check_error "A: ; B: 1" "space:1:4: parameter 'A' has no values"
check_error "A: 1; A: 2" "space:1:7: parameter 'A' is declared twice (first at 1:1)"
check_error "A: 1; require A < B" "space:1:19: undefined name 'B' in a constraint"
check_error "N: 0..4; D: 0..2; require N % D == 0" "space:1:29: division by zero in constraint 'N % D == 0' for N = 0, D = 0"
check_error "A: 1..4; B: 1..4; require A > B; require B > A" "space:1:27: no point satisfies the constraints"
check_error "A: 1;
B: 2;
require A < C" "space:3:13: undefined name 'C'"

repeat() { printf "%${2}s" "" | tr ' ' "$1"; }  # <character> <times>
deep_error() {  # <spec> : nesting past the limit is an error at its 101st level, not a crash
  describe "error: nested deeper than the limit (${#1} characters)"
  run timeout 20 "$KEVOLVE" space "$1"
  expect_status 1
  expect_err "kevolve: error: space:1:118: the condition is nested deeper than 100 levels"
  expect_err "note: each parenthesis pair"
  [ "$(wc -c <"$T/err")" -lt 1000 ] || fail "the error repeats the whole line"
}
deep_error "A: 1..4; require $(repeat '(' 5000)A$(repeat ')' 5000) > 1"
deep_error "A: 1..4; require $(repeat '(' 40000)"
deep_error "A: 1..4; require $(repeat '!' 30000)A"

describe "--list streams: | head -3 prints 3 lines and ends it quietly"
huge="A: 1..65536; B: 1..65536; C: 1..65536; D: 1..1000"  # 2.8e17 points
set +e
timeout 20 "$KEVOLVE" space "$huge" --list 2>"$T/err" | head -3 >"$T/out"
codes=("${PIPESTATUS[@]}")
set -e
[ "${codes[0]}" -eq 0 ] || fail "kevolve exited with ${codes[0]} (124: it did not end)"
expect_out_lines 3
expect_out "A      B      C      D"
expect_out "1      1      1      2"
[ ! -s "$T/err" ] || fail "stderr is not empty"
set +e
timeout 20 "$KEVOLVE" space "$huge" --list --json 2>"$T/err" | head -20 >"$T/out"
codes=("${PIPESTATUS[@]}")
set -e
[ "${codes[0]}" -eq 0 ] || fail "--json: kevolve exited with ${codes[0]}"
expect_out '"valid": 281474976710656000'

describe "usage errors exit 2"
run "$KEVOLVE" space "A: 1" --fact nonsense=1
expect_status 2
expect_err "unknown hardware fact 'nonsense'"
run "$KEVOLVE" space "A: 1" --count --list
expect_status 2
run "$KEVOLVE" space
expect_status 2
run "$KEVOLVE"
expect_status 2
run "$KEVOLVE" frobnicate
expect_status 2

describe "--help exits 0 and lists the options"
run "$KEVOLVE" space --help
expect_status 0
expect_out "--sample"
expect_out "--fact"

describe "tune's --executor takes local or slurm (docs/cluster.md); worker is not in --help"
run "$KEVOLVE" tune --help
expect_status 0
expect_out "--executor"
expect_out "--slurm-partition"
run "$KEVOLVE" --help
expect_no_out "worker"
run "$KEVOLVE" tune -B . --executor cloud
expect_status 2
expect_err "--executor"
echo "ok"
