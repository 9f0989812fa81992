# LLM variants of a CUDA unit through the CMake flow (issue 22 item 3; CTest label gpu, skipped
# without a device): with scripted answers, a wrong variant ends as wrong_result, one that runs
# on another stream is rejected by the timing protocol, one that creates a stream is refused
# before it compiles, and the honest variant (the work once, where the space only knows twice)
# wins, is recorded and is compiled into the rebuilt library.
source "$(dirname "$0")/lib.bash"

command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "no nvcc: skipped"; exit 77; }
command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
"$KEVOLVE" hw --json | grep -q '"id": "cuda-' || { echo "no CUDA device: skipped"; exit 77; }

project variants_gpu package
B=$T/variants_gpu-build
KEVOLVE_CLI=$(kevolve_of variants_gpu)
K=$T/variants_gpu/.kevolve

describe "four scripted variants: wrong, another stream, a stream of its own, honest"
run "$KEVOLVE_CLI" tune -B "$B" --llm command --llm-command "$T/variants_gpu/scripted/llm.sh" \
  --llm-calls 4 --llm-budget 2 --timeout 10 --reps 10 --rounds 3
cat "$T/out" "$T/err"
expect_status 0
trial polish >"$T/log.jsonl"
line_of() { grep '"variant":"' "$T/log.jsonl" | grep "\"status\":\"$1\"" | head -1; }
[ -n "$(line_of wrong_result)" ] || fail "the wrong variant was not wrong_result: $(cat "$T/log.jsonl")"
line_of rejected | grep -q "another stream" ||
  fail "the other-stream variant was not rejected for it: $(cat "$T/log.jsonl")"
grep '"status":"rejected"' "$T/log.jsonl" | grep -q "creates a stream" ||
  fail "the stream-creating variant was not refused: $(cat "$T/log.jsonl")"
wisdom=$(echo "$K"/polish/cuda-*.json)
python3 - "$wisdom" "$K" <<'PY' || fail "the wisdom: $(cat "$wisdom")"
import json, os, sys
record = json.load(open(sys.argv[1]))["records"][0]
variant = record["variant"]
assert variant and variant["provider"] == "command", record
text = open(os.path.join(sys.argv[2], "polish", "variants", variant["hash"] + ".cu")).read()
assert "work_kernel<1><<<blocks, block, 0, stream>>>" in text, text
print("variant %.3g s, speedup over the defaults %.2fx" % (record["time_s"], record["speedup"]["value"]))
PY
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0

describe "the rebuild compiles the variant in place of the original"
if grep -q '"state": "pending"' "$wisdom"; then
  run "$KEVOLVE_CLI" accept polish -B "$B"
  expect_status 0
fi
run "$CMAKE" --build "$B"
expect_status 0
grep -rq '#line 1 ".*/.kevolve/polish/variants/' "$B/kevolve" || fail "no spliced copy names the variant"
if pgrep -f "$B/kevolve/cache/executables" >/dev/null; then fail "a candidate process outlived the tune"; fi
echo "ok"
