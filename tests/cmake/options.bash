# kevolve_tune's checks and options (issue 20, items 3 and 4; docs/cmake.md, "Checks" and
# "Options of the tune targets"): a second call on one target, a DEVICE that is not a device id
# and UNITS that name no unit are clear errors with a did-you-mean; a device of another machine
# is a warning of the build; KEVOLVE_TUNE_ARGS (cache and environment) reaches `kevolve tune`
# word by word, never through a shell. One tune, of one evaluation, gives the build wisdom.
source "$(dirname "$0")/lib.bash"
install_kevolve

# The flow project (one unit, `scale`), its kevolve_tune call taking the test's options.
cp -r "$SUITE_DIR/flow" "$T/options"
sed -i 's|^kevolve_tune(app .*|kevolve_tune(app HARNESS bench/scale_bench.cpp ${KT_ARGS})\
if(KT_TWICE)\
  kevolve_tune(app)\
endif()|' "$T/options/CMakeLists.txt"
grep -q KT_TWICE "$T/options/CMakeLists.txt" || fail "the project's kevolve_tune call was not found"
B=$T/options-build
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
# configure <cmake arguments...>: kevolve_tune's arguments go in KT_ARGS.
configure() {
  run "$CMAKE" -S "$T/options" -B "$B" "${generator[@]}" -DCMAKE_PREFIX_PATH="$T/prefix" \
    -DKT_ARGS= -DKT_TWICE=OFF -DKEVOLVE_DEVICE=auto -DKEVOLVE_TUNE_ARGS= "$@"
}
# A build's output, the tune targets' included (they run on the terminal: stderr stays stderr).
expect_output() { cat "$T/out" "$T/err" | grep -qF -- "$1" || fail "the output lacks: $1"; }
# CMake wraps its messages: stderr contains TEXT once lines are joined.
expect_message() {
  tr '\n' ' ' <"$T/err" | tr -s ' ' | grep -qF -- "$1" || fail "stderr lacks: $1"
}

describe "a second kevolve_tune on one target names the target and the first call"
configure -DKT_TWICE=ON
expect_status 1
expect_message "kevolve_tune(app) is called a second time; the first call was in $T/options/CMakeLists.txt"
if grep -q "add_custom_target" "$T/err"; then fail "CMake's own error about add_custom_target"; fi

describe "DEVICE that is not a device id: a configure error with a did-you-mean"
configure "-DKT_ARGS=DEVICE;gpu0"
expect_status 1
expect_message "kevolve_tune(app): DEVICE 'gpu0' is neither auto nor a device id (<backend>-<arch>-<name>"
expect_message "\`kevolve hw\` prints this machine's device ids"
configure "-DKT_ARGS=DEVICE;Auto"
expect_status 1
expect_message "did you mean 'auto'?"
configure "-DKT_ARGS=DEVICE;CPU-x86_64-Some CPU"
expect_status 1
expect_message "did you mean 'cpu-x86_64-some-cpu'?"
configure "-DKEVOLVE_DEVICE=0"  # the cache variable too; 0 is not false here
expect_status 1
expect_message "kevolve_tune(app): KEVOLVE_DEVICE '0' is neither auto nor a device id"
mkdir -p "$T/options/.kevolve/scale"
touch "$T/options/.kevolve/scale/cuda-sm_90-nvidia-h100-80gb-hbm3.json"
configure "-DKT_ARGS=DEVICE;H100"
expect_status 1
expect_message "did you mean 'cuda-sm_90-nvidia-h100-80gb-hbm3'?"
configure "-DKT_ARGS=DEVICE;\$(x)"
expect_status 1
expect_message "the knowledge directory records cuda-sm_90-nvidia-h100-80gb-hbm3"
rm -r "$T/options/.kevolve"

describe "a list in a configure error is written with spaces, as the user wrote it"
configure "-DKT_ARGS=BUDGET;2;FAST;QUIET"
expect_status 1
expect_message "unknown arguments: FAST QUIET (expected HARNESS"
configure "-DKT_ARGS=STRATEGY;fastest"
expect_status 1
expect_message "unknown STRATEGY 'fastest' (known: exhaustive random ils"
if grep -q "FAST;QUIET\|exhaustive;random" "$T/err"; then fail "a list printed with ';'"; fi

describe "UNITS naming no unit: the tune stops before building anything, with a did-you-mean"
configure "-DKT_ARGS=UNITS;scal"
expect_status 0
run "$CMAKE" --build "$B" --target kevolve_tune_app
[ "$status" -ne 0 ] || fail "the tune target succeeded"
expect_output "kevolve_tune(app) UNITS names 'scal', which is not a unit of app: did you mean 'scale'? its units are scale"
[ ! -e "$T/options/.kevolve/trials" ] || fail "something was evaluated: $(ls -R "$T/options/.kevolve")"

