#!/usr/bin/env bash
# Checks that the product code is formatted as .clang-format says (CI runs it as the CTest test
# "format: product code"). `scripts/check-format.sh --fix` rewrites the files in place.
#
# Checked: *.cpp, *.hpp and *.h under util space knowledge backends analyzers templates tool
# include. Left out: templates that hold @PLACEHOLDERS@ (candidate_main.cpp, candidate_entry.cpp):
# kevolve substitutes them into identifiers (kevolve_bench_@UNIT@), which clang-format does not
# parse as C++. The other templates are ordinary C++ and are checked.
#
# Exit status: 0 all formatted (or fixed), 1 some files need formatting, 77 no clang-format here
# (CTest: skipped; scripts/setup.sh installs Debian 12's clang-format 14). CLANG_FORMAT names
# another binary.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=no
case "${1:-}" in
  --fix) fix=yes ;;
  "") ;;
  *) echo "usage: scripts/check-format.sh [--fix]" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "check-format: $clang_format not found: skipped (scripts/setup.sh installs it)"
  exit 77
fi

files=()
while IFS= read -r file; do
  if [[ $file == templates/*.cpp ]] && grep -qE '@[A-Z_]+@' "$file"; then continue; fi
  files+=("$file")
done < <(find util space knowledge backends analyzers templates tool include -type f \
           \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | LC_ALL=C sort)

if [ $fix = yes ]; then
  "$clang_format" -i "${files[@]}"
  echo "check-format: formatted ${#files[@]} files with $("$clang_format" --version)"
  exit 0
fi

bad=()
for file in "${files[@]}"; do
  "$clang_format" --dry-run --Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if [ ${#bad[@]} -eq 0 ]; then
  echo "check-format: ${#files[@]} files formatted as .clang-format says"
  exit 0
fi
echo "check-format: ${#bad[@]} of ${#files[@]} files are not formatted as .clang-format says:"
printf '  %s\n' "${bad[@]}"
echo "See the changes with: $clang_format --dry-run FILE"
echo "Fix them with: scripts/check-format.sh --fix   (uses $("$clang_format" --version))"
exit 1
