#!/usr/bin/env bash
# On the GPU machine (the device tool, .devdeps carried): the whole CMake flow on the CUDA
# examples, as docs/results/h100.md reports it. Builds and installs kevolve, measures the
# device's peaks, configures and builds examples/, tunes the CUDA target with its default
# strategy and budget, rebuilds, runs the application and the SGEMM-vs-cuBLAS benchmark, and
# packs the knowledge directory and logs into $OUT.
#   bash scripts/device-examples.sh [--gpu-tests] [--no-tune] [--variants] [--throughput] [--record]
# --gpu-tests runs the gpu-labelled suites (tests/cmake/*.bash; GPU_SUITES= names some) straight
# from kevolve's build, so that the machine needs neither Catch2 nor cpp-httplib. With --variants, the SGEMM unit is tuned
# with the scripted LLM (examples/cuda/scripted/llm.sh, the command provider: its answer is a
# variant with asynchronous copies and grouped tiles), the examples rebuilt with the winner and
# SGEMM compared with cuBLAS.
# With --record, the whole spaces of RECORD_UNITS (default: conv2d reduction) are searched
# exhaustively and their trial logs packed, for bench/record_space.py.
# With --throughput, CEILING= skips the compiler's ceiling, THROUGHPUT_KEYS=default runs one
# keying only, THROUGHPUT_JOBS=N builds N candidates at a time.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/device-common.sh
build_kevolve

if [[ " $* " == *" --gpu-tests "* ]]; then
  for suite in ${GPU_SUITES-cuda cheats_gpu variants_gpu}; do
    log "GPU test: $suite"
    start=$(date +%s)
    MODE=gpu KEVOLVE=/tmp/b/tool/kevolve KEVOLVE_BUILD_DIR=/tmp/b KEVOLVE_SOURCE_DIR=$root CMAKE=cmake \
      bash tests/cmake/$suite.bash >"$out/gpu-$suite.log" 2>&1
    echo "$suite: exit $? in $(( $(date +%s) - start )) s"
    grep -E "^(-- |FAIL|ok$|variant )" "$out/gpu-$suite.log" | tail -12
  done
fi

log "peaks"
$kevolve hw --measure | tee "$out/hw.txt" | grep -E "peaks|name"

build_examples

if [[ " $* " != *" --no-tune "* ]]; then
log "tune the CUDA examples (default strategy and budget)"
start=$(date +%s)
cmake --build /tmp/ex --target kevolve_tune_kevolve_cuda_examples 2>&1 | tee "$out/tune.log" | grep -v "^\[" | tail -25
echo "tuning wall time: $(( $(date +%s) - start )) s"

log "rebuild with the winners and run"
cmake --build /tmp/ex 2>&1 | tail -2
/tmp/ex/cuda/kevolve_cuda_examples 2>&1 | tee "$out/app.log" | tail -20
if [ -x /tmp/ex/cuda/sgemm_vs_cublas ]; then
  /tmp/ex/cuda/sgemm_vs_cublas --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>&1 |
    tee "$out/cublas.log" | grep -E "median|Benchmark"
fi
fi

