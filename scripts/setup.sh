#!/usr/bin/env bash
# Installs the Debian packages kevolve needs to build and test, when any is missing.
# Idempotent and quiet when everything is there. Needs root or sudo for apt-get.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config
  clang                      # second compiler for the marker tests
  libclang-rt-14-dev         # libFuzzer and the sanitizers' runtimes for clang 14 (bench/fuzz/run.sh)
  clang-format               # scripts/check-format.sh (Debian 12: clang-format 14)
  python3                    # tests/architecture/layers.py, tests/cli/simulate.bash
  libclang-16-dev            # scanner (libclang 16 parses CUDA 13 and HIP)
  nlohmann-json3-dev libcli11-dev libfmt-dev libxxhash-dev
  libcurl4-openssl-dev       # the LLM providers' HTTP (tool/llm)
  libcpp-httplib-dev         # the test doubles of the LLM servers on 127.0.0.1 (tests only)
  libdtl-dev                 # kevolve show: a variant's diff against the original
  zlib1g-dev                 # kevolve simulate reads gzipped Kernel Tuner caches
  libeigen3-dev              # linear algebra of the bayes strategy's Gaussian process
  libbenchmark-dev catch2
  libamdhip64-dev            # HIP headers: the scanner parses HIP sources (nothing HIP runs here)
  bubblewrap                 # bwrap: the candidates' sandbox (docs/sandbox.md)
  chromium                   # tests only: the report's render check (tests/cli/report.bash)
  slurmctld slurmd slurm-client munge  # tests only: the SLURM executor's tests start a real SLURM (docs/cluster.md)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "kevolve setup: these Debian packages are missing and neither root nor sudo is available:" >&2
  echo "  ${missing[*]}" >&2
  exit 1
fi

echo "kevolve setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
