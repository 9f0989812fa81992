# The GPU forms of the cheat classes (docs/harness.md, "What the harness guarantees"), tuned
# through the CMake flow on a CUDA device (CTest label gpu; skipped without one): none may be
# recorded, each is caught with the status and reason its class calls for, and the honest
# faster control wins.
source "$(dirname "$0")/lib.bash"

command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "no nvcc: skipped"; exit 77; }
command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
"$KEVOLVE" hw --json | grep -q '"id": "cuda-' || { echo "no CUDA device: skipped"; exit 77; }

project cheats_gpu package
B=$T/cheats_gpu-build
KEVOLVE_CLI=$(kevolve_of cheats_gpu)
K=$T/cheats_gpu/.kevolve

describe "every GPU cheat is caught or loses; the honest faster candidate wins"
run "$KEVOLVE_CLI" tune -B "$B" --timeout 10 --reps 10 --rounds 3
cat "$T/out" "$T/err"
expect_status 0
# Each cheat's first line, before the checks, so that the log shows every class's outcome.
for unit in other_stream cache_by_pointer partial_after_first stash_in_input overrun memset_trick l2_persist; do
  trial "$unit" | grep '"CHEAT":1}' | head -1 | python3 -c 'import json, sys
for line in sys.stdin:
    t = json.loads(line)
    print("%-20s CHEAT=1: %s %s" % (t["unit"], t["status"], (t.get("message") or "")[:160]))'
done
caught other_stream rejected "another stream"
caught cache_by_pointer wrong_result ""  # refilled in place, or caught on the seeds before it
caught partial_after_first wrong_result ""
caught stash_in_input wrong_result "wrote to input 'in'"
caught overrun wrong_result "past the end of 'out'"
caught memset_trick wrong_result ""
caught l2_persist ok ""
best honest_faster | grep -q 1 || fail "the honest faster candidate did not win: $(trial honest_faster)"
if pgrep -f "$B/kevolve/cache/executables" >/dev/null; then fail "a candidate process outlived the tune"; fi
echo "ok"
