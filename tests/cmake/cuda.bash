# The CUDA backend through the whole CMake flow. Without a GPU (CI): the project builds, tune
# says clearly that there is no CUDA device and records nothing, apply and builds go on. With
# one (MODE=gpu, CTest label gpu): every fault of a candidate is a status, the search goes on,
# the correct fast candidate wins, and the GPU still works afterwards.
source "$(dirname "$0")/lib.bash"

command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "no nvcc: skipped"; exit 77; }
command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
has_gpu=no
if "$KEVOLVE" hw --json | grep -q '"id": "cuda-'; then has_gpu=yes; fi
if [ "${MODE:-}" = gpu ] && [ $has_gpu = no ]; then echo "no CUDA device: skipped"; exit 77; fi
if [ "${MODE:-}" != gpu ] && [ $has_gpu = yes ]; then echo "a CUDA device is here: the gpu test covers it"; exit 77; fi

project cuda package
B=$T/cuda-build
KEVOLVE_CLI=$(kevolve_of cuda)
K=$T/cuda/.kevolve

describe "the project builds with the defaults"
run "$CMAKE" --build "$B"
expect_status 0

if [ $has_gpu = no ]; then
  describe "no GPU: tune says so, records nothing, and does not fail"
  run "$KEVOLVE_CLI" tune -B "$B"
  expect_status 0
  expect_err "gpufaulty: skipped: no CUDA device here"
  expect_out "skipped"
  [ ! -e "$K/gpufaulty" ] || fail "wisdom was written without a device"

  describe "no GPU: naming the unit makes it an error"
  run "$KEVOLVE_CLI" tune -B "$B" --unit gpufaulty
  expect_status 1
  expect_err "no CUDA device here"

  describe "no GPU: hw --measure measures the CPU only"
  run "$KEVOLVE_CLI" hw --measure
  expect_status 0
  expect_out "peaks    memory "
  expect_no_out "cuda-sm_"
  exit 0
fi

describe "each fault is a status; the correct fast candidate wins"
run "$KEVOLVE_CLI" tune -B "$B" --timeout 3 --reps 10 --rounds 3
cat "$T/out"
expect_status 0
log=$(echo "$K"/trials/gpufaulty/*.jsonl)
grep -q '"MODE":2},"status":"runtime_error".*cudaErrorIllegalAddress' "$log" ||
  fail "the out-of-bounds candidate is not a runtime_error: $(cat "$log")"
grep -q '"MODE":3},"status":"timeout"' "$log" || fail "the hanging candidate is not a timeout"
grep -q '"MODE":4},"status":"runtime_error"' "$log" || fail "too much shared memory is not a runtime_error"
grep -q '"MODE":5},"status":"runtime_error"' "$log" || fail "too many threads is not a runtime_error"
grep -q '"MODE":6},"status":"compile_error"' "$log" || fail "the broken candidate is not a compile_error"
grep -q '"MODE":7},"status":"wrong_result"' "$log" || fail "the wrong candidate is not wrong_result"
grep -q '"MODE": 1' "$K"/gpufaulty/*.json || fail "MODE=1 did not win: $(cat "$K"/gpufaulty/*.json)"
grep -q '"bound": "memory"' "$K"/gpufaulty/*.json || fail "no diagnosis in the wisdom"
if pgrep -f "$B/kevolve/cache/runners" >/dev/null; then fail "a runner outlived the tune"; fi

describe "the GPU still works: the rebuilt application runs the winner correctly"
run "$CMAKE" --build "$B"
expect_status 0
run "$B/gpu_app"
expect_status 0
expect_out "MODE=1: ok"

describe "hw --measure records the peaks; hw shows them"
run "$KEVOLVE_CLI" hw --measure
expect_status 0
expect_out "copy"
run "$KEVOLVE_CLI" hw
expect_out "fp32 FMA"
