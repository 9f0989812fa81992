#!/usr/bin/env bash
# Installs kevolve from a build directory into a scratch prefix, then configures, builds and
# runs a consumer project that finds it with find_package(kevolve).
# Usage: package_test.sh <kevolve build dir> <consumer source dir> <cmake>
set -euo pipefail
build=$1 consumer=$2 cmake=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cmake" --install "$build" --prefix "$work/prefix" >/dev/null
test -x "$work/prefix/bin/kevolve"
test -f "$work/prefix/include/kevolve/kevolve.hpp"
"$work/prefix/bin/kevolve" --version

"$cmake" -S "$consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" | grep "kevolve CLI"
"$cmake" --build "$work/consumer"
"$work/consumer/consumer" | tee "$work/out"
grep -q "BLOCK=64" "$work/out"
echo ok
