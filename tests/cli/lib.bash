# Helpers for kevolve's CLI test suites (after ccache's test/suites): each suite runs the real
# binary in a scratch directory and checks exit status, stdout and stderr.
#   run <command...>              runs it, capturing $status, $T/out and $T/err
#   expect_status N               the last command exited with N
#   expect_out / expect_err TEXT  its stdout / stderr contains TEXT (fixed string)
#   expect_no_out TEXT            its stdout does not contain TEXT
set -euo pipefail

KEVOLVE=$(realpath "${KEVOLVE:?set KEVOLVE to the kevolve binary}")
SUITE_DIR=$(cd "$(dirname "$0")" && pwd)
if [ -n "${FAKE_LIBCUDA:-}" ]; then FAKE_LIBCUDA=$(realpath "$FAKE_LIBCUDA"); fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export KEVOLVE_CACHE_DIR=$T/cache  # a scan cache of the suite's own
cd "$T"
status=0
current=""

describe() {
  current=$1
  echo "-- $current"
}

fail() {
  echo "FAIL [$current]: $*"
  echo "--- stdout"; cat "$T/out"
  echo "--- stderr"; cat "$T/err"
  exit 1
}

run() {
  set +e
  "$@" >"$T/out" 2>"$T/err"
  status=$?
  set -e
}

expect_status() { [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"; }
expect_out() { grep -qF -- "$1" "$T/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$T/err" || fail "stderr lacks: $1"; }
expect_no_out() { ! grep -qF -- "$1" "$T/out" || fail "stdout has: $1"; }
expect_out_lines() { [ "$(wc -l <"$T/out")" -eq "$1" ] || fail "stdout has $(wc -l <"$T/out") lines, expected $1"; }
