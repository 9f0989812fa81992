#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan + UBSan) into build-fuzz/ and runs one of them.
#
#   bench/fuzz/run.sh <target> [runs|<seconds>s] [libFuzzer options...]
#
# <target>: space_parser, space_engine, wisdom, knowledge_marker, apply_render, answer, passage. The second
# argument is a number of executions (default 1000000) or a duration with an "s" suffix (600s).
# Every input slower than 1 s is a finding (-timeout=1), and so is more than 2 GiB of memory.
# The committed corpus (bench/fuzz/corpus/<target>) is read only: new inputs go to
# build-fuzz/findings/<target>/corpus, crashes to build-fuzz/findings/<target>/. To bring new
# inputs into the committed corpus, minimize them:
#   build-fuzz/bench/fuzz/fuzz_<target> -merge=1 bench/fuzz/corpus/<target> build-fuzz/findings/<target>/corpus
# Environment: CC, CXX (default clang-14, clang++-14), KEVOLVE_FUZZ_BUILD_DIR (build-fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${KEVOLVE_FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=(space_parser space_engine wisdom knowledge_marker apply_render answer passage)

target=${1:-}
if [[ ! " ${targets[*]} " =~ " $target " ]]; then
  echo "usage: bench/fuzz/run.sh <target> [runs|<seconds>s] [libFuzzer options...]" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
fi
amount=${2:-1000000}
shift $(($# < 2 ? $# : 2))
case "$amount" in
  *s) limit=(-max_total_time="${amount%s}") ;;
  *) limit=(-runs="$amount") ;;
esac

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=${CC:-clang-14} CXX=${CXX:-clang++-14} cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEVOLVE_FUZZ=ON "${launcher[@]}" >/dev/null
fi
cmake --build "$build" --target "fuzz_$target"

findings=$build/findings/$target
mkdir -p "$findings/corpus"
cd "$findings"
# The committed corpus comes second: libFuzzer writes new inputs into the first directory only.
exec "$build/bench/fuzz/fuzz_$target" "${limit[@]}" -timeout=1 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$findings/" "$@" \
  "$findings/corpus" "$root/bench/fuzz/corpus/$target"
