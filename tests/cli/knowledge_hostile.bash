# A hostile committed .kevolve/ (issue 17): links out of it, special files, huge nesting. Each
# case runs knowledge verify, apply (what every build runs), status and accept under a timeout,
# and checks that they neither crash nor hang, say what is wrong, and leave the files outside
# the directory as they were.
source "$(dirname "$0")/lib.bash"
: "${KEVOLVE_INCLUDE_DIR:?set KEVOLVE_INCLUDE_DIR to the kevolve include directory}"
CMAKE=${CMAKE:-cmake}

# A one-library project with one unit (blur), configured and scanned once.
mkdir project
cp "$SUITE_DIR"/fixtures/scan_project/cpu/blur.{cpp,hpp} project/
cat >project/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(hostile LANGUAGES CXX)
add_library(cpu_kernels STATIC blur.cpp)
target_include_directories(cpu_kernels PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${KEVOLVE_INCLUDE_DIR})
target_compile_definitions(cpu_kernels PRIVATE BLUR_RADIUS=2)
CMAKE
run "$CMAKE" -S project -B build -DKEVOLVE_INCLUDE_DIR="$KEVOLVE_INCLUDE_DIR"
expect_status 0
run "$KEVOLVE" scan -B build --target cpu_kernels
expect_status 0

# Outside the knowledge directory: a valid wisdom file for blur (what a followed link would
# inject) and a file a followed .lock would overwrite. Their checksums must never change.
mkdir outside
sed -e 's/"unit": "saxpy"/"unit": "blur"/' \
    -e 's/cuda-sm_90-nvidia-h100-80gb-hbm3/cpu-x86_64-x/' \
    "$SUITE_DIR/fixtures/knowledge/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json" \
    >outside/cpu-x86_64-x.json
echo "precious" >outside/precious.txt
sums() { (cd outside && sha256sum -- * | sort); }
before=$(sums)

# fresh: a clean knowledge directory with the marker and nothing else.
fresh() {
  rm -rf project/.kevolve
  mkdir -p project/.kevolve
  echo '{"schema": 1}' >project/.kevolve/KNOWLEDGE.json
}

# check_run EXPECTED COMMAND...: runs under a timeout; a hang (124) or a crash (>= 128) fails.
check_run() {
  local expected=$1
  shift
  run timeout 20 "$@"
  [ "$status" -ne 124 ] || fail "hung: $*"
  [ "$status" -lt 128 ] || fail "crashed with signal $((status - 128)): $*"
  expect_status "$expected"
  [ "$(sums)" = "$before" ] || fail "a file outside .kevolve changed: $*"
}

verify() { check_run 1 "$KEVOLVE" knowledge verify project/.kevolve; }
apply() { check_run "$1" "$KEVOLVE" apply -B build --target cpu_kernels -o header.h; }
show_status() { check_run "$1" "$KEVOLVE" status -B build --target cpu_kernels; }

describe "a wisdom file that is a link out: refused by name, never injected"
fresh
mkdir project/.kevolve/blur
ln -s "$T/outside/cpu-x86_64-x.json" project/.kevolve/blur/cpu-x86_64-x.json
verify
expect_out "project/.kevolve/blur/cpu-x86_64-x.json: error: a symbolic link (to $T/outside/cpu-x86_64-x.json)"
apply 1
expect_err "blur/cpu-x86_64-x.json: a symbolic link (to $T/outside/cpu-x86_64-x.json); links inside"
[ ! -e header.h ] || ! grep -q "BLUR" header.h || fail "the linked wisdom was injected"
show_status 1
expect_err "a symbolic link"
check_run 1 "$KEVOLVE" accept blur --knowledge project/.kevolve
expect_err "a symbolic link"

describe "a unit directory that is a link out: nothing read from it or written into it"
fresh
ln -s "$T/outside" project/.kevolve/blur
verify
expect_out "project/.kevolve/blur: error: a symbolic link (to $T/outside)"
apply 1
expect_err "project/.kevolve/blur: a symbolic link (to $T/outside)"
show_status 1
check_run 1 "$KEVOLVE" accept blur --knowledge project/.kevolve

describe "a .lock and a trial log that are links out"
fresh
ln -s "$T/outside/precious.txt" project/.kevolve/.lock
mkdir -p project/.kevolve/trials/blur
ln -s "$T/outside/precious.txt" project/.kevolve/trials/blur/cpu-x86_64-x.jsonl
verify
expect_out "project/.kevolve/.lock: error: a symbolic link (to $T/outside/precious.txt)"
expect_out "project/.kevolve/trials/blur/cpu-x86_64-x.jsonl: error: a symbolic link"
apply 0
show_status 0

describe "KNOWLEDGE.json linked to /dev/zero: refused at once"
fresh
ln -sf /dev/zero project/.kevolve/KNOWLEDGE.json
mkdir project/.kevolve/blur && cp outside/cpu-x86_64-x.json project/.kevolve/blur/
verify
expect_out "KNOWLEDGE.json: error: a symbolic link (to /dev/zero)"
apply 1
expect_err "KNOWLEDGE.json: a symbolic link (to /dev/zero)"
show_status 0  # status reads no knowledge it cannot open (its own policy)

describe "FIFOs for KNOWLEDGE.json and a wisdom file: no hang"
fresh
mkdir project/.kevolve/blur
mkfifo project/.kevolve/blur/cpu-x86_64-x.json
verify
expect_out "blur/cpu-x86_64-x.json: error: not a regular file or directory"
apply 1
expect_err "blur/cpu-x86_64-x.json: not a regular file (a FIFO)"
show_status 1
expect_err "not a regular file (a FIFO)"
rm project/.kevolve/KNOWLEDGE.json
mkfifo project/.kevolve/KNOWLEDGE.json
verify
expect_out "KNOWLEDGE.json: error: not a regular file or directory"
apply 1
expect_err "KNOWLEDGE.json: not a regular file (a FIFO)"

describe "wisdom nested 100,000 deep: an error at its position, no crash"
fresh
mkdir project/.kevolve/blur
python3 -c 'import sys; sys.stdout.write("{\"schema\": 1, \"unit\": " + "[" * 100000 + "]" * 100000 + "}\n")' \
  >project/.kevolve/blur/cpu-x86_64-x.json
verify
expect_out "blur/cpu-x86_64-x.json: error: 1:86: JSON nested deeper than 64 levels"
apply 1
expect_err "blur/cpu-x86_64-x.json:1:86: JSON nested deeper than 64 levels"
show_status 1
expect_err "JSON nested deeper than 64 levels"
echo "ok"
