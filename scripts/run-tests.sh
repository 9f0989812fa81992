#!/usr/bin/env bash
# Sets up, builds kevolve with warnings as errors, and runs every test (CTest). Extra arguments go
# to the CMake configure step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KEVOLVE_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh" -DKEVOLVE_WERROR=ON -DKEVOLVE_BUILD_TESTS=ON "$@"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 300