describe "KEVOLVE_TUNE_ARGS (cache): words reach kevolve tune as arguments, not through a shell"
configure "-DKEVOLVE_TUNE_ARGS=-j 2;--unit '\$(touch $T/pwned)'" "-DKT_ARGS=UNITS;scale"
expect_status 0
run "$CMAKE" --build "$B" --target kevolve_tune
[ "$status" -ne 0 ] || fail "the tune target succeeded"
expect_output "no target selected has a unit '\$(touch $T/pwned)'"
[ ! -e "$T/pwned" ] || fail "a shell ran the words of KEVOLVE_TUNE_ARGS"
configure "-DKEVOLVE_TUNE_ARGS=--unit '\$<TARGET_FILE:app> \"q\"'"
expect_status 0
run "$CMAKE" --build "$B" --target kevolve_tune_app
expect_output "no target selected has a unit '\$<TARGET_FILE:app> \"q\"'"

describe "KEVOLVE_TUNE_ARGS (environment, at build time): split like a shell splits, never run by one"
configure
expect_status 0
run env "KEVOLVE_TUNE_ARGS=--unit 'a;b' --unit \$(touch $T/pwned) \`touch $T/pwned\`" \
  "$CMAKE" --build "$B" --target kevolve_tune
[ "$status" -ne 0 ] || fail "the tune target succeeded"
expect_output "no target selected has a unit 'a;b'"
[ ! -e "$T/pwned" ] || fail "a shell ran the words of KEVOLVE_TUNE_ARGS"
describe "tune --dry-run: each unit's device, space, budget and strategy; nothing built or written"
[ ! -e "$T/options/.kevolve" ] || fail "the test expects no knowledge directory yet"
run "$KEVOLVE" tune -B "$B" --dry-run --budget 5 --time 60
expect_status 0
expect_out "points  budget  strategy"
grep -E "^app +scale +cpu-[^ ]+ +[0-9]+ +5 +[a-z]+ +60 s +search$" "$T/out" >/dev/null ||
  fail "no plan line for scale: $(cat "$T/out")"
[ ! -e "$T/options/.kevolve" ] || fail "--dry-run made the knowledge directory"

describe "KEVOLVE_TUNE_ARGS (environment): its options tune"
run env "KEVOLVE_TUNE_ARGS=--budget 1 --reps 3 --min-time 0.01 --rounds 3 --unit scale" \
  "$CMAKE" --build "$B" --target kevolve_tune
expect_status 0
ls "$T/options/.kevolve/scale/"*.json >/dev/null 2>&1 || fail "no wisdom was recorded"
[ "$(cat "$T/options/.kevolve/trials/scale/"*.jsonl | wc -l)" -eq 1 ] || fail "--budget 1 was not applied"
run "$KEVOLVE" tune -B "$B" --dry-run
expect_status 0
expect_out "up to date (--force searches it again)"

describe "--time bounds the unit's whole tune: the search leaves the final re-timing its share"
run env KEVOLVE_LOG_FILE="$T/time.log" "$KEVOLVE" tune -B "$B" --knowledge "$T/ktime" --time 30 --reps 3 \
  --min-time 0.01 --rounds 3 --top 2
expect_status 0
grep -E "tune: scale: --time 30 s: [0-9.]+ s for the search, [0-9.]+ s kept for the re-timing" \
  "$T/time.log" >/dev/null || fail "no split of --time in the log: $(grep -- '--time' "$T/time.log")"
python3 - "$T/time.log" <<'PY' || fail "the split does not add up to 30 s"
import re, sys
m = re.search(r"--time 30 s: ([0-9.]+) s for the search, ([0-9.]+) s kept", open(sys.argv[1]).read())
search, kept = float(m.group(1)), float(m.group(2))
assert abs(search + kept - 30) < 0.01 and kept > 0, (search, kept)
PY

describe "a well-formed device id of another machine: the build says the header is for another device"
configure "-DKT_ARGS=DEVICE;cpu-x86_64-elsewhere-cpu"
expect_status 0
run "$CMAKE" --build "$B"
expect_status 0
expect_output "no wisdom for cpu-x86_64-elsewhere-cpu"  # this machine's, borrowed
expect_output "device cpu-x86_64-elsewhere-cpu is not on this machine"
expect_output "the header is for another device"

describe "KEVOLVE_TUNE_ARGS (environment): a malformed option is the tune's own error"
run env "KEVOLVE_TUNE_ARGS=--time soon" "$KEVOLVE" tune -B "$B"
expect_status 2
expect_err "--time"
expect_err "kevolve: the command line ends with KEVOLVE_TUNE_ARGS's words: --time soon"
echo "ok"
