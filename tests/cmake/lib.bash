# Helpers for the nested-project suites: a scratch copy of a test project, kevolve installed
# into a scratch prefix (or used from its source tree through add_subdirectory), and the CLI
# suite's run/expect helpers.
source "$(dirname "$0")/../cli/lib.bash"
: "${KEVOLVE_BUILD_DIR:?set KEVOLVE_BUILD_DIR to the kevolve build directory}"
: "${KEVOLVE_SOURCE_DIR:?set KEVOLVE_SOURCE_DIR to the kevolve source tree}"
CMAKE=${CMAKE:-cmake}
# Small and quick measurements: these tests check behaviour, not speed.
QUICK=(--reps 3 --min-time 0.01 --rounds 3)

# Installs kevolve into $T/prefix (once).
install_kevolve() {
  [ -d "$T/prefix" ] && return
  "$CMAKE" --install "$KEVOLVE_BUILD_DIR" --prefix "$T/prefix" >/dev/null || fail "cmake --install failed"
}

# project <name> <via: package|subdirectory> [cmake arguments...]: copies tests/cmake/<name> to
# $T/<name> and configures it into $T/<name>-build.
project() {
  local name=$1 via=$2
  shift 2
  cp -r "$SUITE_DIR/../cmake/$name" "$T/$name"
  local args=(-S "$T/$name" -B "$T/$name-build" "$@")
  if command -v ninja >/dev/null; then args+=(-G Ninja); fi
  if [ "$via" = subdirectory ]; then
    args+=(-DKEVOLVE_SOURCE_DIR="$KEVOLVE_SOURCE_DIR")
  else
    install_kevolve
    args+=(-DCMAKE_PREFIX_PATH="$T/prefix")
  fi
  run "$CMAKE" "${args[@]}"
  expect_status 0
}

# The kevolve to call by hand: the installed one, or the one the project built.
kevolve_of() {
  local name=$1
  if [ -x "$T/prefix/bin/kevolve" ]; then echo "$T/prefix/bin/kevolve"; else echo "$T/$name-build/kevolve/tool/kevolve"; fi
}
