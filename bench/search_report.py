#!/usr/bin/env python3
"""Scores every search strategy on every recorded space and writes docs/results/search.md.

    python3 bench/search_report.py [--kevolve build/tool/kevolve] [--spaces ../shared/data/spaces]
                                   [--holdout bench/spaces] [--out docs/results/search.md]
                                   [--repeats 100]

Each cell is `kevolve simulate <space> --strategy S --budget B --repeats R --json`: the mean and
median fraction of optimum (fastest time in the space / fastest time a run found) and the share
of runs within 5% of the optimum, over R independent runs (seeds derived from --seed 1).
The spaces in --holdout (recorded by kevolve itself with bench/record_space.py) were not used
to develop the strategies; they are reported apart.
"""
import argparse
import datetime
import json
import pathlib
import statistics
import subprocess
import sys
import time

BUDGETS = [25, 50, 100, 200]
# Kernel Tuner 1.x's own strategies, replayed in its simulation mode on 20 recorded spaces
# (convolution, dedispersion, GEMM, point-in-polygon; 10 GPUs), 20 repeats each, mean over
# the spaces (the anchor table of the issue that asked for this report).
ANCHORS = {
    "genetic_algorithm (best overall)": [0.800, 0.852, 0.915, 0.972],
    "pso": [0.798, 0.842, 0.913, 0.958],
    "random_sample": [0.802, 0.858, 0.892, 0.921],
    "greedy_ils": [0.718, 0.774, 0.827, 0.870],
}


