# agent_bench's smoke run (CTest "bench: agent smoke"): one kernel, one seed, a small budget;
# then the errors a broken pool gives. AGENT_BENCH names the binary, POOLS the committed pools.
set -euo pipefail

AGENT_BENCH=$(realpath "${AGENT_BENCH:?set AGENT_BENCH to the agent_bench binary}")
POOLS=$(realpath "${POOLS:?set POOLS to bench/agent/pools}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail() {
  echo "FAIL: $*"
  echo "--- stdout"; cat "$T/out"
  echo "--- stderr"; cat "$T/err"
  exit 1
}
run() {
  set +e
  "$@" >"$T/out" 2>"$T/err"
  status=$?
  set -e
}
expect_status() { [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"; }
expect_out() { grep -qF -- "$1" "$T/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$T/err" || fail "stderr lacks: $1"; }

echo "-- one kernel, one seed, 4 calls: the three strategies' rows and the goal lines"
run timeout 20 "$AGENT_BENCH" --pools "$POOLS" --kernel stencil --seeds 1 --calls 4 --trace
expect_status 0
for text in "## stencil" "| tree |" "| keep-revert |" "| random |" "at 2 calls" "at 4 calls" \
  "tree's mean calls to the best / keep-revert's" "## Overall (1 kernels x 1 seeds)"; do
  expect_out "$text"
done
first=$(cat "$T/out")

echo "-- the tree's first call is led by the original's diagnosis (the prompt shows it)"
# The original's diagnosis says the inner loop walks down a column with clamped indices: the
# variants it leads to are these three (stencil's triggers). "?" would mark a random answer.
grep -qE '^stencil tree seed 1: best at call -?[0-9]+: fresh:(row_order|peeled_columns|std_clamp) ' \
  "$T/err" || fail "the first answer was not led by the diagnosis"

echo "-- the same seed gives the same tables"
run timeout 20 "$AGENT_BENCH" --pools "$POOLS" --kernel stencil --seeds 1 --calls 4
[ "$(cat "$T/out")" = "$first" ] || fail "same seed, other tables"

echo "-- the first prompt is the real one, with the diagnosis"
run timeout 20 "$AGENT_BENCH" --pools "$POOLS" --show-prompt stencil
expect_status 0
expect_out "# Make the kernel \`stencil\` faster"
expect_out "Diagnosis: the inner loop walks down a column"

echo "-- the prompts carry passages: the pool's notes first, then the playbook"
run timeout 20 "$AGENT_BENCH" --pools "$POOLS" --show-prompt fir
expect_status 0
expect_out "## Notes that may help"
expect_out "(docs/filters.md#"
expect_out "(playbook/"
run timeout 20 "$AGENT_BENCH" --pools "$POOLS" --show-prompt fir --no-retrieval
expect_status 0
grep -qF "## Notes that may help" "$T/out" && fail "--no-retrieval still shows passages"

echo "-- a duplicate answer, recorded as the stage records it, does not end the tree's run"
# fir's runs answer duplicates early; a duplicate once left the tree as it was, so the next
# prompt was the one just sent and every run stopped there.
run timeout 60 "$AGENT_BENCH" --pools "$POOLS" --kernel fir --seeds 10 --what-if-dedupe
expect_status 0
stopped=$(awk -F'|' '/^\| tree \|/ { gsub(/ /, "", $8); print $8; exit }' "$T/out")
[ -n "$stopped" ] && [ "$stopped" -lt 10 ] || fail "with --what-if-dedupe, $stopped of 10 runs stopped early"

echo "-- the floor: the fewest calls to fir's best is 3 (three hints from the original)"
run timeout 120 "$AGENT_BENCH" --pools "$POOLS" --kernel fir --seeds 2 --floor
expect_status 0
expect_out "### The floor"
grep -qE '^\| fir \| 3 \|' "$T/out" || fail "fir's floor is not 3"

echo "-- a pool's notes that retrieval cannot read are named"
cp -r "$POOLS/fir" "$T/notes"
printf -- '---\nbackend: fpga\n---\n## x\ny\n' >"$T/notes/kevolve/docs/bad.md"
run timeout 20 "$AGENT_BENCH" --pools "$T" --kernel notes --seeds 1 --calls 2
expect_status 1
expect_err "notes/kevolve"

echo "-- a broken trigger is named with its file and line"
cp -r "$POOLS/stencil" "$T/stencil"
sed -i 's|^//! trigger: "walks down a column" !"row order"$|//! trigger: walks down a column|' \
  "$T/stencil/variants/row_order.cpp"
run timeout 20 "$AGENT_BENCH" --pools "$T" --kernel stencil --seeds 1 --calls 2
expect_status 1
expect_err "stencil/variants/row_order.cpp:5: expected a quoted phrase"

echo "-- a variant without a measurement, and a pool never measured"
cp -r "$POOLS/stencil" "$T/fresh"
cp "$T/fresh/variants/tiles.cpp" "$T/fresh/variants/tiles2.cpp"
run timeout 20 "$AGENT_BENCH" --pools "$T" --kernel fresh --seeds 1 --calls 2
expect_status 1
expect_err "no measurement of 'tiles2'"
rm "$T/fresh/measured.json"
run timeout 20 "$AGENT_BENCH" --pools "$T" --kernel fresh --seeds 1 --calls 2
expect_status 1
expect_err "run bench/agent/measure.sh"

echo "-- bad arguments"
run "$AGENT_BENCH" --seeds 0
expect_status 2
expect_err "--seeds expects a whole number from 1 to 100000, got '0'"
run "$AGENT_BENCH" --kernel nonesuch --pools "$POOLS"
expect_status 1
expect_err "no pool $POOLS/nonesuch"
echo "ok"
