# kevolve simulate: a recorded space replayed, its report, and bad input.
source "$(dirname "$0")/lib.bash"

# A Kernel Tuner cache: 6 of the 8 combinations recorded (2 outside the space), one failed.
cat >"$T/cache.json" <<'JSON'
{"device_name": "Test GPU", "kernel_name": "saxpy",
 "tune_params_keys": ["block", "vec"],
 "tune_params": {"block": [64, 128, 256, 512], "vec": [1, 2]},
 "cache": {
  "64,1":  {"block": 64,  "vec": 1, "time": 4.0},
  "64,2":  {"block": 64,  "vec": 2, "time": 3.0},
  "128,1": {"block": 128, "vec": 1, "time": 2.5},
  "128,2": {"block": 128, "vec": 2, "time": "RuntimeFailedConfig"},
  "256,2": {"block": 256, "vec": 2, "time": 2.0},
  "512,1": {"block": 512, "vec": 1, "time": 5.0}}}
JSON
gzip -c "$T/cache.json" >"$T/cache.json.gz"

describe "a gzipped cache: the space, the strategy, the scores"
run "$KEVOLVE" simulate "$T/cache.json.gz" --budget 6 --repeats 10
expect_status 0
expect_out "saxpy on Test GPU: 6 configurations (1 failed), optimum 2 ms"
expect_out "strategy  bayes, budget 6, 10 runs (seed 1)"
expect_out "fraction of optimum: mean 1.000, median 1.000; within 5% of it: 100% of runs"

describe "--json has the fields docs/design.md §6 lists"
run "$KEVOLVE" simulate "$T/cache.json" --strategy random --budget 1 --repeats 50 --json
expect_status 0
for field in '"strategy": "random"' '"budget": 1' '"repeats": 50' '"valid": 6' '"optimum": 2.0' \
  '"mean_fraction_of_optimum"' '"median_fraction_of_optimum"' '"hit_rate_5pct"'; do
  expect_out "$field"
done
first=$(cat "$T/out")
run "$KEVOLVE" simulate "$T/cache.json" --strategy random --budget 1 --repeats 50 --json
[ "$(cat "$T/out")" = "$first" ] || fail "same seed, different result"

describe "a budget larger than the space is said and capped"
run "$KEVOLVE" simulate "$T/cache.json" --budget 100 --repeats 2
expect_status 0
expect_err "the budget of 100 is more than the 6 configurations"
expect_out "budget 6"

describe "bad input"
run "$KEVOLVE" simulate "$T/cache.json" --budget 0
expect_status 1
expect_err "--budget must be at least 1"
run "$KEVOLVE" simulate "$T/cache.json" --strategy greedy
expect_status 2
expect_err "unknown strategy 'greedy' (known: exhaustive, random, ils, anneal, genetic, tpe, bayes, bandit)"
printf '{"tune_params_keys": ["a"], "tune_params": {"a": [1]}' >"$T/broken.json"
run "$KEVOLVE" simulate "$T/broken.json"
expect_status 1
expect_err "broken.json:1:"
head -c 100 "$T/cache.json.gz" >"$T/truncated.json.gz"
run "$KEVOLVE" simulate "$T/truncated.json.gz"
expect_status 1
expect_err "truncated.json.gz: a damaged gzip file"
printf '{"tune_params_keys": ["a"], "tune_params": {"a": [1]}}' >"$T/nocache.json"
run "$KEVOLVE" simulate "$T/nocache.json"
expect_status 1
expect_err "no 'cache' (a Kernel Tuner cache has tune_params_keys, tune_params and cache)"
printf '{"tune_params_keys": ["a"], "tune_params": {"a": [1, 2]}, "cache": {"1": {"a": 1, "time": "CompilationFailedConfig"}}}' >"$T/failed.json"
run "$KEVOLVE" simulate "$T/failed.json"
expect_status 1
expect_err "holds no valid configuration: all 1 recorded ones failed"
printf '{"tune_params_keys": ["a"], "tune_params": {"a": [1, 2]}, "cache": {"3": {"a": 3, "time": 1.0}}}' >"$T/stray.json"
run "$KEVOLVE" simulate "$T/stray.json"
expect_status 1
expect_err "configuration '3': a = 3 is not in tune_params"
run "$KEVOLVE" simulate "$T/missing.json"
expect_status 1
expect_err "cannot read"

describe "bench/record_space.py: a trial log of an exhaustive tune becomes a recorded space"
record=$SUITE_DIR/../../bench/record_space.py
cat >"$T/trials.jsonl" <<'JSONL'
{"schema":1,"unit":"saxpy","device_id":"cuda-sm_90-test","params":{"block":64,"vec":1},"status":"ok","time_s":0.004}
{"schema":1,"unit":"saxpy","device_id":"cuda-sm_90-test","params":{"block":256,"vec":2},"status":"compile_error","message":"x"}
{"schema":1,"unit":"saxpy","device_id":"cuda-sm_90-test","params":{"block":128,"vec":2},"status":"timeout"}
{"schema":1,"unit":"saxpy","device_id":"cuda-sm_90-test","params":{"block":64,"vec":2},"status":"ok","time_s":0.001}
{"schema":1,"unit":"saxpy","device_id":"cuda-sm_90-test","params":{"block":64,"vec":2},"status":"ok","time_s":0.002}
JSONL
run python3 "$record" "$T/trials.jsonl" "$T/recorded.json.gz"
expect_status 0
expect_out "4 configurations (2 failed)"
run "$KEVOLVE" simulate "$T/recorded.json.gz" --budget 4 --repeats 3
expect_status 0
expect_out "saxpy on cuda-sm_90-test: 4 configurations (2 failed), optimum 2 ms"
gzip -dc "$T/recorded.json.gz" >"$T/recorded.json"
grep -qF '"block":[64,128,256]' "$T/recorded.json" || fail "values not in ascending order"
grep -qF '"time":"CompilationFailedConfig"' "$T/recorded.json" || fail "no compile failure"
grep -qF '"time":"RuntimeFailedConfig"' "$T/recorded.json" || fail "no run failure"
printf '{"params":{"block":64},"status":"ok","time_s":1}\n{"params":{"vec":1},"status":"ok","time_s":1}\n' >"$T/mixed.jsonl"
run python3 "$record" "$T/mixed.jsonl" "$T/mixed.json.gz"
expect_status 1
expect_err "mixed.jsonl:2: parameters ['vec'], expected ['block']"
printf 'not json\n' >"$T/junk.jsonl"
run python3 "$record" "$T/junk.jsonl" "$T/junk.json.gz"
expect_status 1
expect_err "junk.jsonl:1: not a trial record"

echo "ok"
