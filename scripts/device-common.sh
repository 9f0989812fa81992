# Sourced by the GPU machine's scripts (device-examples.sh, device-cubin.sh) from the project
# root: the packed dependencies, the log directory whose pack the device tool brings back, and
# the two builds they share.
root=$PWD
source .devdeps/activate.sh && source .devdeps/activate-extra.sh
export CMAKE_POLICY_VERSION_MINIMUM=3.5 PATH=/usr/local/cuda/bin:$PATH
# Logs gather in $out and are packed into $OUT/logs.tgz after each stage: the device tool
# brings back at most 8 files, and a call stopped at its limit still returns the last pack.
final=${OUT:-/tmp/out}
out=/tmp/device-logs
mkdir -p "$out" "$final"
log() { tar -C "$out" -czf "$final/logs.tgz" . 2>/dev/null; echo "== $(date +%T) $*"; }

# kevolve built (no tests, no benchmarks) in /tmp/b and installed in /tmp/prefix; sets $kevolve.
build_kevolve() {
  log "build kevolve"
  local start
  start=$(date +%s)
  cmake -S . -B /tmp/b -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEVOLVE_BUILD_TESTS=OFF \
    -DKEVOLVE_BUILD_BENCH=OFF >"$out/build.log" 2>&1 &&
    cmake --build /tmp/b --parallel "$(nproc)" >>"$out/build.log" 2>&1 &&
    rm -rf /tmp/prefix && cmake --install /tmp/b --prefix /tmp/prefix >>"$out/build.log" 2>&1 ||
    { tail -40 "$out/build.log"; exit 1; }
  kevolve=/tmp/prefix/bin/kevolve
  echo "kevolve built and installed in $(( $(date +%s) - start )) s"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw \
    --format=csv,noheader
}

# The examples configured for sm_90 in /tmp/ex and built (all targets, or the ones named).
build_examples() {
  log "configure and build the examples${1:+ ($*)}"
  local targets=() target
  for target in "$@"; do targets+=(--target "$target"); done
  cmake -S examples -B /tmp/ex -G Ninja -DCMAKE_PREFIX_PATH="/tmp/prefix;$CMAKE_PREFIX_PATH" \
    -DKEVOLVE_EXAMPLES_CUDA_ARCHITECTURES=90 >"$out/examples.log" 2>&1 &&
    cmake --build /tmp/ex "${targets[@]}" >>"$out/examples.log" 2>&1 ||
    { tail -40 "$out/examples.log"; exit 1; }
}
