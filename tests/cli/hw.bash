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

describe "--version names the libraries"
run "$KEVOLVE" --version
expect_status 0
expect_out "kevolve 0.1.0"
expect_out "libclang: "
echo "ok"