def simulate(kevolve, space, strategy, budget, repeats, batch):
    out = subprocess.run(
        [kevolve, "simulate", str(space), "--strategy", strategy, "--budget", str(budget),
         "--repeats", str(repeats), "--batch", str(batch), "--json"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def strategies(kevolve):
    text = subprocess.run([kevolve, "simulate", "--help"], check=True, capture_output=True,
                          text=True).stdout
    # The CLI lists them in the --strategy error; ask for it.
    err = subprocess.run([kevolve, "simulate", "x", "--strategy", "?"], capture_output=True,
                         text=True).stderr
    known = err.split("(known: ")[1].split(")")[0]
    default = text.split("Search strategy (default ")[1].split(")")[0]
    return [s.strip() for s in known.split(",")], default


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = pathlib.Path(__file__).resolve().parent.parent
    ap.add_argument("--kevolve", default=str(root / "build/tool/kevolve"))
    ap.add_argument("--spaces", default=str(root.parent / "shared/data/spaces"))
    ap.add_argument("--holdout", default=str(root / "bench/spaces"))
    ap.add_argument("--out", default=str(root / "docs/results/search.md"))
    ap.add_argument("--repeats", type=int, default=100)
    args = ap.parse_args()

    developed = sorted(pathlib.Path(args.spaces).glob("*.json*"))
    if not developed:
        sys.exit(f"no Kernel Tuner caches in {args.spaces}")
    holdout = sorted(pathlib.Path(args.holdout).glob("*.json*")) if args.holdout else []
    spaces = developed + holdout
    names, default = strategies(args.kevolve)
    started = time.monotonic()
    # results[strategy][space][budget] = the simulate report
    results = {s: {p.name: {} for p in spaces} for s in names}
    batched = {p.name: {} for p in spaces}
    info = {}
    for p in spaces:
        for s in names:
            for b in BUDGETS:
                r = simulate(args.kevolve, p, s, b, args.repeats, 1)
                results[s][p.name][b] = r
                info[p.name] = r["space"]
        for b in BUDGETS:
            batched[p.name][b] = simulate(args.kevolve, p, default, b, args.repeats, 16)
    seconds = time.monotonic() - started

    def mean_over_spaces(table, b, group):
        return statistics.mean(table[p.name][b]["mean_fraction_of_optimum"] for p in group)

    def strategy_rows(group):
        w("| strategy | " + " | ".join(f"@{b}" for b in BUDGETS) + " | lowest space @100 |")
        w("|---|" + "---|" * (len(BUDGETS) + 1))
        for s in names:
            row = [f"{mean_over_spaces(results[s], b, group):.3f}" for b in BUDGETS]
            low = min(results[s][p.name][100]["mean_fraction_of_optimum"] for p in group)
            label = f"**{s}** (default)" if s == default else s
            w(f"| {label} | " + " | ".join(row) + f" | {low:.3f} |")
        row = [f"{mean_over_spaces(batched, b, group):.3f}" for b in BUDGETS]
        low = min(batched[p.name][100]["mean_fraction_of_optimum"] for p in group)
        w(f"| {default}, batches of 16 (`--batch 16`) | " + " | ".join(row) + f" | {low:.3f} |")

    lines = []
    w = lines.append
    w("# Search strategies on recorded GPU spaces")
    w("")
    w(f"Written by `python3 bench/search_report.py` ({datetime.date.today()}, {seconds:.0f} s on "
      "the development machine): every strategy on every space in `../shared/data/spaces/` "
      "and `bench/spaces/`, "
      f"budgets {', '.join(map(str, BUDGETS))}, {args.repeats} independent runs each "
      "(`kevolve simulate <space> --strategy S --budget B --repeats "
      f"{args.repeats} --json`), cold start. Fraction of optimum of a run = fastest time in the "
      "space / fastest time the run found (0 if it found nothing that works); failed "
      "configurations cost an evaluation. Proposals one at a time (`--batch 1`) unless said.")
    w("")
    w("| space | kernel, GPU | configurations (failed) | optimum |")
    w("|---|---|---|---|")
    for p in spaces:
        s = info[p.name]
        w(f"| {p.name} | {s['kernel'] or '?'}, {s['device'] or '(device not recorded)'} | "
          f"{s['valid']} ({s['failed']}) | "
          f"{s['optimum']:.4g} ms |")
    w("")
    w("## Mean over the spaces, against Kernel Tuner's anchors")
    w("")
    w("Mean fraction of optimum. Kernel Tuner's rows are its published figures on its 20 "
      "spaces, not a run on these five: random sampling reaches "
      f"{mean_over_spaces(results['random'], 100, developed):.3f} at 100 here against 0.892 "
      "there, so these spaces are harder than that set's average. The shared spaces only: "
      "they are what the strategies were developed on.")
    w("")
    strategy_rows(developed)
    for name, values in ANCHORS.items():
        w(f"| Kernel Tuner {name} (20 spaces) | " + " | ".join(f"{v:.3f}" for v in values) +
          " | |")
    w("")
    if holdout:
        w("## Spaces recorded by kevolve, not used in development")
        w("")
        w("Whole spaces of this project's CUDA examples, searched exhaustively on a GPU by "
          "`kevolve tune --strategy exhaustive` (`bash scripts/device-examples.sh --no-tune "
          "--record`) and converted by `bench/record_space.py`; the strategies were settled "
          "before these were recorded. They are easier than the shared ones (random sampling "
          f"reaches {mean_over_spaces(results['random'], 100, holdout):.3f} at 100); the "
          "reduction example's space was recorded too and left out: 202 of its 480 "
          "configurations lie within 5% of the optimum. Mean over them:")
        w("")
        strategy_rows(holdout)
        w("")
    for p in spaces:
        w(f"## {p.name}")
        w("")
        w("| strategy | " + " | ".join(f"@{b} mean / median / within 5%" for b in BUDGETS) + " |")
        w("|---|" + "---|" * len(BUDGETS))
        rows = [(s, results[s][p.name]) for s in names] + [(f"{default}, batches of 16",
                                                           batched[p.name])]
        for s, table in rows:
            cells = []
            for b in BUDGETS:
                r = table[b]
                cells.append(f"{r['mean_fraction_of_optimum']:.3f} / "
                             f"{r['median_fraction_of_optimum']:.3f} / "
                             f"{100 * r['hit_rate_5pct']:.0f}%")
            w(f"| {s} | " + " | ".join(cells) + " |")
        w("")
    pathlib.Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
