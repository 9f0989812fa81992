# Sourced by bench/slurm/*.sh: kevolve installed from the build directory $build into $W/prefix,
# and the CPU examples configured against it and built into $W/ex (the CUDA ones left out: they
# cannot run on a CPU cluster's nodes); the user cache in $W.
examples_setup() {
  cmake --install "$build" --prefix "$W/prefix" >/dev/null
  cmake -S "$root/examples" -B "$W/ex" -DCMAKE_PREFIX_PATH="$W/prefix" \
    -DCMAKE_CUDA_COMPILER=CMAKE_CUDA_COMPILER-NOTFOUND >/dev/null
  cmake --build "$W/ex" >/dev/null
  export KEVOLVE_CACHE_DIR=$W/cache
}
