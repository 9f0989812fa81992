# The whole flow of a project that tunes a kernel through CMake (issue 4's "done means"):
# configure -> build with the defaults -> tune -> wisdom as docs/design.md §7 says -> the winner,
# far more than 10x faster, waits for review -> accept -> rebuild injects
# -> tune again changes nothing -> a no-op rebuild runs no kevolve step -> edit the kernel ->
# status says stale. VIA=package (an installed find_package) or VIA=subdirectory.
source "$(dirname "$0")/lib.bash"
VIA=${VIA:-package}

describe "configure ($VIA)"
project flow "$VIA"
B=$T/flow-build

describe "the first build uses the defaults"
run "$CMAKE" --build "$B"
expect_status 0
run "$B/app"
expect_status 0
expect_out "CHUNK=1 PAD=0"

describe "cmake --build --target kevolve_tune searches and records a winner"
run "$CMAKE" --build "$B" --target kevolve_tune
expect_status 0
expect_out "scale"
expect_out "review"  # CHUNK=64 is far more than 10x faster than the defaults: a person checks it
KEVOLVE_CLI=$(kevolve_of flow)
wisdom=$T/flow/.kevolve/scale/$("$KEVOLVE_CLI" hw --json | grep -m1 '"id": "cpu-' | sed 's/.*"id": "\(.*\)",/\1/').json
[ -f "$wisdom" ] || fail "no wisdom file at $wisdom"
grep -q '"schema": 1' "$wisdom" || fail "wisdom without schema"
grep -q '"unit": "scale"' "$wisdom" || fail "wisdom without unit"
grep -q '"source_hash": "xxh3:' "$wisdom" || fail "wisdom without source hash"
grep -q '"CHUNK": 64' "$wisdom" || fail "the fastest CHUNK (64) did not win: $(cat "$wisdom")"
run "$KEVOLVE_CLI" knowledge verify "$T/flow/.kevolve"
expect_status 0
expect_out "0 errors, 0 warnings"

describe "the winner refers to its trial, and verify checks the wisdom against the trial log"
trial_id=$(grep -A1 '"trial": {' "$wisdom" | sed -n 's/.*"id": "\(.*\)",/\1/p')
[ -n "$trial_id" ] || fail "the winner names no trial: $(cat "$wisdom")"
grep "\"id\":\"$trial_id\"" "$T/flow/.kevolve/trials/scale/"*.jsonl | grep -q '"CHUNK":64' ||
  fail "trial $trial_id of the winner is not in the trial log"
good=$(cat "$wisdom")
sed -i '0,/"CHUNK": 64/s//"CHUNK": 32/' "$wisdom"  # the winner edited after the tune
run "$KEVOLVE_CLI" knowledge verify "$T/flow/.kevolve"
expect_status 1
expect_out "error: records[0].best: {CHUNK=32 PAD="
expect_out "but trial '$trial_id' in trials/scale/"
printf '%s\n' "$good" >"$wisdom"

describe "the rebuild keeps the defaults until the winner is accepted, then injects it"
run "$CMAKE" --build "$B"
expect_status 0
expect_out "unit scale: its winner CHUNK=64"
run "$B/app"
expect_out "CHUNK=1 PAD=0"
run "$KEVOLVE_CLI" accept scale -B "$B"
expect_status 0
run "$CMAKE" --build "$B"
expect_status 0
expect_out "kevolve: injecting the winners of app"
run "$B/app"
expect_out "CHUNK=64"

describe "tuning again evaluates nothing and changes no byte"
before=$(cat "$wisdom")
trials_before=$(cat "$T/flow/.kevolve/trials/scale/"*.jsonl)
run "$CMAKE" --build "$B" --target kevolve_tune
expect_status 0
expect_out "up to date"
[ "$(cat "$wisdom")" = "$before" ] || fail "the wisdom changed"
[ "$(cat "$T/flow/.kevolve/trials/scale/"*.jsonl)" = "$trials_before" ] || fail "the trial log changed"

