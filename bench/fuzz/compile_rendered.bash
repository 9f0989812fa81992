#!/usr/bin/env bash
# The headers apply renders from the committed renderer corpus (bench/fuzz/corpus/apply_render
# and regressions/apply_render) compile, and define nothing but the unit's parameters' macros.
# One translation unit per inject mode includes every header, uses each macro it may define, then
# #undefs them: what `-E -dM` still lists beyond kevolve.hpp's own macros was defined by a header
# and is not a parameter. Environment: RENDER (fuzz_render_corpus), CXX, KEVOLVE_INCLUDE_DIR,
# FUZZ_DIR (bench/fuzz).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$RENDER" "$work/headers" "$FUZZ_DIR/corpus/apply_render" "$FUZZ_DIR/regressions/apply_render"
mapfile -t lines <"$work/headers/unit.txt"
unit=${lines[0]}
params=("${lines[@]:1}")

for mode in param macros; do
  tu=$work/$mode.cpp
  echo "#include <kevolve/kevolve.hpp>" >"$tu"
  cp "$tu" "$work/$mode-baseline.cpp"
  i=0
  for header in "$work"/headers/*."$mode".h; do
    [ -e "$header" ] || continue
    i=$((i + 1))
    echo "#include \"$header\"" >>"$tu"
    for entry in "${params[@]}"; do
      read -r name kind <<<"$entry"
      if [ "$mode" = param ]; then
        macro=KEVOLVE_TUNED_${unit}_$name
        use="KEVOLVE_PARAM($unit, $name, int)"
        [ "$kind" = integer ] && use="KEVOLVE_PARAM($unit, $name, 1)"
      else
        macro=$name
        use=$name
      fi
      echo "#ifdef $macro" >>"$tu"
      if [ "$kind" = integer ]; then
        echo "constexpr long long v${i}_$name = $use;" >>"$tu"
      else
        echo "using t${i}_$name = $use;" >>"$tu"
      fi
      echo "#undef $macro" >>"$tu"
      echo "#endif" >>"$tu"
    done
  done
  echo "compile_rendered: $mode: $i headers"
  "$CXX" -std=c++17 -Werror -fsyntax-only -I"$KEVOLVE_INCLUDE_DIR" "$tu"
  "$CXX" -std=c++17 -E -dM -I"$KEVOLVE_INCLUDE_DIR" "$work/$mode-baseline.cpp" | sort >"$work/base"
  "$CXX" -std=c++17 -E -dM -I"$KEVOLVE_INCLUDE_DIR" "$tu" | sort >"$work/all"
  if ! diff "$work/base" "$work/all" >"$work/extra"; then
    echo "compile_rendered: $mode: a rendered header defines macros that are not parameters:" >&2
    cat "$work/extra" >&2
    exit 1
  fi
done
