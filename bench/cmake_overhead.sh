#!/usr/bin/env bash
# What kevolve_tune() costs an ordinary build: configure + build of examples/ from scratch with
# kevolve_tune (its apply step injecting recorded winners) against the same project without it,
# interleaved, REPS times each; then checks that a no-op rebuild runs no kevolve step.
#
#   scripts/build.sh && cmake --install build --prefix build/prefix
#   REPS=5 bench/cmake_overhead.sh            # prints a markdown table of medians
#   COLD=1 REPS=5 bench/cmake_overhead.sh     # with an empty scan cache every time
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${KEVOLVE_PREFIX:-$root/build/prefix}
reps=${REPS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$prefix/bin/kevolve" ] || { echo "install kevolve into $prefix first" >&2; exit 1; }

seconds() { date +%s.%N; }
build_once() {  # <variant> <ON|OFF> -> prints seconds
  local dir=$work/$1
  rm -rf "$dir"
  local start end
  if [ -n "${COLD:-}" ]; then export KEVOLVE_CACHE_DIR=$work/cache-$RANDOM$RANDOM; fi
  start=$(seconds)
  cmake -S "$root/examples" -B "$dir" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DKEVOLVE_EXAMPLES_TUNE="$2" >/dev/null
  cmake --build "$dir" >/dev/null
  end=$(seconds)
  echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

plain=()
tuned=()
for _ in $(seq 1 "$reps"); do
  plain+=("$(build_once plain OFF)")
  tuned+=("$(build_once tuned ON)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
t=$(printf '%s\n' "${tuned[@]}" | median)
echo "| variant | configure + build, median of $reps |"
echo "|---|---|"
echo "| without kevolve_tune | ${p} s |"
echo "| with kevolve_tune | ${t} s |"
echo "| extra | $(echo "scale=1; 100 * ($t - $p) / $p" | bc) % |"
echo
noop=$(ninja -C "$work/tuned" -d explain 2>&1)
if grep -q "no work to do" <<<"$noop" && ! grep -q kevolve <<<"$noop"; then
  echo "no-op rebuild with kevolve_tune: ninja: no work to do."
else
  echo "no-op rebuild runs steps:"; echo "$noop"
fi
