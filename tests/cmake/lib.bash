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

# The cheat suites (cheats.bash, cheats_gpu.bash): units whose CHEAT=1 candidate games the
# measurement, in the knowledge directory $K.
# A unit's trial log.
trial() { cat "$K"/trials/"$1"/*.jsonl 2>/dev/null; }
# The CHEAT value each record of a unit's wisdom names as its best (nothing without wisdom).
best() {
  python3 -c 'import json, sys
for path in sys.argv[1:]:
    for record in json.load(open(path))["records"]:
        print(record["best"].get("CHEAT"))' "$K/$1"/*.json 2>/dev/null
}
# unit, the statuses its cheating candidate may end with (a regex), a reason it must give
caught() {
  local unit=$1 statuses=$2 reason=$3 line
  line=$(trial "$unit" | grep '"CHEAT":1}' | head -1)
  [ -n "$line" ] || fail "$unit: the cheating candidate was never evaluated: $(trial "$unit")"
  echo "$line" | grep -Eq "\"status\":\"($statuses)\"" || fail "$unit: expected $statuses: $line"
  [ -z "$reason" ] || echo "$line" | grep -q "$reason" || fail "$unit: the reason lacks '$reason': $line"
  if best "$unit" | grep -q 1; then fail "$unit: the cheat was recorded: $(cat "$K/$unit"/*.json)"; fi
}
