# kevolve knowledge verify: every problem reported with its file, exit 1 on errors.
source "$(dirname "$0")/lib.bash"
FIXTURES=$SUITE_DIR/fixtures

describe "a healthy directory"
cp -r "$FIXTURES/knowledge" .kevolve
run "$KEVOLVE" knowledge verify
expect_status 0
expect_out ".kevolve: 2 files checked, 0 errors, 0 warnings"

describe "corrupt, truncated, newer and misplaced files"
wisdom=.kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json
cp "$wisdom" good.json
head -c 300 good.json >"$wisdom"
sed 's/"schema": 1/"schema": 4/' good.json >.kevolve/saxpy/cuda-sm_80-nvidia-a100.json
mkdir -p .kevolve/gemm && sed 's/"unit": "saxpy"/"unit": "gemm"/' good.json >.kevolve/gemm/cuda-sm_90-nvidia-h100-80gb-hbm3.json
sed 's/"time_s": 2.1e-05,/"time_s": -1,/' good.json >.kevolve/gemm/cpu-x86_64-x.json
mkdir -p .kevolve/trials/saxpy && printf '{"a": 1}\n{broken\n' >.kevolve/trials/saxpy/cpu-x86_64-x.jsonl
run "$KEVOLVE" knowledge verify .kevolve
expect_status 1
expect_out "$wisdom:"
expect_out "invalid JSON: unexpected end of file (truncated?)"
expect_out ".kevolve/saxpy/cuda-sm_80-nvidia-a100.json: error: schema 4 is newer than this kevolve understands (schema 1); upgrade kevolve"
expect_out ".kevolve/gemm/cpu-x86_64-x.json: error: device_id is 'cuda-sm_90-nvidia-h100-80gb-hbm3' but the file name says 'cpu-x86_64-x'"
expect_out ".kevolve/gemm/cpu-x86_64-x.json: error: records[0].time_s: must be positive"
expect_out ".kevolve/trials/saxpy/cpu-x86_64-x.jsonl:2: error: invalid JSON"
expect_no_out ".kevolve/gemm/cuda-sm_90-nvidia-h100-80gb-hbm3.json"

describe "--json lists the problems"
run "$KEVOLVE" knowledge verify .kevolve --json
expect_status 1
expect_out '"schema": 1'
expect_out '"severity": "error"'
expect_out '"line": 2'

describe "not a knowledge directory"
run "$KEVOLVE" knowledge verify nowhere
expect_status 1
expect_out "nowhere: error: not a directory"

describe "usage"
run "$KEVOLVE" knowledge
expect_status 2
echo "ok"
