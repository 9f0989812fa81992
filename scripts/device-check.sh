#!/usr/bin/env bash
# On the GPU machine (the device tool, .devdeps carried): builds kevolve into /tmp/b and runs the
# GPU tests, then whatever extra command is given. Logs go to $OUT when it is set.
#   bash scripts/device-check.sh [extra shell command]
set -uo pipefail
cd "$(dirname "$0")/.."
source .devdeps/activate.sh && source .devdeps/activate-extra.sh
export CMAKE_POLICY_VERSION_MINIMUM=3.5 PATH=/usr/local/cuda/bin:$PATH
out=${OUT:-/tmp/out}
mkdir -p "$out"
start=$(date +%s)
cmake -S . -B /tmp/b -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$out/configure.log" 2>&1 &&
  cmake --build /tmp/b --parallel "$(nproc)" >"$out/build.log" 2>&1 ||
  { tail -40 "$out/configure.log" "$out/build.log"; exit 1; }
echo "built in $(( $(date +%s) - start )) s"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu --format=csv,noheader
ctest --test-dir /tmp/b -L gpu --output-on-failure --timeout 600 2>&1 | tee "$out/gpu-tests.log" | tail -30
ctest --test-dir /tmp/b -R "candidate builds|runner" --timeout 300 2>&1 | tail -4
if [ $# -gt 0 ]; then bash -c "$1"; fi
