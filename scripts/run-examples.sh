#!/usr/bin/env bash
# The main job: set up, build and install kevolve, then tune the bundled examples (examples/)
# on this machine through CMake, and print the before/after table.
#
#   KEVOLVE_BUILD_DIR   where kevolve and the examples are built (default: build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KEVOLVE_BUILD_DIR:-$root/build}
examples=$build/examples

bash "$root/scripts/build.sh"
cmake --install "$build" --prefix "$build/prefix" >/dev/null
kevolve=$build/prefix/bin/kevolve

echo
"$kevolve" hw
cmake -S "$root/examples" -B "$examples" -DCMAKE_PREFIX_PATH="$build/prefix" >/dev/null
cmake --build "$examples"
echo
echo "== the examples as built before tuning"
"$examples/kevolve_examples"

echo
echo "== tuning them on this machine (cmake --build $examples --target kevolve_tune)"
cmake --build "$examples" --target kevolve_tune
cmake --build "$examples"
echo
echo "== the examples as built after tuning"
"$examples/kevolve_examples"

echo
echo "== before and after (kevolve tune again: recorded, nothing to evaluate)"
"$kevolve" tune -B "$examples" 2>/dev/null
