"""Probe the per-op overhead paid cold: the logistic-regression step after its caches are flushed.

Not a benchmark (run_all.py does not run it): the measurement behind issue 13's logistic-
regression row (docs/performance.md, session 12). At full size ([12288, 1], 209 examples)
the step's two matrix products each stream the 10 MB input X through the core's caches, so
every op after them finds the interpreter's, NumPy's and the engine's code and objects
evicted. This probe runs the same step with 16 features (its NumPy work negligible) after a
sweep of ``--sweep`` bytes before every step, and prints each engine's time above the sweep
alone, and its gap above the hand-written NumPy step::

    python benchmarks/probe_cold.py                       # sweeps of 0, 2 MB and 10 MB
    python benchmarks/probe_cold.py --sweep 0 20000000 --rounds 21
    python benchmarks/probe_cold.py --phases              # the full-size step, by phase

``--phases`` times the full-size step ([12288, 1]) in four phases, forward product, rest of
the forward, backward, update, for the engine and the hand-written step, each phase with
the caches as the step itself leaves them.

Wall clock, one thread, medians over interleaved rounds. Run cachegrind on it for the
deterministic side (machine instructions, and misses of a 2 MB last-level cache standing
in for one core's L2): see docs/performance.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_core  # noqa: E402

import tinygrad_nn as tg  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is a reference only
    torch = None

FEATURES = 16  # the step's NumPy work is negligible: what is left is overhead


def steps() -> dict[str, Callable[[], float]]:
    X, Y, params = bench_core.make_data([FEATURES, 1])
    fns = {"NumPy by hand": bench_core.step_numpy(X, Y, params),
           "tinygrad_nn": bench_core.step_autograd(tg, X, Y, params)}
    if torch is not None:
        fns["PyTorch eager"] = bench_core.step_autograd(torch, X, Y, params)
    return fns


def measure(sweep: int, rounds: int, per_round: int) -> dict[str, float]:
    """µs per step above the sweep alone, per engine (medians over interleaved rounds)."""
    big = np.ones(max(sweep // 4, 1), np.float32)
    fns: dict[str, Callable[[], Any]] = {"sweep alone": lambda: None, **steps()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(rounds):
        for name, fn in fns.items():
            for _ in range(10):  # warm up (and let every engine reach its steady state)
                big.sum()
                fn()
            start = clock()
            for _ in range(per_round):
                big.sum()  # (reads every byte of the sweep: the caches now hold it)
                fn()
            times[name].append((clock() - start) / per_round * 1e6)
    base = statistics.median(times.pop("sweep alone"))
    return {name: statistics.median(v) - base for name, v in times.items()}


def phases(rounds: int) -> None:
    """µs per phase of the full-size step: tinygrad_nn against the hand-written NumPy step."""
    X, Y, params = bench_core.make_data([12288, 1])
    m, lr, F = X.shape[1], bench_core.LR, tg.functional
    Xt, Yt = tg.tensor(X), tg.tensor(Y)
    W = tg.tensor(params[0][0].copy(), requires_grad=True)
    b = tg.tensor(params[0][1].copy(), requires_grad=True)
    Wn, bn = params[0][0].copy(), params[0][1].copy()
    clock = time.perf_counter
    names = ("forward product", "rest of the forward", "backward", "update")
    times: dict[str, dict[str, list[float]]] = {e: {n: [] for n in names}
                                                for e in ("NumPy by hand", "tinygrad_nn")}

    def engine() -> None:
        t0 = clock()
        Z = W @ Xt
        t1 = clock()
        cost = F.binary_cross_entropy((Z + b).sigmoid(), Yt)
        t2 = clock()
        cost.backward()
        t3 = clock()
        with tg.no_grad():
            for p in (W, b):
                p -= lr * p.grad
                p.grad = None
        cost.item()
        t4 = clock()
        for name, t in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times["tinygrad_nn"][name].append(t)

    def by_hand() -> None:
        t0 = clock()
        Z = Wn @ X
        t1 = clock()
        A = 1 / (1 + np.exp(-(Z + bn)))
        cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
        t2 = clock()
        dZ = (A - Y) / m
        dW, db = dZ @ X.T, dZ.sum(axis=1, keepdims=True)
        t3 = clock()
        Wn[...] -= lr * dW
        bn[...] -= lr * db
        float(cost)
        t4 = clock()
        for name, t in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times["NumPy by hand"][name].append(t)

    for _ in range(rounds):
        for fn in (by_hand, engine):
            for _ in range(50):
                fn()
    print(f"### Logistic regression [12288, 1], 209 examples, by phase (µs, medians of "
          f"{50 * rounds} steps; wall clock, one thread)\n")
    print("| phase | NumPy by hand | tinygrad_nn | difference |")
    print("| --- | ---: | ---: | ---: |")
    total = [0.0, 0.0]
    for name in names:
        a, t = (statistics.median(times[e][name]) * 1e6 for e in times)
        total = [total[0] + a, total[1] + t]
        print(f"| {name} | {a:.1f} | {t:.1f} | {t - a:+.1f} |")
    print(f"| **step** | {total[0]:.1f} | {total[1]:.1f} | {total[1] - total[0]:+.1f} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweep", type=int, nargs="+", default=[0, 2_000_000, 10_000_000],
                    help="bytes read before every step (default: 0, 2 MB, 10 MB)")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--per-round", type=int, default=200)
    ap.add_argument("--phases", action="store_true",
                    help="time the full-size step by phase instead")
    args = ap.parse_args(argv)
    if args.phases:
        phases(args.rounds)
        return
    print(f"### Logistic regression [{FEATURES}, 1], 209 examples, after a cache sweep "
          "(µs per step above the sweep; wall clock, one thread)\n")
    names = list(steps())
    print("| bytes swept | " + " | ".join(names) + " | tinygrad_nn - NumPy | PyTorch - NumPy |")
    print("| ---: " * (len(names) + 3) + "|")
    for sweep in args.sweep:
        t = measure(sweep, args.rounds, args.per_round)
        ref = t["NumPy by hand"]
        gaps = [f"{t['tinygrad_nn'] - ref:.1f}",
                f"{t['PyTorch eager'] - ref:.1f}" if "PyTorch eager" in t else "-"]
        print(f"| {sweep:,} | " + " | ".join(f"{t[n]:.1f}" for n in names)
              + " | " + " | ".join(gaps) + " |")


if __name__ == "__main__":
    main()
