# Kernels in a library (issue 20 item 1; docs/cmake.md, "Kernels in a library"): tuning the
# library builds candidates that link its other sources and the libraries it links, and its
# winner reaches the executable that links it; kevolve_tune() on that executable, or on a
# target that marks nothing, is an error that says what to do; a kernel whose helper lives in
# another source of an executable fails with the missing symbol and how to provide it.
source "$(dirname "$0")/lib.bash"

describe "configure with kevolve_tune(kernels), a static library"
project libs package
B=$T/libs-build
KEVOLVE_CLI=$(kevolve_of libs)
run "$CMAKE" --build "$B"
expect_status 0
run "$B/app"
expect_out "CHUNK=1"

describe "tuning the library: its helper source, extra and libm are linked; CHUNK=64 wins"
run "$CMAKE" --build "$B" --target kevolve_tune
expect_status 0
expect_out "stencil"
expect_out "review"  # CHUNK=64 is far more than 10x faster: a person checks it
run "$KEVOLVE_CLI" accept stencil -B "$B"
expect_status 0

describe "the winner is injected into the library's compile, and app links it"
run "$CMAKE" --build "$B"
expect_status 0
expect_out "kevolve: injecting the winners of kernels"
run "$B/app"
expect_out "CHUNK=64"

# The other targets in build directories of their own, beside the first (same sources).
configure() {
  local args=(-S "$T/libs" -B "$T/libs-$1" -DCMAKE_PREFIX_PATH="$T/prefix" -DLIBS_TUNE="$1")
  if command -v ninja >/dev/null; then args+=(-G Ninja); fi
  run "$CMAKE" "${args[@]}"
  expect_status 0
}

describe "kevolve_tune(app), whose unit is in the library it links: an error naming the library"
configure app
run timeout 120 "$KEVOLVE_CLI" tune -B "$T/libs-app" "${QUICK[@]}"
expect_status 1
expect_err "kevolve_tune(app): target app marks no unit"
expect_err "kernels (kernels/stencil.cpp). Call kevolve_tune(kernels) instead"

describe "a target that marks no unit: an error naming it"
configure plain
run timeout 120 "$KEVOLVE_CLI" tune -B "$T/libs-plain" "${QUICK[@]}"
expect_status 1
expect_err "kevolve_tune(plain): target plain marks no unit (no source of it has a KEVOLVE_TUNE)"

describe "a kernel calling a helper in another source of an executable: the symbol and the fix"
configure tool
run timeout 120 "$KEVOLVE_CLI" tune -B "$T/libs-tool" "${QUICK[@]}"
expect_status 1
expect_out "failed"
expect_err "the candidate of twice lacks \`factor()\`"
expect_err "not the other sources of tool: an executable's hold its main"
expect_err "in a library that the kernel's target links (target_link_libraries)"
