#!/usr/bin/env bash
# What `kevolve space --list` costs on a space of 10,000,000 points: wall time and peak memory
# of listing every point to /dev/null, and of stopping after 3 (`| head -3`), REPS times each;
# prints a markdown table of medians. KEVOLVE names the binary (default build/tool/kevolve).
#
#   REPS=5 bench/space_list.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kevolve=${KEVOLVE:-$root/build/tool/kevolve}
reps=${REPS:-5}
spec="A: 1..1000; B: 1..1000; C: 1..10"
points=10000000
[ -x "$kevolve" ] || { echo "build kevolve first (or set KEVOLVE)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds=() memory=() head_seconds=()
for _ in $(seq 1 "$reps"); do
  /usr/bin/time -o "$work/time" -f "%e %M" "$kevolve" space "$spec" --list >/dev/null
  read -r s kb <"$work/time"
  seconds+=("$s")
  memory+=("$kb")
  start=$(date +%s.%N)
  # Before streaming, kevolve built the whole list first, then died of SIGPIPE: not an error here.
  lines=$({ "$kevolve" space "$spec" --list || true; } | head -3 | wc -l)
  end=$(date +%s.%N)
  [ "$lines" -eq 3 ] || { echo "| head -3 printed $lines lines" >&2; exit 1; }
  head_seconds+=("$(echo "$end - $start" | bc | xargs printf '%.3f')")
done
s=$(printf '%s\n' "${seconds[@]}" | median)
kb=$(printf '%s\n' "${memory[@]}" | median)
h=$(printf '%s\n' "${head_seconds[@]}" | median)
echo "| \`kevolve space '$spec' --list\` | median of $reps |"
echo "|---|---|"
echo "| all $points points to /dev/null | $s s ($(echo "$points / $s / 1000000" | bc -l | xargs printf '%.2f') M points/s) |"
echo "| peak memory (max RSS) | $((kb / 1024)) MiB |"
echo "| the first 3 lines (\`head -3\`) | $h s |"
