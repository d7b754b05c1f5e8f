"""Probe the floor under the logistic-regression row: tinygrad_nn's NumPy calls, without the engine.

Not a benchmark (run_all.py does not run it): the measurement behind issue 13's logistic-
regression row (docs/performance.md, session 15). It times, side by side in interleaved
blocks, three versions of one full-batch step ([12288, 1], 209 examples, float32):

- "NumPy by hand": bench_core.py's step, the course's code;
- "floor": the NumPy calls tinygrad_nn's step makes, in its order, written out with no
  engine around them: PyTorch's semantics (the sigmoid's range check, the binary
  cross-entropy's [0, 1] check and its log1p form, its two-node backward (BCE, then the
  sigmoid), the bias gradient summed, the weight gradient as (X @ dZ.T).T);
- "tinygrad_nn": bench_core.py's autograd step.

floor / hand is what PyTorch's semantics cost in NumPy work; tinygrad_nn / floor is what the
define-by-run engine (Python frames, nodes, the walk) costs on top::

    python benchmarks/probe_floor.py [--rounds 3] [--cpu-time]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
from _harness import interleaved  # noqa: E402
from bench_core import LR, make_data, step_autograd, step_numpy  # noqa: E402

import tinygrad_nn as tg  # noqa: E402


def step_floor(X: np.ndarray, Y: np.ndarray, W0: np.ndarray, b0: np.ndarray
               ) -> Callable[[], float]:
    """tinygrad_nn's NumPy calls for one step, in its order, with nothing else."""
    W, b = W0.copy(), b0.copy()
    scale = np.float32(1.0 / X.shape[1])
    one = np.ones((), np.float32)

    def step() -> float:
        Z = W @ X  # MatMul
        Z = Z + b  # Add
        if not np.minimum.reduce(Z, axis=None) >= -88.0:  # Sigmoid: exp(-z) overflows?
            raise SystemExit("inputs the probe does not cover")
        e = np.exp(-Z)
        e += one
        A = np.reciprocal(e, out=e)
        lo, hi = np.minimum.reduce(A, axis=None), np.maximum.reduce(A, axis=None)
        if not (lo >= 0 and hi <= 1):  # BinaryCrossEntropy: probabilities?
            raise SystemExit("inputs the probe does not cover")
        loss = (Y - one) * np.log1p(-A)
        loss -= Y * np.log(A)
        cost = np.add.reduce(loss, axis=None) * scale
        g = np.empty((), np.float32)  # the seed
        g.fill(1)
        g = g * scale  # BCE backward
        gp = g * (A - Y)
        gp = gp / ((one - A) * A)
        gz = gp * A * (one - A)  # Sigmoid backward
        gb = np.add.reduce(gz, axis=(1,), keepdims=True)  # Add backward: the bias' sum
        gW = np.ascontiguousarray((X @ gz.T).T)  # MatMul backward, into W.grad
        np.subtract(W, LR * gW, out=W)  # p -= lr * p.grad
        np.subtract(b, LR * gb, out=b)
        return float(cost)

    return step


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="interleaved measurements")
    ap.add_argument("--cpu-time", action="store_true", help="the process's CPU clock")
    args = ap.parse_args(argv)
    clock = time.process_time if args.cpu_time else time.perf_counter
    X, Y, params = make_data([12288, 1])
    W0, b0 = params[0]
    steps = {"NumPy by hand": step_numpy(X, Y, params),
             "floor": step_floor(X, Y, W0, b0),
             "tinygrad_nn": step_autograd(tg, X, Y, params)}
    costs = {name: [fn() for _ in range(3)] for name, fn in steps.items()}
    for name, cs in costs.items():  # the same trajectory, or the probe measures nothing
        if not np.allclose(cs, costs["NumPy by hand"], rtol=1e-4):
            raise SystemExit(f"{name} computes costs {cs}, the hand-written step "
                             f"{costs['NumPy by hand']}")
    print("| round | NumPy by hand | floor | tinygrad_nn | floor / hand | tinygrad_nn / floor |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in range(args.rounds):
        med = {k: statistics.median(v)
               for k, v in interleaved(steps, 4, 25, 5, clock=clock).items()}
        hand, floor, ours = med["NumPy by hand"], med["floor"], med["tinygrad_nn"]
        print(f"| {r + 1} | {hand:.3f} ms | {floor:.3f} ms | {ours:.3f} ms | "
              f"{floor / hand:.2f}x | {ours / floor:.2f}x |")


if __name__ == "__main__":
    main()
