#!/usr/bin/env bash
# The main job: set up, build kevolve, and show what it would tune on: this machine's devices
# and the hardware facts their spaces can use. (Tuning the bundled examples arrives with the
# CPU backend.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KEVOLVE_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"
echo
"$build/tool/kevolve" --version
echo
"$build/tool/kevolve" hw
