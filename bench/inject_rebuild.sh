#!/usr/bin/env bash
# What a new winner costs a rebuild (issue 20, item 2; docs/results/inject.md): a generated
# target of N sources (default 20), one unit in each, built twice: with
# -DKEVOLVE_PER_SOURCE_INJECTION=OFF (one header of every winner, forced into every source: the
# scheme before per-source injection) and ON (each source's own header). Unit u1 is tuned once;
# then REPS times its recorded winner changes and both builds rebuild: the sources each
# recompiled and the rebuild's wall time (median).
#
#   scripts/build.sh && cmake --install build --prefix build/prefix
#   REPS=5 bench/inject_rebuild.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(realpath "${KEVOLVE_PREFIX:-$root/build/prefix}")
[ -x "$prefix/bin/kevolve" ] || { echo "install kevolve into $prefix first" >&2; exit 1; }
reps=${REPS:-5}
n=${N:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KEVOLVE_CACHE_DIR=$work/cache
generator=(-G Ninja)
command -v ninja >/dev/null || generator=(-G "Unix Makefiles")

# The project: source i holds unit u<i> and some ordinary C++ to compile.
project=$work/project
mkdir -p "$project/bench"
{
  echo "cmake_minimum_required(VERSION 3.20)"
  echo "project(inject_rebuild LANGUAGES CXX)"
  echo "find_package(kevolve REQUIRED)"
  echo "set(CMAKE_BUILD_TYPE Release)"
  printf 'add_executable(app main.cpp'
  for i in $(seq 1 "$n"); do printf ' s%s.cpp' "$i"; done
  echo ")"
  echo "target_compile_features(app PRIVATE cxx_std_17)"
  echo "kevolve_tune(app HARNESS bench/harness.cpp BUDGET 3)"
} >"$project/CMakeLists.txt"
{
  echo "#include <vector>"
  for i in $(seq 1 "$n"); do echo "float u$i(std::vector<float>& v);"; done
} >"$project/units.hpp"
for i in $(seq 1 "$n"); do
  cat >"$project/s$i.cpp" <<CPP
#include "units.hpp"

#include <kevolve/kevolve.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

KEVOLVE_TUNE(u$i, "STEP: 1, 2, 4")
float u$i(std::vector<float>& v) {
  std::map<std::string, float> seen;
  for (std::size_t k = 0; k < v.size(); k += KEVOLVE_PARAM(u$i, STEP, 1)) seen[std::to_string(k)] = v[k];
  std::sort(v.begin(), v.end());
  return std::accumulate(v.begin(), v.end(), 0.0f) + static_cast<float>(seen.size());
}
CPP
done
{
  echo '#include "units.hpp"'
  echo 'int main() { std::vector<float> v(64, 1.0f); float s = 0;'
  for i in $(seq 1 "$n"); do echo "  s += u$i(v);"; done
  echo '  return s > 0 ? 0 : 1; }'
} >"$project/main.cpp"
{
  echo '#include <kevolve/bench.hpp>'
  echo '#include "../units.hpp"'
  echo 'KEVOLVE_BENCH(u1, b) {'
  echo '  const long n = b.size("n", {4096});'
  echo '  std::vector<float> v(static_cast<std::size_t>(n), 1.0f);'
  echo '  b.run([&] { u1(v); });'
  echo '}'
} >"$project/bench/harness.cpp"

configure() {
  cmake -S "$project" -B "$work/$1" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    -DKEVOLVE_PER_SOURCE_INJECTION="$2" >/dev/null
}
configure old OFF
configure new ON
cmake --build "$work/old" >/dev/null
cmake --build "$work/new" >/dev/null
"$prefix/bin/kevolve" tune -B "$work/new" --unit u1 --reps 3 --min-time 0.01 --rounds 3 >/dev/null 2>&1
cmake --build "$work/old" >/dev/null
cmake --build "$work/new" >/dev/null

# Flips u1's recorded STEP between two of its values: a new winner.
flip() {
  python3 - "$project/.kevolve/u1" <<'PY'
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    w = json.load(open(path))
    best = w["records"][0]["best"]
    best["STEP"] = 2 if best["STEP"] != 2 else 4
    json.dump(w, open(path, "w"), indent=2)
PY
}
rebuild() {  # <dir> -> "<compiled sources> <seconds>"
  local start end out
  start=$(date +%s.%N)
  out=$(cmake --build "$work/$1")
  end=$(date +%s.%N)
  echo "$(grep -c 'Building CXX object' <<<"$out" || true) $(echo "$end - $start" | bc)"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

old_times=() new_times=() old_count="" new_count=""
for _ in $(seq 1 "$reps"); do
  flip
  read -r c t < <(rebuild old)
  old_count+="$c " old_times+=("$t")
  read -r c t < <(rebuild new)
  new_count+="$c " new_times+=("$t")
done
echo "| scheme | sources recompiled per new winner (of $n) | rebuild wall time, median of $reps |"
echo "|---|---|---|"
echo "| one header per target (OFF) | ${old_count% } | $(printf '%s\n' "${old_times[@]}" | median) s |"
echo "| one header per source (ON) | ${new_count% } | $(printf '%s\n' "${new_times[@]}" | median) s |"
