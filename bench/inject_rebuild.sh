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
  printf 'add_executable(app'
  for i in $(seq 1 "$n"); do printf ' s%s.cpp' "$i"; done
  echo ")"
  echo "target_compile_features(app PRIVATE cxx_std_17)"
  echo "kevolve_tune(app HARNESS bench/harness.cpp BUDGET 3)"
} >"$project/CMakeLists.txt"
echo "void u1(const float* in, float* out, long n);" >"$project/units.hpp"
for i in $(seq 2 "$n"); do echo "void u$i(const float* in, float* out, long n);" >>"$project/units.hpp"; done
for i in $(seq 1 "$n"); do
  cat >"$project/s$i.cpp" <<CPP
#include "units.hpp"

#include <kevolve/kevolve.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

KEVOLVE_TUNE(u$i, "STEP: 1, 2, 4")
void u$i(const float* in, float* out, long n) {
  std::map<std::string, float> seen;
  for (long k = 0; k < n; k += KEVOLVE_PARAM(u$i, STEP, 1)) seen["last"] = in[k];
  std::vector<float> v(in, in + n);
  std::sort(v.begin(), v.end());
  for (long k = 0; k < n; ++k) out[k] = v[static_cast<std::size_t>(k)] + static_cast<float>(seen.size());
}
CPP
done
{  # main() in the last source (not u1's, which candidates link): the n sources alone
  echo '#include <vector>'
  echo 'int main() { std::vector<float> in(64, 1.0f), out(64);'
  for i in $(seq 1 "$n"); do echo "  u$i(in.data(), out.data(), 64);"; done
  echo '  return out[0] > 0 ? 0 : 1; }'
} >>"$project/s$n.cpp"
cat >"$project/bench/harness.cpp" <<'CPP'
#include <kevolve/bench.hpp>

#include "../units.hpp"

KEVOLVE_BENCH(u1, b) {
  const long n = b.size("n", {4096});
  const float* in = b.input<float>("in", static_cast<std::size_t>(n));
  float* out = b.output<float>("out", static_cast<std::size_t>(n));
  b.run([=] { u1(in, out, n); });
}
CPP

configure() {
  cmake -S "$project" -B "$work/$1" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    -DKEVOLVE_PER_SOURCE_INJECTION="$2" >/dev/null
}
configure old OFF
configure new ON
cmake --build "$work/old" >/dev/null
cmake --build "$work/new" >/dev/null
"$prefix/bin/kevolve" tune -B "$work/new" --unit u1 --reps 3 --min-time 0.01 --rounds 3 >"$work/tune.log" 2>&1 ||
  { cat "$work/tune.log" >&2; exit 1; }
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
echo "| one header per target (OFF) | ${old_count% } | $(printf '%s\n' "${old_times[@]}" | median | xargs printf '%.2f') s |"
echo "| one header per source (ON) | ${new_count% } | $(printf '%s\n' "${new_times[@]}" | median | xargs printf '%.2f') s |"
