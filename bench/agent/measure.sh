#!/bin/bash
# Measures the agent benchmark's pools (bench/agent/pools/<kernel>/): compiles the original at
# each point of its space and every variant with g++ -O3 -march=native, checks each variant's
# output against the original's (defaults), times each (the median of RUNS runs after one
# untimed run) and writes pools/<kernel>/measured.json, with the command, machine and date.
# Each is timed in ROUNDS processes and keeps the smallest of their medians (the machine may be
# shared: noise only adds time). A variant that does not compile or gives another result is
# recorded with its status and the message a tune would show. agent_bench reads these files:
# run this again after changing a pool's code, and commit the result.
#
#   bench/agent/measure.sh [--runs N] [--rounds R] [KERNEL...]   (default: 7 runs, 3 rounds, every pool)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=7
rounds=3
kernels=()
while (($#)); do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --rounds) rounds=$2; shift 2 ;;
  -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
  *) kernels+=("$1"); shift ;;
  esac
done
if ((${#kernels[@]} == 0)); then
  for dir in "$here"/pools/*/; do kernels+=("$(basename "$dir")"); done
fi
cxx=${CXX:-g++}
flags=(-O3 -march=native -std=c++17)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json_string() { python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))'; }

# The compiler's first error lines, with the scratch paths cut: what a tune's prompt shows.
compile_message() {
  grep -E 'error' "$1" | head -n 3 | sed -e "s|$here/||g" -e "s|$work/||g" | json_string
}

# measure NAME FILE MODE DEFINES...: one JSON object on stdout.
measure() {
  local name=$1 file=$2 mode=$3
  shift 3
  local exe="$work/$name.exe" log="$work/$name.log"
  if ! "$cxx" "${flags[@]}" "$@" -I"$root/include" -DKEVOLVE_BENCH_KERNEL="\"$file\"" \
    "$here/pools/$kernel/driver.cpp" -o "$exe" 2>"$log"; then
    printf '{"name": "%s", "status": "compile_error", "message": %s}' "$name" "$(compile_message "$log")"
    return
  fi
  local out status=0
  out=$(timeout 120 "$exe" "$mode" "$work/reference.bin" "$runs" 2>"$log") || status=$?
  # Other processes share the machine: the kernel's time is the best of ROUNDS medians.
  if ((status == 0)); then
    for ((round = 1; round < rounds; ++round)); do
      out+=$'\n'$(timeout 120 "$exe" --check "$work/reference.bin" "$runs" 2>>"$log") || status=$?
    done
  fi
  case $status in
  0) printf '{"name": "%s", "status": "ok", %s}' "$name" "$(python3 -c '
import json, sys
rounds = [json.loads(line) for line in sys.argv[1].splitlines()]
medians = [r["median_s"] for r in rounds]
print(f"\"median_s\": {min(medians)}, \"round_medians_s\": {json.dumps(medians)}")' "$out")" ;;
  3) printf '{"name": "%s", "status": "wrong_result", "message": %s}' "$name" "$(json_string <"$log")" ;;
  124) printf '{"name": "%s", "status": "timeout", "message": "ran past 120 s"}' "$name" ;;
  *) printf '{"name": "%s", "status": "crashed", "message": %s}' "$name" \
    "$(printf 'exit status %s; %s' "$status" "$(tail -n 3 "$log")" | json_string)" ;;
  esac
}

for kernel in "${kernels[@]}"; do
  pool="$here/pools/$kernel"
  [[ -f $pool/original.cpp ]] || { echo "measure.sh: no pool $pool" >&2; exit 2; }
  echo "measure.sh: $kernel" >&2
  # The original at its defaults writes the reference; then each point of its space.
  first=$(measure original "$pool/original.cpp" --write)
  [[ $first == *'"status": "ok"'* ]] || { echo "measure.sh: $kernel's original failed: $first" >&2; exit 1; }
  points=()
  for point in $(sed -n 's|^//! space: ||p' "$pool/original.cpp"); do
    defines=()
    IFS=, read -ra assignments <<<"$point"
    for assignment in "${assignments[@]}"; do
      defines+=("-DKEVOLVE_TUNED_${kernel}_${assignment%%=*}=~,${assignment#*=}")
    done
    points+=("$(measure "$point" "$pool/original.cpp" --check "${defines[@]}")")
  done
  variants=()
  for file in "$pool"/variants/*.cpp; do
    variants+=("$(measure "$(basename "$file" .cpp)" "$file" --check)")
  done
  {
    printf '{\n  "schema": 1,\n  "kernel": "%s",\n' "$kernel"
    printf '  "command": "bench/agent/measure.sh --runs %s --rounds %s %s",\n' "$runs" "$rounds" "$kernel"
    printf '  "compiler": %s,\n' "$("$cxx" --version | head -n 1 | json_string)"
    printf '  "flags": "%s",\n' "${flags[*]}"
    printf '  "machine": %s,\n' "$( (grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'; echo ", $(nproc) cores, $(uname -sr)") | tr -d '\n' | json_string)"
    printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "runs": %s,\n  "rounds": %s,\n' "$runs" "$rounds"
    printf '  "original": %s,\n' "$first"
    printf '  "space": [\n    %s\n  ],\n' "$(IFS=$'\n'; echo "${points[*]}" | sed '2,$s/^/    /' | paste -sd'\n' | sed '$!s/$/,/')"
    printf '  "variants": [\n    %s\n  ]\n}\n' "$(IFS=$'\n'; echo "${variants[*]}" | sed '2,$s/^/    /' | sed '$!s/$/,/')"
  } | python3 -m json.tool --indent 2 >"$pool/measured.json.tmp"
  mv "$pool/measured.json.tmp" "$pool/measured.json"
  echo "measure.sh: wrote $pool/measured.json" >&2
done
