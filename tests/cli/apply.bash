# kevolve apply, knowledge verify and status on hostile or broken input (issue 17): a committed
# wisdom file with the right kernel_hash whose winner is not a point of the unit's space injects
# nothing but the defaults, with a warning; verify names the file; a space with no valid point or
# a syntax error fails scan, apply and status at the marker's file:line:col. `-o -` is stdout, a
# relative -o works, and an output that is not a regular file is refused (issue 20, item 5).
source "$(dirname "$0")/lib.bash"
: "${KEVOLVE_INCLUDE_DIR:?set KEVOLVE_INCLUDE_DIR to the kevolve include directory}"
CMAKE=${CMAKE:-cmake}
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }

cp -r "$SUITE_DIR/fixtures/scan_project" project
run "$CMAKE" -S project -B build -DKEVOLVE_INCLUDE_DIR="$KEVOLVE_INCLUDE_DIR"
expect_status 0
run "$KEVOLVE" scan -B build --target cpu_kernels --json
expect_status 0
cp "$T/out" scan.json

device=cpu-x86_64-test
wisdom=project/.kevolve/blur/$device.json
# The unit blur (TILE: 16..256 pow2; UNROLL: 1, 2, 4; require TILE % UNROLL == 0) with `best`.
plant() {
  python3 - "$1" "$wisdom" "$device" <<'PY'
import json, os, sys
best, path, device = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
unit = json.load(open("scan.json"))["targets"][0]["units"][0]
os.makedirs(os.path.dirname(path), exist_ok=True)
open(os.path.join(os.path.dirname(path), "..", "KNOWLEDGE.json"), "w").write('{"schema": 1}\n')
record = {"problem": {"n": 4096}, "primary": True, "best": best, "variant": None,
          "time_s": 0.5, "baseline_s": 1.0, "speedup": {"value": 2.0, "low": 1.9, "high": 2.1},
          "top": [], "evaluations": 10, "strategy": "exhaustive",
          "date": "2026-11-21T10:00:00Z", "kevolve_version": "0.1.0"}
json.dump({"schema": 1, "unit": "blur", "device_id": device,
           "device": {"name": "test", "arch": "x86_64", "driver": "", "toolkit": "",
                      "compiler": "g++"},
           "source_hash": unit["hash"], "kernel_hash": unit["kernel_hash"],
           "space": unit["space"], "records": [record]}, open(path, "w"), indent=2)
PY
}
apply() { run "$KEVOLVE" apply -B build --target cpu_kernels --device "$device" -o tuned.h; }

describe "a valid winner is injected"
plant '{"TILE": 32, "UNROLL": 4}'
apply
expect_status 0
grep -qF "#define KEVOLVE_TUNED_blur_TILE ~, 32" tuned.h || fail "winner not injected: $(cat tuned.h)"
run "$KEVOLVE" knowledge verify project/.kevolve
expect_status 0

describe "-o - prints the header on stdout; -o x.h writes it in the current directory"
run "$KEVOLVE" apply -B build --target cpu_kernels --device "$device" -o -
expect_status 0
expect_out "#define KEVOLVE_TUNED_blur_TILE ~, 32"
[ ! -e ./- ] || fail "wrote a file named -"
mkdir -p here
(cd here && run "$KEVOLVE" apply -B ../build --target cpu_kernels --device "$device" -o x.h &&
  echo "$status" >status)
[ "$(cat here/status)" = 0 ] || fail "-o x.h failed"
grep -qF "#define KEVOLVE_TUNED_blur_TILE ~, 32" here/x.h || fail "not in here/x.h: $(ls -la here)"

describe "an output that is not a regular file is refused, never replaced"
echo "keep" >kept.h
ln -s kept.h link.h
mkdir dir.h
mkfifo fifo.h
for output in link.h dir.h fifo.h /dev/stdout; do
  run timeout 20 "$KEVOLVE" apply -B build --target cpu_kernels --device "$device" -o "$output"
  expect_status 1
  expect_err "kevolve: error: cannot write $output: it is a"
  expect_err "not a regular file"
done
expect_err "it is a symbolic link"
[ -L link.h ] && [ "$(cat kept.h)" = keep ] || fail "link.h or kept.h changed"
[ -d dir.h ] && [ -p fifo.h ] || fail "dir.h or fifo.h replaced"
run timeout 20 "$KEVOLVE" apply -B build --target cpu_kernels --device "$device" -o y.h --stamp fifo.h
expect_status 1
expect_err "cannot write fifo.h: it is a FIFO"

hostile() {  # best, the reason apply and verify give
  describe "refused: $1"
  plant "$1"
  apply
  expect_status 0
  if grep -q "#define\|include\|system\|passwd" tuned.h; then fail "injected: $(cat tuned.h)"; fi
  expect_err "kevolve: warning: cpu_kernels: unit blur: the winner in $PWD/$wisdom is not a point of the unit's current space ($2"
  expect_err "; the defaults are used"
  run "$KEVOLVE" knowledge verify project/.kevolve
  expect_status 1
  expect_out "$wisdom: error: records[0].best:"
}
hostile '{"TILE": "16\n#include <cstdlib>\nstatic int x = std::system(\"id\");\n//", "UNROLL": 1}' \
  "TILE = '16\\x0a#include <cstdlib>\\x0astatic int x = std::system(\"id\");\\x0a//' is not one"
hostile '{"TILE": 32, "UNROLL": 1, "#include </etc/passwd>": 1}' \
  "'#include </etc/passwd>' is not a parameter of the space (its parameters: TILE, UNROLL)"
hostile '{"TILE": 99999999, "UNROLL": -1}' "TILE = 99999999 is not one of its values"
hostile '{"TILE": 32}' "no value for parameter UNROLL"
hostile '{"TILE": 16, "UNROLL": 4, "main": 0}' "'main' is not a parameter of the space"
hostile '{"TILE": 16, "UNROLL": "long double"}' "UNROLL = 'long double' is not one of its values"

describe "status says the winner is invalid; --check fails"
run "$KEVOLVE" status -B build --target cpu_kernels --device "$device" --check
expect_status 1
expect_out "invalid"
rm -rf project/.kevolve

describe "a space with no valid point: scan, apply and status fail at its position"
sed -i 's/require TILE % UNROLL == 0/require TILE % UNROLL == 0 \&\& TILE > 256/' project/cpu/blur.cpp
plant '{"TILE": 32, "UNROLL": 4}'
run "$KEVOLVE" scan -B build --target cpu_kernels
expect_status 1
expect_err "cpu/blur.cpp:8:66: error: in the space of unit 'blur': no point satisfies the constraints"
apply
expect_status 1
expect_err "cpu/blur.cpp:8:66: error: in the space of unit 'blur': no point satisfies the constraints"
for check in "" --check; do
  run "$KEVOLVE" status -B build --target cpu_kernels $check
  expect_status 1
  expect_err "cpu/blur.cpp:8:66: error: in the space of unit 'blur': no point satisfies"
done

describe "a space that does not parse: status --check fails too"
sed -i 's/ \&\& TILE > 256//; s/TILE: 16..256 pow2/TILE: 16...256 pow2/' project/cpu/blur.cpp
for check in "" --check; do
  run "$KEVOLVE" status -B build --target cpu_kernels $check
  expect_status 1
  expect_err "cpu/blur.cpp:8:31: error: in the space of unit 'blur': unexpected '.'"
  expect_err "kevolve: error: target cpu_kernels has errors in its sources"
done
apply
expect_status 1
expect_err "cpu/blur.cpp:8:31: error: in the space of unit 'blur'"
echo "ok"
