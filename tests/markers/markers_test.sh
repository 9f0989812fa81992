#!/usr/bin/env bash
# Compiles the marked sample kernels with one compiler, without and with an injected header:
# static_asserts in the samples check that defaults hold without it and injected values win
# with it. Usage: markers_test.sh <gcc|clang|nvcc> <compiler> <include dir>
# Exit 77 (CTest: skipped) when the compiler is not installed.
set -euo pipefail
kind=$1 compiler=$2 include=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v "$compiler" >/dev/null 2>&1 || { echo "skipped: $compiler not found"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

defaults=(-DEXPECT_BLOCK=256 -DEXPECT_ITEMS=1 -DEXPECT_T=float -DEXPECT_TILE=4 -DEXPECT_UNROLL=2
          -DEXPECT_SAXPY_BLOCK=256)
tuned=(-I"$here/injected" -DEXPECT_BLOCK=128 -DEXPECT_ITEMS=4 -DEXPECT_T=double -DEXPECT_TILE=7
       -DEXPECT_UNROLL=8 -DEXPECT_SAXPY_BLOCK=512)

compile_and_run() {  # <label> <flags...>
  local label=$1; shift
  echo "== $label"
  "$compiler" -std=c++17 -Wall -Wextra -pedantic -Werror -I"$include" "$@" \
    "$here/sample.cpp" -o "$out/sample"
  "$out/sample"
}

case $kind in
  gcc|clang)
    line=$(compile_and_run "defaults" "${defaults[@]}")
    echo "$line"
    grep -q "BLOCK=256 ITEMS=1 tile=4 unroll=2" <<<"$line"
    line=$(compile_and_run "injected" "${tuned[@]}")
    echo "$line"
    grep -q "BLOCK=128 ITEMS=4 tile=7 unroll=8" <<<"$line"
    # A wrong expectation must fail: proves the static_asserts are live.
    if "$compiler" -std=c++17 -I"$include" -DEXPECT_BLOCK=64 -DEXPECT_ITEMS=1 -DEXPECT_T=float \
         -DEXPECT_TILE=4 -DEXPECT_UNROLL=2 -fsyntax-only "$here/sample.cpp" 2>/dev/null; then
      echo "a wrong expected value compiled: the checks are not live"; exit 1
    fi
    if [ "$kind" = clang ]; then
      echo "== scanner view (-DKEVOLVE_SCAN)"
      "$compiler" -std=c++17 -Wall -Wextra -pedantic -Werror -DKEVOLVE_SCAN -I"$include" \
        "${defaults[@]}" -fsyntax-only -Xclang -ast-dump "$here/sample.cpp" >"$out/ast"
      grep -q 'AnnotateAttr.*"kevolve:tune:sample:BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4; T: float' "$out/ast"
      grep -q 'AnnotateAttr.*"kevolve:tune:tiles:tile_size: 1..8; inject: macros"' "$out/ast"
      grep -q 'AnnotateAttr.*"kevolve:tune:member:UNROLL: 1, 2, 4, 8"' "$out/ast"
      grep -q 'AnnotateAttr.*"kevolve:bench:sample"' "$out/ast"
    fi
    ;;
  nvcc)
    for variant in defaults tuned; do
      echo "== $variant"
      flags=("${defaults[@]}")
      [ $variant = tuned ] && flags=("${tuned[@]}")
      "$compiler" -std=c++17 -Werror all-warnings -Xcompiler=-Wall,-Wextra,-Werror \
        -arch=sm_90 -I"$include" "${flags[@]}" -c "$here/sample.cu" -o "$out/sample.o"
    done
    if "$compiler" -std=c++17 -arch=sm_90 -I"$include" "${defaults[@]/-DEXPECT_SAXPY_BLOCK=256/-DEXPECT_SAXPY_BLOCK=32}" \
         -c "$here/sample.cu" -o "$out/wrong.o" 2>/dev/null; then
      echo "a wrong expected value compiled: the checks are not live"; exit 1
    fi
    ;;
esac
echo "ok"