if [[ " $* " == *" --variants "* ]]; then
  log "tune SGEMM with the scripted LLM (one variant; its own space searched within 40 evaluations)"
  start=$(date +%s)
  KEVOLVE_LOG_FILE=$out/variants.txt $kevolve tune -B /tmp/ex --unit sgemm --budget 40 \
    --llm command --llm-command "$root/examples/cuda/scripted/llm.sh" --llm-calls 1 \
    --llm-budget 40 2>&1 | tee "$out/variants.log" | tail -25
  echo "SGEMM with a variant: $(( $(date +%s) - start )) s wall"
  grep -h '"variant":"' examples/.kevolve/trials/sgemm/*.jsonl | tail -3 | cut -c1-400
  $kevolve show sgemm -B /tmp/ex 2>&1 | head -30
  grep -q '"state": "pending"' examples/.kevolve/sgemm/cuda-*.json 2>/dev/null && $kevolve accept sgemm -B /tmp/ex
  log "rebuild with the winner; the application's checks; SGEMM against cuBLAS"
  cmake --build /tmp/ex 2>&1 | tail -2
  /tmp/ex/cuda/kevolve_cuda_examples 2>&1 | tee "$out/app-variants.log" | tail -8
  /tmp/ex/cuda/sgemm_vs_cublas --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>&1 |
    tee "$out/cublas-variants.log" | grep -E "median|Benchmark"
fi

if [[ " $* " == *" --record "* ]]; then
  nvidia-smi --query-gpu=name --format=csv,noheader | head -1 >"$out/record-device.txt"
  lscpu | grep -E "^(Model name|CPU\(s\))" | tee -a "$out/record-device.txt"
  for unit in ${RECORD_UNITS-conv2d reduction}; do
    log "record the whole space of $unit (exhaustive, own knowledge directory)"
    start=$(date +%s)
    KEVOLVE_LOG_FILE=$out/record-$unit.txt $kevolve tune -B /tmp/ex --unit "$unit" \
      --strategy exhaustive --budget 1000000 --knowledge /tmp/krec 2>&1 |
      tee "$out/record-$unit.log" | tail -3
    echo "$unit: $(( $(date +%s) - start )) s wall" | tee -a "$out/record-device.txt"
    cp /tmp/krec/trials/"$unit"/*.jsonl "$out/record-$unit.jsonl"
  done
fi

if [[ " $* " == *" --throughput "* ]]; then
  lscpu | grep -E "^(Model name|Thread|Core|Socket|CPU\(s\))" | tee "$out/cpu.txt"
  findmnt -no FSTYPE -T /tmp | sed 's/^/\/tmp is /'
  # The ceiling the compiler sets: 48 conv2d configurations compiled 16 at a time, as a
  # candidate's kernel source is (host and device) and as a device-only cubin.
  flags=(-O3 -DNDEBUG -std=c++17 -x cu -gencode=arch=compute_90a,code=sm_90a -Xcompiler -fPIC
    -I"$root/include" -I"$root/examples/cuda/kernels")
  mkdir -p /tmp/ceiling && i=0
  for bx in 16 32 64 128; do for by in 2 4 8; do for t in "1 1" "1 2" "2 2" "2 4"; do
    read -r tx ty <<<"$t"
    printf '#define KEVOLVE_TUNED_conv2d_%s ~, %s\n' BX $bx BY $by TX $tx TY $ty >/tmp/ceiling/h$i.h
    i=$((i + 1))
  done; done; done
  for mode in ${CEILING-object cubin}; do
    what=(-c -o /tmp/ceiling/o); [ $mode = cubin ] && what=(-cubin -o /tmp/ceiling/o)
    s=$(date +%s.%N)
    seq 0 47 | xargs -P 16 -I{} nvcc "${flags[@]}" -include /tmp/ceiling/h{}.h \
      "$root/examples/cuda/kernels/conv2d.cu" "${what[@]}"{}.$mode
    awk -v s="$s" -v e="$(date +%s.%N)" -v m=$mode \
      'BEGIN {printf "ceiling (%s): 48 compiles, 16 in parallel, %.1f s: %.0f a minute\n", m, e - s, 48 * 60 / (e - s)}' |
      tee -a "$out/ceiling.txt"
  done
  # Side by side on this machine: objects keyed by preprocessed text (A) and the default (B).
  for keys in ${THROUGHPUT_KEYS-preprocessed default}; do
    log "throughput ($keys keys): conv2d, 300 evaluations, random strategy, own knowledge directory"
    rm -rf /tmp/ex/kevolve/cache /tmp/ex/kevolve/tune "/tmp/k300-$keys"
    vmstat 2 >"$out/vmstat-$keys.txt" & vm=$!
    TIMEFORMAT="tune: %R s wall, %U s user, %S s system (children included)"
    time (KEVOLVE_CACHE_KEYS=$keys KEVOLVE_LOG_FILE=$out/throughput-$keys.txt $kevolve tune \
      -B /tmp/ex --unit conv2d --budget 300 --strategy random --knowledge "/tmp/k300-$keys" \
      ${THROUGHPUT_JOBS:+-j $THROUGHPUT_JOBS} 2>&1 |
      tee "$out/throughput-$keys.log" | tail -2)
    kill $vm
    grep -o "build: conv2d c[0-9]* in [0-9.]* s (link [0-9.]* s" "$out/throughput-$keys.txt" |
      awk '{s += $5; l += $8; n++} END {if (n) printf "builds: %d, mean %.2f s each (link %.2f s)\n", n, s / n, l / n}'
    grep -o "compiled conv2d.cu in [0-9.]* s" "$out/throughput-$keys.txt" |
      awk '{s += $4; n++} END {if (n) printf "kernel source compiles: %d, mean %.2f s\n", n, s / n}'
    grep -o "tune: conv2d search .*" "$out/throughput-$keys.txt"
    grep -o 'seed [0-9]: run [0-9.]* s' "$out/throughput-$keys.txt" |
      awk '{r += $4; n++} END {if (n) printf "verification: %d runs, mean %.3f s\n", n, r / n}'
    grep -o 'seed [0-9]: compare [0-9.]* s' "$out/throughput-$keys.txt" |
      awk '{c += $4; n++} END {if (n) printf "comparisons (overlapped): %d, mean %.3f s\n", n, c / n}'
    grep -o 'timing: run [0-9.]* s' "$out/throughput-$keys.txt" |
      awk '{r += $3; n++} END {if (n) printf "timing: %d runs, mean %.3f s\n", n, r / n}'
    awk 'NR > 2 {us += $13; sy += $14; id += $15; wa += $16; n++}
      END {if (n) printf "cpu: %.0f%% user, %.0f%% system, %.0f%% idle, %.0f%% io wait\n", us / n, sy / n, id / n, wa / n}' \
      "$out/vmstat-$keys.txt"
  done
  # The compiler's ceiling for the very candidates of the last run: their kernel source alone,
  # nvcc -c as kevolve compiles it, 16 at a time (the cost differs fivefold between them).
  if [ -n "${keys:-}" ]; then
    rm -rf /tmp/sampled && mkdir -p /tmp/sampled && i=0
    grep -o "tune: conv2d BX=.* -> " "$out/throughput-$keys.txt" | sed 's/^tune: conv2d //; s/ -> $//' |
      while read -r line; do
        for kv in $line; do printf '#define KEVOLVE_TUNED_conv2d_%s ~, %s\n' "${kv%%=*}" "${kv#*=}"; done >/tmp/sampled/h$i.h
        i=$((i + 1))
      done
    n=$(ls /tmp/sampled | wc -l)
    s=$(date +%s.%N)
    ls /tmp/sampled | sed 's/\.h$//' | xargs -P 16 -I{} nvcc "${flags[@]}" -include /tmp/sampled/{}.h \
      "$root/examples/cuda/kernels/conv2d.cu" -c -o /tmp/sampled/{}.o
    awk -v s="$s" -v e="$(date +%s.%N)" -v n="$n" \
      'BEGIN {printf "ceiling (the same %d candidates, nvcc -c alone, 16 in parallel): %.1f s: %.0f a minute\n", n, e - s, n * 60 / (e - s)}' |
      tee -a "$out/ceiling.txt"
  fi
fi

tar -C examples -czf "$final/knowledge.tgz" .kevolve
log "done"
