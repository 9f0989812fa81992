# The tree search end to end (issue 19) on tests/cmake/agent: two units that walk a row-major
# matrix by columns, project notes in .kevolve/docs/, and a scripted model that keeps every
# prompt. The prompt shows the diagnosis in words and the note about the bottleneck (not the
# unrelated one); a winning variant is written back as a skill, which the next unit's prompts
# retrieve; a compare-siblings prompt shows the failed sibling's message; `kevolve show` lists the
# calls with their passages.
source "$(dirname "$0")/lib.bash"

project agent package
B=$T/agent-build
K=$T/agent/.kevolve
KV=$(kevolve_of agent)
P=$T/agent/scripted/prompts
tune_unit() {
  run "$KV" tune -B "$B" --unit "$1" --llm command --llm-command "$T/agent/scripted/llm.sh" \
    --llm-calls "$2" --llm-budget 2 "${QUICK[@]}"
  expect_status 0
}

describe "row_sums: the prompt holds the diagnosis and the note on strided loops, not the licences"
tune_unit row_sums 1
grep -q "^- Diagnosis: .*-bound" "$P/1.txt" || fail "no diagnosis in words: $(cat "$P/1.txt")"
grep -q "^### Strided loops over matrices on our servers (docs/notes.md#1)" "$P/1.txt" ||
  fail "the note on the bottleneck was not retrieved: $(grep '^### ' "$P/1.txt")"
! grep -q "Licences" "$P/1.txt" || fail "the unrelated note was retrieved"
grep -q '"passages":\[[^]]*"docs/notes.md#1"' "$K"/trials/row_sums/*.jsonl ||
  fail "the trial log does not name the passages: $(cat "$K"/trials/row_sums/*.jsonl)"

describe "the winning variant is written back as a skill"
skill=$(ls "$K"/skills/row_sums-*.md 2>/dev/null | head -1)
[ -n "$skill" ] || fail "no skill in $K/skills: $(cat "$T/err")"
grep -q "^> The loop walks the matrix by columns" "$skill" || fail "the skill: $(cat "$skill")"

describe "col_scale: the skill is retrieved; the second prompt compares with the failed sibling"
tune_unit col_scale 2
grep -q "^### row_sums: .*(skills/row_sums-" "$P/2.txt" ||
  fail "the skill was not retrieved for another unit: $(grep '^### ' "$P/2.txt")"
grep -q "^## Rewrites of this version tried so far" "$P/3.txt" || fail "no compare-siblings prompt"
grep -q "wrong_result: .*'out' differs" "$P/3.txt" || fail "the sibling's failure is not shown"
[ ! -e "$P/4.txt" ] || fail "more calls than --llm-calls"

describe "show lists each call, its mode and its passages"
run "$KV" show col_scale -B "$B"
expect_status 0
expect_out "llm calls  fresh from the original: wrong_result"
expect_out "compare-siblings from the original: ok"
expect_out "passages: skills/row_sums-"
echo "ok"
