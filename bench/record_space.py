#!/usr/bin/env python3
"""Turns a kevolve trial log of an exhaustive search into a recorded space for `kevolve simulate`.

    python3 bench/record_space.py <trials.jsonl> <out.json.gz> [--kernel NAME] [--device NAME]

The output is a Kernel Tuner brute-force cache (the format of ../shared/data/spaces/README.md):
every configuration in the log with its time in ms, or `CompilationFailedConfig` /
`RuntimeFailedConfig` for one that failed. A configuration missing from the log is outside the
space, so the log must hold the whole space (`kevolve tune --strategy exhaustive` with a budget
of at least the space's size). Where a configuration was evaluated more than once the latest
record counts. Values are listed in ascending order, numbers numerically, which is how the
examples' spaces list them (`simulate` encodes a value by its position in that list).
"""
import argparse
import collections
import gzip
import json
import sys

COMPILE_FAILURES = {"compile_error"}


def sort_key(value):
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trials")
    ap.add_argument("out")
    ap.add_argument("--kernel", help="kernel name to record (default: the log's unit)")
    ap.add_argument("--device", help="device name to record (default: the log's device id)")
    args = ap.parse_args()

    latest = {}
    keys = None
    unit = device = None
    with open(args.trials) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                params = record["params"]
                status = record["status"]
            except (ValueError, KeyError) as e:
                sys.exit(f"{args.trials}:{number}: not a trial record ({e})")
            if keys is None:
                keys = list(params)
                unit, device = record.get("unit"), record.get("device_id")
            elif list(params) != keys:
                sys.exit(f"{args.trials}:{number}: parameters {list(params)}, expected {keys}")
            if status == "ok" and not isinstance(record.get("time_s"), (int, float)):
                sys.exit(f"{args.trials}:{number}: status ok without a time_s")
            if status == "environment_error":
                continue  # the environment's failure, not the configuration's: not a result
            latest[tuple(params[k] for k in keys)] = record
    if not latest:
        sys.exit(f"{args.trials}: no trial records")

    values = collections.defaultdict(set)
    for point in latest:
        for k, v in zip(keys, point):
            values[k].add(v)
    cache = {}
    for point, record in latest.items():
        entry = dict(zip(keys, point))
        if record["status"] == "ok":
            entry["time"] = record["time_s"] * 1e3
        elif record["status"] in COMPILE_FAILURES:
            entry["time"] = "CompilationFailedConfig"
        else:
            entry["time"] = "RuntimeFailedConfig"
        cache[",".join(str(v) for v in point)] = entry
    doc = {
        "kernel_name": args.kernel or unit,
        "device_name": args.device or device,
        "tune_params_keys": keys,
        "tune_params": {k: sorted(values[k], key=sort_key) for k in keys},
        "cache": cache,
    }
    with gzip.open(args.out, "wt") as f:
        json.dump(doc, f, separators=(",", ":"))
    failed = sum(1 for e in cache.values() if isinstance(e["time"], str))
    print(f"{args.out}: {len(cache)} configurations ({failed} failed), from {args.trials}")


if __name__ == "__main__":
    main()
