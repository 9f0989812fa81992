# kevolve scan on the CUDA executable of scan.bash's nested project: the unit in the table and
# its JSON. Skipped (exit 77) without nvcc, where CMake does not enable CUDA for the project.
source "$(dirname "$0")/lib.bash"
: "${KEVOLVE_INCLUDE_DIR:?set KEVOLVE_INCLUDE_DIR to the kevolve include directory}"
CMAKE=${CMAKE:-cmake}

command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "no nvcc: skipped"; exit 77; }
export PATH="$PATH:/usr/local/cuda/bin"
cp -r "$SUITE_DIR/fixtures/scan_project" project

describe "configure the project with CUDA"
run "$CMAKE" -S project -B build -DKEVOLVE_INCLUDE_DIR="$KEVOLVE_INCLUDE_DIR"
expect_status 0

describe "scan lists the CUDA unit"
run "$KEVOLVE" scan -B build
expect_status 0
expect_out "gpu_app: 1 unit in 2 files"
expect_out "saxpy  gpu/saxpy.cu:7  saxpy_kernel  BLOCK=256 ITEMS=1  -"

describe "--json for the CUDA target"
run "$KEVOLVE" scan -B build --target gpu_app --harness project/bench/saxpy_bench.cu --json
expect_status 0
expect_out '"schema": 1'
expect_out '"function": "saxpy_kernel"'
expect_out '"begin": 54,'
expect_out '"body_begin": 345,'
expect_out '"end": 512,'
expect_out "\"file\": \"$T/project/bench/saxpy_bench.cu\","
expect_out '"hash": "xxh3:'
expect_out '"default": 256,'
expect_out '"problems": []'
echo "ok"
