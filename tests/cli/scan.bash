# kevolve scan on a nested CMake project with a C++ library and (where nvcc exists) a CUDA
# executable: units, harnesses (given, or recorded by kevolve_tune), configure-on-demand, and bad
# input, on the C++ library. The CUDA executable has its own suite, scan_cuda.bash, which CTest
# shows skipped without nvcc.
source "$(dirname "$0")/lib.bash"
: "${KEVOLVE_INCLUDE_DIR:?set KEVOLVE_INCLUDE_DIR to the kevolve include directory}"
CMAKE=${CMAKE:-cmake}

cp -r "$SUITE_DIR/fixtures/scan_project" project
export PATH="$PATH:/usr/local/cuda/bin"

describe "configure the project (kevolve's File API query does not exist yet)"
run "$CMAKE" -S project -B build -DKEVOLVE_INCLUDE_DIR="$KEVOLVE_INCLUDE_DIR"
expect_status 0
[ ! -e build/.cmake/api/v1/query/client-kevolve ] || fail "query exists before kevolve ran"

describe "scan configures again by itself, then lists the units"
run "$KEVOLVE" scan -B build
expect_status 0
expect_err "configuring"
expect_out "cpu_kernels: 1 unit in 1 file"
expect_out "blur  cpu/blur.cpp:9  image::blur_rows  TILE=64 UNROLL=2  -"
expect_err "cpu/blur.cpp:8:1: warning: unit 'blur' has no harness"

describe "the second scan reads the reply without configuring"
run "$KEVOLVE" scan -B build --target cpu_kernels
expect_status 0
if grep -qF "configuring" "$T/err"; then fail "configured again"; fi

describe "--no-cache neither reads nor writes the scan cache"
cached=$(grep -rl "blur_rows" "$T/cache/scan" | head -1)
[ -n "$cached" ] || fail "the scan cache holds no findings of blur.cpp"
sed -i 's/blur_rows/cached_rows/' "$cached"  # what the cache says is now told apart
run "$KEVOLVE" scan -B build --target cpu_kernels
expect_out "image::cached_rows"
run "$KEVOLVE" scan -B build --target cpu_kernels --no-cache
expect_status 0
expect_out "image::blur_rows"
rm -rf "$T/cache"
run "$KEVOLVE" scan -B build --target cpu_kernels --no-cache
expect_status 0
[ ! -e "$T/cache/scan" ] || [ -z "$(find "$T/cache/scan" -type f)" ] || fail "--no-cache wrote the cache"

describe "harness files are scanned with the target's flags"
run "$KEVOLVE" scan -B build --target cpu_kernels --harness project/bench/blur_bench.cpp
expect_status 0
expect_out "blur  cpu/blur.cpp:9  image::blur_rows  TILE=64 UNROLL=2  bench/blur_bench.cpp:5"
if grep -qF "no harness" "$T/err"; then fail "harness not found"; fi

describe "a target that calls kevolve_tune(... HARNESS ...) is scanned with its harness files"
# Another project over the same sources, with kevolve_tune() from kevolve's source tree and this
# kevolve: configured, never built.
mkdir tuned
cp -r project/cpu project/bench tuned/
cat >tuned/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(scan_tuned LANGUAGES CXX)
add_executable(kevolve::kevolve IMPORTED)
set_target_properties(kevolve::kevolve PROPERTIES IMPORTED_LOCATION "${KEVOLVE}")
add_library(kevolve::headers INTERFACE IMPORTED)
include("${KEVOLVE_SOURCE}/cmake/kevolve.cmake")
add_subdirectory(cpu)
kevolve_tune(cpu_kernels HARNESS bench/blur_bench.cpp)
CMAKE
run "$CMAKE" -S tuned -B tuned-build -DKEVOLVE_INCLUDE_DIR="$KEVOLVE_INCLUDE_DIR" \
  -DKEVOLVE="$KEVOLVE" -DKEVOLVE_SOURCE="$SUITE_DIR/../.."
expect_status 0
for args in "" "--target cpu_kernels" "--target cpu_kernels --harness tuned/bench/blur_bench.cpp"; do
  run "$KEVOLVE" scan -B tuned-build $args
  expect_status 0
  expect_out "blur  cpu/blur.cpp:9  image::blur_rows  TILE=64 UNROLL=2  bench/blur_bench.cpp:5"
  if grep -qF "harness" "$T/err"; then fail "scan $args: a harness warning"; fi
done

describe "a space that does not parse: the error points into the string"
sed -i 's/TILE: 16..256 pow2/TILE: 16...256 pow2/' project/cpu/blur.cpp
run "$KEVOLVE" scan -B build --target cpu_kernels
expect_status 1
expect_err "cpu/blur.cpp:8:31: error: in the space of unit 'blur': unexpected '.': ranges are written 'a..b'"

describe "a KEVOLVE_PARAM naming an undeclared parameter"
sed -i 's/TILE: 16...256 pow2/TILE: 16..256 pow2/; s/KEVOLVE_PARAM(blur, UNROLL, 2)>(in/KEVOLVE_PARAM(blur, UNROL, 2)>(in/' project/cpu/blur.cpp
run "$KEVOLVE" scan -B build --target cpu_kernels
expect_status 1
expect_err "error: KEVOLVE_PARAM(blur, UNROL, ...): unit 'blur' declares no parameter 'UNROL' (its parameters: TILE, UNROLL)"

describe "bad input: not a build directory, an unknown target, a missing harness"
run "$KEVOLVE" scan -B project
expect_status 1
expect_err "is not a CMake build directory (no CMakeCache.txt)"
run "$KEVOLVE" scan -B build --target nope
expect_status 1
expect_err "no target 'nope' in"
expect_err "cpu_kernels"
run "$KEVOLVE" scan -B build --harness nowhere.cpp
expect_status 1
expect_err "--harness nowhere.cpp: no such file"
run "$KEVOLVE" scan
expect_status 2
echo "ok"