describe "settings: the environment sits between the flags and kevolve_tune(), and is checked"
run env KEVOLVE_BUDGET=many "$KEVOLVE_CLI" tune -B "$B"
expect_status 1
expect_err "KEVOLVE_BUDGET=many"
run env KEVOLVE_STRATEGY=random "$KEVOLVE_CLI" -v tune -B "$B" --seed 3
expect_status 0
expect_err "strategy from KEVOLVE_STRATEGY"
expect_err "seed from --seed"
expect_err "budget from kevolve_tune"

describe "a no-op rebuild runs no kevolve step"
run "$CMAKE" --build "$B"
expect_status 0
if grep -q kevolve "$T/out"; then fail "a kevolve step ran in a no-op build"; fi

if [ "$VIA" = package ]; then  # (through add_subdirectory it would build kevolve once more)
  describe "a fresh build directory can tune before anything is built"
  args=(-S "$T/flow" -B "$T/fresh" -DCMAKE_PREFIX_PATH="$T/prefix")
  if command -v ninja >/dev/null; then args+=(-G Ninja); fi
  run "$CMAKE" "${args[@]}"
  expect_status 0
  run "$CMAKE" --build "$T/fresh" --target kevolve_tune
  expect_status 0
  expect_out "up to date"  # the same sources, tuned on this device already

  describe "the wisdom records the build configuration it was measured in"
  grep -q '"build_type": "Release"' "$wisdom" || fail "no build type in the wisdom: $(cat "$wisdom")"
  grep -A3 '"flags": \[' "$wisdom" | grep -q '"-O3"' || fail "no flags in the wisdom: $(cat "$wisdom")"

  describe "another build configuration is not up to date; a Debug one never replaces the winner"
  before=$(cat "$wisdom")
  run "$CMAKE" "${args[@]/$T\/fresh/$T/debug}" -DCMAKE_BUILD_TYPE=Debug
  expect_status 0
  run "$KEVOLVE_CLI" status -B "$T/debug"
  expect_status 0
  expect_out "stale"
  expect_out "scale: built differently since tuning (build type Release -> Debug; flags -O3 -DNDEBUG -> (none))"
  run "$KEVOLVE_CLI" tune -B "$T/debug" "${QUICK[@]}"
  expect_status 1
  expect_err "built differently since it was tuned here (build type Release -> Debug"
  expect_err "not optimised (no -O flag): its timings would replace a winner measured in an optimised build"
  [ "$(cat "$wisdom")" = "$before" ] || fail "the Debug tune changed the wisdom"
  grep -q '"optimised": true' "$wisdom" || fail "the wisdom does not say its build was optimised"
  run "$CMAKE" --build "$T/debug"
  expect_status 0
  run "$T/debug/app"
  expect_out "CHUNK=64"  # its parameters are still the space's: injected all the same

  describe "flags that change the generated code make the winner stale too"
  run "$CMAKE" "${args[@]/$T\/fresh/$T/unrolled}" -DCMAKE_CXX_FLAGS=-funroll-loops
  expect_status 0
  run "$KEVOLVE_CLI" status -B "$T/unrolled" --check
  expect_status 1
  expect_out "scale: built differently since tuning (flags -O3 -DNDEBUG -> -funroll-loops -O3 -DNDEBUG)"
  run "$KEVOLVE_CLI" status -B "$T/fresh" --check  # the same configuration: tuned
  expect_status 0
fi

describe "editing the kernel makes the wisdom stale"
sed -i 's/for (int k = 0; k < 64; ++k)/for (int k = 0; k < 63; ++k)/' "$T/flow/scale.cpp"
run "$KEVOLVE_CLI" status -B "$B"
expect_status 0
expect_out "stale"
run "$KEVOLVE_CLI" status -B "$B" --check
expect_status 1
run "$CMAKE" --build "$B"
expect_status 0
expect_out "unit scale: stale"  # ninja prints the step's stderr with its output
run "$B/app"
expect_out "CHUNK=64"  # a stale winner still inside the space is used, with a warning

describe "kevolve show"
run "$KEVOLVE_CLI" show scale -B "$B"
expect_status 0
expect_out "CHUNK=64"
expect_out "history"
echo "ok"
