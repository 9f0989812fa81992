# kevolve hw: this machine's devices, and GPUs through a driver found at run time.
source "$(dirname "$0")/lib.bash"
: "${FAKE_LIBCUDA:?set FAKE_LIBCUDA to the fake driver library}"

describe "the CPU is always there"
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw
expect_status 0
expect_out "cpu-"
expect_out "facts"
expect_out "cores="
expect_out "no NVIDIA driver (libkevolve-absent.so not found)"

describe "--json"
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw --json
expect_status 0
expect_out '"schema": 1'
expect_out '"backend": "cpu"'
expect_out '"absent": ['

describe "an NVIDIA GPU when its driver answers"
run env KEVOLVE_LIBCUDA="$FAKE_LIBCUDA" "$KEVOLVE" hw
expect_status 0
expect_out "cuda-sm_90-nvidia-h100-80gb-hbm3"
expect_out "sm_count=132"
expect_out "132 SMs"

describe "the GPU's facts feed kevolve space by default"
run env KEVOLVE_LIBCUDA="$FAKE_LIBCUDA" "$KEVOLVE" space "B: 32..2048 pow2; require B <= max_threads" --count
expect_status 0
[ "$(cat "$T/out")" = "6" ] || fail "expected 6 (32..1024)"

describe "a driver that fails is reported, not fatal"
run env KEVOLVE_LIBCUDA="$FAKE_LIBCUDA" FAKE_CUDA_INIT_ERROR=100 "$KEVOLVE" hw
expect_status 0
expect_out "cuInit failed: CUDA_ERROR_NO_DEVICE (100)"

describe "the CPU's peaks: none until measured"
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw
expect_status 0
expect_out "peaks    not measured (kevolve hw --measure)"

describe "--measure measures the CPU's memory, caches and FMA rate, and records them"
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw --measure
expect_status 0
expect_out "peaks    memory "
expect_out "B/s; fp32 FMA "
expect_out "FLOP/s (measured 20"
peaks=$(ls "$KEVOLVE_CACHE_DIR"/peaks/cpu-*.json)
for field in copy_bytes_per_s fma_flops_per_s caches read_bytes_per_s triad_bytes_per_s fma_flops_per_s_by_extension '"threads"'; do
  grep -q "$field" "$peaks" || fail "the peaks file lacks $field: $(cat "$peaks")"
done
# Each level is at least as fast as the levels beyond it, and every figure is a rate.
python3 - "$peaks" <<'PY' || fail "the peaks are not ordered: $(cat "$peaks")"
import json, sys
p = json.load(open(sys.argv[1]))
rates = [c["bytes_per_s"] for c in p["caches"]] + [p["copy_bytes_per_s"]]
assert all(r > 0 for r in rates) and p["fma_flops_per_s"] > 0, rates
assert all(a >= b for a, b in zip(rates, rates[1:])), rates
PY

describe "hw shows the recorded peaks, --json too"
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw
expect_status 0
expect_out "peaks    memory "
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw --json
expect_status 0
expect_out '"peaks": {'
expect_out '"caches": ['

describe "a damaged peaks file is not used, and says how to repair it"
echo '{"copy_bytes_per_s": "fast"}' >"$peaks"
run env KEVOLVE_LIBCUDA=libkevolve-absent.so "$KEVOLVE" hw
expect_status 0
expect_out "peaks    unreadable: $peaks: not a peaks record (copy_bytes_per_s); measure again with kevolve hw --measure"

describe "--version names the libraries"
run "$KEVOLVE" --version
expect_status 0
expect_out "kevolve 0.1.0"
expect_out "libclang: "
echo "ok"
