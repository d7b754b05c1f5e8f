"""Run every ``benchmarks/bench_*.py`` script and print their results as one markdown table.

    python benchmarks/run_all.py [--quick] [--only core,cnn] [--timeout 900]

Each script runs in its own process (``--quick`` is passed on) and prints markdown tables,
each under a ``### title`` heading. This runner collects every table row into one table:

    | script | measurement | implementation | results |

where *implementation* is the row's first cell and *results* the other cells, each labelled
with its column header. A script that fails gets a row saying so, its error goes to stderr,
and the runner exits with status 1. Scripts pin BLAS to one thread themselves; the same
variables are also set here for their processes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="pass --quick to every script")
    ap.add_argument("--only", help="comma-separated names, e.g. core,cnn for bench_core.py ...")
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed per script")
    args = ap.parse_args(argv)

    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {f"bench_{name.strip()}.py" for name in args.only.split(",")}
        scripts = [s for s in scripts if s.name in wanted]
    if not scripts:
        print("no benchmark scripts matched", file=sys.stderr)
        return 1

    env = dict(os.environ, **SINGLE_THREAD)
    rows: list[list[str]] = []
    failed = False
    for script in scripts:
        cmd = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                                  timeout=args.timeout)
        except subprocess.TimeoutExpired:
            rows.append([script.name, "-", "-", f"TIMED OUT after {args.timeout:.0f} s"])
            failed = True
            continue
        seconds = time.perf_counter() - t0
        print(f"  done in {seconds:.1f} s", file=sys.stderr, flush=True)
        if proc.returncode != 0:
            rows.append([script.name, "-", "-", f"FAILED (exit code {proc.returncode})"])
            print(proc.stderr[-4000:], file=sys.stderr)
            failed = True
            continue
        found = merge(script.name, parse_tables(proc.stdout))
        rows.extend(found or [[script.name, "-", "-", "printed no markdown table"]])

    print("| script | measurement | implementation | results |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
