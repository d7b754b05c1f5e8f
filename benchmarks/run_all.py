"""Run every ``benchmarks/bench_*.py`` script and print their results as one markdown table.

    python benchmarks/run_all.py [--runs 3] [--quick] [--cpu-time] [--only core,cnn]

Each script runs in its own process (``--quick`` and ``--cpu-time`` are passed on), ``--runs``
times in turn, and prints markdown tables, each under a ``### title`` heading, and one
``GOAL {json}`` line per workload of issue 13 (``_harness.report_goal``). This runner prints

1. issue 13's table: per workload, tinygrad_nn's and the reference's median, the median
   ratio with its range over the runs, and the goal with its verdict;
2. every table row of every run as one row of a combined table:

    | run | script | measurement | implementation | results |

where *implementation* is the row's first cell and *results* the other cells, each labelled
with its column header. A script that fails gets a row saying so, its error goes to stderr,
and the runner exits with status 1. Scripts pin BLAS to one thread themselves; the same
variables are also set here for their processes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# bench_threads loads the machine on purpose; bench_data_workers measures DataLoader workers
ON_REQUEST = {"bench_threads.py", "bench_data_workers.py"}
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def parse_tables(text: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Markdown tables in ``text`` as (title, header, rows); title is the last ``#`` heading."""
    tables = []
    title = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("#"):
            title = line.lstrip("#").strip()
        below = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if line.startswith("|") and "-" in below and set(below) <= set("|-: "):
            header = _cells(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables.append((title, header, rows))
            continue
        i += 1
    return tables


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def merge(script: str, tables: list[tuple[str, list[str], list[list[str]]]]) -> list[list[str]]:
    """One output row per table row: script, measurement, implementation, labelled results."""
    out = []
    for title, header, rows in tables:
        for row in rows:
            results = "; ".join(f"{h} {c}" for h, c in zip(header[1:], row[1:]) if c)
            out.append([script, title or "-", row[0] if row else "", results])
    return out


ISSUE_ORDER = ("logistic regression", "4-layer", "MLP", "small CNN", "LSTM", "tiny ops",
               "chain of 100,000 ops", "chain of 1,000,000 ops", "per-op cost")


def parse_goals(text: str) -> list[dict[str, Any]]:
    """The ``GOAL {json}`` lines a script printed (``_harness.report_goal``)."""
    return [json.loads(line[5:]) for line in text.splitlines() if line.startswith("GOAL {")]


def _order(workload: str) -> int:
    return next((i for i, k in enumerate(ISSUE_ORDER) if workload.startswith(k)),
                len(ISSUE_ORDER))


def summary(goals: list[list[dict[str, Any]]]) -> list[str]:
    """Issue 13's table from every run's goal records: per workload the median of
    tinygrad_nn's and the reference's values, the median ratio and its range over the
    runs, the goal and whether the median ratio meets it."""
    by: dict[str, list[dict[str, Any]]] = {}
    for run in goals:
        for g in run:
            by.setdefault(g["workload"], []).append(g)
    lines = ["| workload | tinygrad_nn | reference | ratio, median (range) | runs | goal | |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for name in sorted(by, key=_order):
        gs = by[name]
        ratios = [g["value"] / g["ref"] for g in gs]
        r = statistics.median(ratios)
        unit, goal = gs[0]["unit"], gs[0]["goal"]
        value = statistics.median(g["value"] for g in gs)
        ref = statistics.median(g["ref"] for g in gs)
        lines.append(f"| {name} | {value:.4g} {unit} | {gs[0]['ref_name']} {ref:.4g} {unit} | "
                     f"{r:.2f}x ({min(ratios):.2f}-{max(ratios):.2f}) | {len(gs)} | "
                     f"<= {goal:g}x | {'met' if r <= goal else 'NOT met'} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="pass --quick to every script")
    ap.add_argument("--cpu-time", action="store_true",
                    help="pass --cpu-time to every script (steadier on a busy machine)")
    ap.add_argument("--runs", type=int, default=1,
                    help="run every script this many times (in turn) and report medians "
                         "and ranges over the runs")
    ap.add_argument("--only", help="comma-separated names, e.g. core,cnn for bench_core.py ...")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per script")
    args = ap.parse_args(argv)

    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {f"bench_{name.strip()}.py" for name in args.only.split(",")}
        scripts = [s for s in scripts if s.name in wanted]
    else:  # measurements of the machine, not of the engine: run them by name with --only
        scripts = [s for s in scripts if s.name not in ON_REQUEST]
    if not scripts:
        print("no benchmark scripts matched", file=sys.stderr)
        return 1

    env = dict(os.environ, **SINGLE_THREAD)
    flags = (["--quick"] if args.quick else []) + (["--cpu-time"] if args.cpu_time else [])
    rows: list[list[str]] = []
    goals: list[list[dict[str, Any]]] = []
    failed = False
    for run in range(1, args.runs + 1):
        run_goals: list[dict[str, Any]] = []
        for script in scripts:
            print(f"run {run}: {script.name} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            try:
                proc = subprocess.run([sys.executable, str(script)] + flags, capture_output=True,
                                      text=True, env=env, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                rows.append([str(run), script.name, "-", "-",
                             f"TIMED OUT after {args.timeout:.0f} s"])
                failed = True
                continue
            print(f"  done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            if proc.returncode != 0:
                rows.append([str(run), script.name, "-", "-",
                             f"FAILED (exit code {proc.returncode})"])
                print(proc.stderr[-4000:], file=sys.stderr)
                failed = True
                continue
            found = merge(script.name, parse_tables(proc.stdout))
            rows.extend([str(run)] + r for r in found or
                        [[script.name, "-", "-", "printed no markdown table"]])
            run_goals.extend(parse_goals(proc.stdout))
        goals.append(run_goals)

    print("### Issue 13's workloads: tinygrad_nn against its reference "
          f"({args.runs} run(s); {'process CPU time' if args.cpu_time else 'wall clock'})\n")
    print("\n".join(summary(goals)))
    print("\n### Every measurement\n")
    print("| run | script | measurement | implementation | results |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
