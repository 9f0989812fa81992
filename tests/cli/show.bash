# kevolve show and status in words (issue 20, item 6): achieved rates and peaks in units, other
# fields of the record compactly, "defaults stand" as a state of its own, --json unchanged.
source "$(dirname "$0")/lib.bash"
: "${KEVOLVE_INCLUDE_DIR:?set KEVOLVE_INCLUDE_DIR to the kevolve include directory}"
CMAKE=${CMAKE:-cmake}
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }

cp -r "$SUITE_DIR/fixtures/knowledge" .kevolve
wisdom=.kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json
edit() {  # python statements on `r`, the primary record
  python3 - "$wisdom" "$1" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
w = json.load(open(path))
r = w["records"][0]
exec(code)
json.dump(w, open(path, "w"), indent=2)
PY
}
show() { run "$KEVOLVE" show saxpy --knowledge .kevolve "$@"; }

describe "achieved and peaks in units; other objects compactly"
edit 'r["achieved"] = {"bytes_per_s": 10164324426.299242, "memory_percent": 41.2, "peak_percent": 41.2, "bound": "memory"}
r["peaks"] = {"copy_bytes_per_s": 2.99e12, "fma_flops_per_s": 5.71e13}
r["llm"] = {"provider": "command", "calls": 2}'
show
expect_status 0
expect_out "10.2 GB/s, 41% of the measured copy bandwidth (memory-bound)"
expect_out "copy 2.99 TB/s, fp32 FMA 57.1 TFLOP/s"
expect_out "provider command, calls 2"
expect_out "1.67x [1.62, 1.71]"
expect_no_out "bytes_per_s"
expect_no_out "{"

describe "--json stays JSON"
show --json
expect_status 0
expect_out '"bytes_per_s": 10164324426.299242'
expect_out '"copy_bytes_per_s": 2990000000000.0'

describe "a record without rates keeps its % of peak; hostile fields print, never crash"
edit 'r["achieved"] = {"bytes_per_s": "fast"}
r["peaks"] = [1, {"x": None}]'
show
expect_status 0
expect_out "88.5% of the measured memory peak"
expect_out "bytes_per_s fast"
expect_out "1; x -"

describe "defaults stand, by the record's note: no speedup"
edit 'r.pop("achieved"); r.pop("peaks"); r.pop("llm")
r["best"] = {"BLOCK": 128, "ITEMS": 1}
r["time_s"] = r["baseline_s"]
r["speedup"] = {"value": 1.0, "low": 1.0, "high": 1.0}
r["note"] = "no candidate beat the defaults beyond the measured noise"'
show
expect_status 0
expect_out "defaults stand (no candidate beat them beyond the noise): BLOCK=128 ITEMS=1"
expect_no_out "1.00x"
expect_no_out "no candidate beat the defaults"

describe "defaults stand, in a record from before the note"
edit 'r.pop("note")'
show
expect_status 0
expect_out "defaults stand (no candidate beat them beyond the noise)"
expect_no_out "1.00x"

describe "status: defaults stand is current, with no speedup"
cp -r "$SUITE_DIR/fixtures/scan_project" project
run "$CMAKE" -S project -B build -DKEVOLVE_INCLUDE_DIR="$KEVOLVE_INCLUDE_DIR"
expect_status 0
run "$KEVOLVE" scan -B build --target cpu_kernels --json
expect_status 0
cp "$T/out" scan.json
device=cpu-x86_64-test
plant() {  # the unit blur's record: its best, speedup, extra fields
  python3 - "$1" "$2" "$3" "project/.kevolve/blur/$device.json" "$device" <<'PY'
import json, os, sys
best, speedup, extra, path, device = json.loads(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4], sys.argv[5]
unit = json.load(open("scan.json"))["targets"][0]["units"][0]
os.makedirs(os.path.dirname(path), exist_ok=True)
open(os.path.join(os.path.dirname(path), "..", "KNOWLEDGE.json"), "w").write('{"schema": 1}\n')
record = {"problem": {"n": 4096}, "primary": True, "best": best, "variant": None,
          "time_s": 1.0 / speedup, "baseline_s": 1.0,
          "speedup": {"value": speedup, "low": speedup, "high": speedup},
          "top": [], "evaluations": 10, "strategy": "exhaustive",
          "date": "2026-11-21T10:00:00Z", "kevolve_version": "0.1.0"}
record.update(extra)
json.dump({"schema": 1, "unit": "blur", "device_id": device,
           "device": {"name": "test", "arch": "x86_64", "driver": "", "toolkit": "",
                      "compiler": "g++"},
           "source_hash": unit["hash"], "kernel_hash": unit["kernel_hash"],
           "space": unit["space"], "records": [record]}, open(path, "w"), indent=2)
PY
}
status() { run "$KEVOLVE" status -B build --target cpu_kernels --device "$device" "$@"; }

plant '{"TILE": 32, "UNROLL": 4}' 2.0 '{}'
status --check
expect_status 0
expect_out "tuned"
expect_out "2.00x"
expect_no_out "defaults stand"

for extra in '{"note": "no candidate beat the defaults beyond the measured noise"}' '{}'; do
  plant '{"TILE": 64, "UNROLL": 2}' 1.0 "$extra"
  status --check
  expect_status 0
  expect_out "defaults stand"
  expect_out "blur: defaults stand (no candidate beat them beyond the noise)"
  expect_no_out "1.00x"
  status --json
  expect_status 0
  expect_out '"state": "defaults stand"'
done
echo "ok"
