# Paths with a space, $, #, quotes and non-ASCII letters (issue 17, item 5): a project there
# configures, builds, tunes and rebuilds, and a no-op rebuild runs no kevolve step (the apply
# step's depfile names every input so that the build tool reads it back: tool/tune/depfile.cpp).
# Where CMake itself cannot go, kevolve_tune says so first (docs/cmake.md, "Paths").
source "$(dirname "$0")/lib.bash"
install_kevolve
ninja=$(command -v ninja) || { echo "no ninja: skipped"; exit 77; }

# copy <directory>: the flow project (one kernel, one harness) copied there.
copy() {
  mkdir -p "$(dirname "$1")"
  cp -r "$SUITE_DIR/flow" "$1"
}
configure() {  # configure <source> <build> <generator>
  run "$CMAKE" -S "$1" -B "$2" -G "$3" -DCMAKE_PREFIX_PATH="$T/prefix"
}
# CMake wraps its messages: stderr contains TEXT once lines are joined.
expect_message() {
  tr '\n' ' ' <"$T/err" | tr -s ' ' | grep -qF -- "$1" || fail "stderr lacks: $1"
}
# What a tune costs here: two points, quickly measured.
QUICK_TUNE=(KEVOLVE_BUDGET=2 KEVOLVE_STRATEGY=random KEVOLVE_REPS=3 KEVOLVE_MIN_TIME=0.01
  KEVOLVE_ROUNDS=3)

# Every character at once in the sources; CMake refuses '#' and '"' in a build directory (see
# below), so it has the others.
S="$T/a b\$c#d'e\"f é"
B="$T/a b\$c'é-build"
copy "$S"

describe "Ninja: configure and build in $S"
configure "$S" "$B" Ninja
expect_status 0
run "$CMAKE" --build "$B"
expect_status 0
expect_out "kevolve: injecting the winners of app"
run "$B/app"
expect_out "CHUNK=1 PAD=0"

describe "Ninja: kevolve_tune records its result in the knowledge directory"
run env "${QUICK_TUNE[@]}" "$CMAKE" --build "$B" --target kevolve_tune
expect_status 0
expect_out "scale"
ls "$S/.kevolve/scale/"cpu-*.json >/dev/null 2>&1 || fail "no wisdom in $S/.kevolve/scale"
run "$CMAKE" --build "$B"
expect_status 0

# Ninja before 1.13 cannot read a quote in a depfile: the compiler's own dependencies of a
# source path with a quote always look missing, so its objects rebuild (CMake's and Ninja's
# limit, not kevolve's). The apply step's never does.
no_op() {
  run "$ninja" -C "$B" -n -d explain
  expect_status 0
  if grep -q "apply.stamp\|injecting" "$T/out" "$T/err"; then fail "a no-op rebuild would run the apply step"; fi
  local version
  version=$("$ninja" --version)
  if printf '1.13\n%s\n' "$version" | sort -V -C; then
    expect_out "no work to do"
  elif grep '^\[' "$T/out" | grep -qv "Building CXX object\|Linking CXX executable"; then
    fail "a no-op rebuild would run more than the compiler's steps"
  fi
}
describe "Ninja: a no-op rebuild runs no kevolve step"
no_op

describe "Ninja: a changed wisdom file or header runs the apply step again"
touch "$S/.kevolve/scale/"cpu-*.json
run "$ninja" -C "$B" -n
expect_out "kevolve: injecting the winners of app"
run "$CMAKE" --build "$B"
expect_status 0
echo "// edited" >>"$S/scale.hpp"
run "$ninja" -C "$B" -n
expect_out "kevolve: injecting the winners of app"
run "$CMAKE" --build "$B"
expect_status 0
no_op

describe "Unix Makefiles: configure, build and a no-op rebuild (no '#' nor '\"': see below)"
if command -v make >/dev/null; then
  M="$T/m b\$c'e é"
  copy "$M"
  configure "$M" "$M-build" "Unix Makefiles"
  expect_status 0
  run "$CMAKE" --build "$M-build"
  expect_status 0
  expect_out "kevolve: injecting the winners of app"
  run "$CMAKE" --build "$M-build"
  expect_status 0
  if grep -q "kevolve: injecting\|Building" "$T/out"; then fail "a no-op rebuild did work"; fi

  describe "Unix Makefiles: a source directory with '#' is refused, naming the character"
  configure "$S" "$T/hash-make-build" "Unix Makefiles"
  expect_status 1
  expect_message "$S has a '#', which the Unix Makefiles generator cannot write into a Makefile rule"
fi

describe "a build directory with '#' is refused, naming the character"
configure "$S" "$T/b#uild" Ninja
expect_status 1
expect_message "the build directory $T/b#uild has a '#', which CMake does not allow in the output of a custom command"
