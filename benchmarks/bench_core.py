"""Core benchmarks: per-op overhead, and one step of logistic regression and the 4-layer net.

Run by hand (never part of the test suite), single-threaded, side by side in one process::

    python benchmarks/bench_core.py            # full run, ~20 seconds
    python benchmarks/bench_core.py --quick    # a few seconds, noisier

(a) per-op overhead: a chain of 1,000 elementwise ops (``* c``, ``+ c``, ``tanh`` in turn)
    on a 1-element float32 tensor, forward + backward, in microseconds per op, for
    tinygrad_nn, PyTorch eager and (forward only, as the floor) plain NumPy.
(b) one full-batch training step of logistic regression, [12288, 1] (the course's
    propagate + gradient descent), and of the 4-layer net [12288, 20, 7, 5, 1] (ReLU, sigmoid
    output, binary cross-entropy, 209 examples, float32, examples along the last axis:
    X (12288, 209), W1 (20, 12288)): forward, backward and the gradient-descent update,
    with tinygrad_nn, with the course's forward/backward written out by hand in NumPy (as
    written, and "tuned" with tinygrad_nn's matmul operand order), and with PyTorch eager.

Every measurement runs its implementations in alternating blocks. Prints markdown tables
(median and min over many repeats after a warm-up, the ratios, and for (b) minor page
faults per step) and issue 13's verdicts (``GOAL`` lines, collected by run_all.py): tiny
ops within 0.6x of PyTorch eager, logistic regression within 1.15x and the 4-layer net
within 1.05x of hand-written NumPy. The results are recorded in docs/performance.md.
"""

from __future__ import annotations

import os

# single-threaded BLAS for every library, set BEFORE NumPy (or torch) is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _harness import interleaved, print_table, report_goal  # noqa: E402

import tinygrad_nn as tg  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is an optional, test-only reference
    torch = None

M = 209  # examples in the course's cat training set
# (layer sizes, issue 13's name, goal vs NumPy by hand): [12288, 1] is logistic regression
NETS = [([12288, 1], "logistic regression step", 1.15),
        ([12288, 20, 7, 5, 1], "4-layer net", 1.05)]
TINY_GOAL = 0.6  # issue 13: tiny ops, forward + backward, vs PyTorch eager
CHAIN = 1000  # ops in the overhead chain
LR = 0.0075


# ---------------------------------------------------------------- (a) per-op overhead


def chain_tinygrad() -> Callable[[], None]:
    x = tg.Tensor(np.array([0.5], dtype=np.float32), requires_grad=True)

    def step() -> None:
        y = x
        for i in range(CHAIN):
            k = i % 3
            y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())
        y.backward(np.ones(1, np.float32))
        x.grad = None

    return step


def chain_torch() -> Callable[[], None]:
    x = torch.tensor([0.5], dtype=torch.float32, requires_grad=True)
    seed = torch.ones(1)

    def step() -> None:
        y = x
        for i in range(CHAIN):
            k = i % 3
            y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())
        y.backward(seed)
        x.grad = None

    return step


def chain_numpy() -> Callable[[], None]:
    x = np.array([0.5], dtype=np.float32)

    def step() -> None:
        y = x
        for i in range(CHAIN):
            k = i % 3
            y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else np.tanh(y))

    return step


def chain_tinygrad_forward() -> Callable[[], None]:
    x = tg.Tensor(np.array([0.5], dtype=np.float32), requires_grad=True)

    def step() -> None:
        y = x
        for i in range(CHAIN):
            k = i % 3
            y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())

    return step


# ------------------------------------------------------- (b) one 4-layer training step


def make_data(layers: list[int], seed: int = 1
              ) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Cat-like inputs X (12288, 209) in [0, 1], labels Y (1, 209), He-scaled weights."""
    rng = np.random.default_rng(seed)
    X = rng.random((layers[0], M), dtype=np.float32)
    Y = (rng.random((1, M)) < 0.35).astype(np.float32)
    params = []
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        W = (rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(np.float32)
        params.append((W, np.zeros((n_out, 1), np.float32)))
    return X, Y, params


def step_numpy(X: np.ndarray, Y: np.ndarray, params: list[Any],
               tuned: bool = False) -> Callable[[], float]:
    """The course's L_model_forward / L_model_backward / update_parameters, by hand.

    ``tuned`` computes dW = dZ @ A_prev.T as (A_prev @ dZ.T).T, the operand order that
    OpenBLAS runs up to 2x faster for the wide first layer (tinygrad_nn's matmul does this).
    """
    Ws = [W.copy() for W, _ in params]
    bs = [b.copy() for _, b in params]
    L = len(Ws)
    m = X.shape[1]

    def step() -> float:
        A, caches = X, []
        for i in range(L):  # forward
            Z = Ws[i] @ A + bs[i]
            caches.append((A, Z))
            A = np.maximum(Z, 0) if i < L - 1 else 1 / (1 + np.exp(-Z))
        AL = A
        cost = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
        dZ = (AL - Y) / m  # d cost / d Z_L for sigmoid + cross-entropy
        for i in reversed(range(L)):  # backward and update
            A_prev, Z = caches[i]
            dW = np.ascontiguousarray((A_prev @ dZ.T).T) if tuned else dZ @ A_prev.T
            db = dZ.sum(axis=1, keepdims=True)
            if i > 0:
                dA = Ws[i].T @ dZ
                dZ = dA * (caches[i - 1][1] > 0)
            Ws[i] -= LR * dW
            bs[i] -= LR * db
        return float(cost)

    return step


def step_autograd(lib: Any, X: np.ndarray, Y: np.ndarray,
                  params: list[Any]) -> Callable[[], float]:
    """The same step written with an autograd library's tensors: ``tg`` or ``torch`` (both
    spell ``tensor(data, requires_grad=...)``, ``no_grad`` and ``binary_cross_entropy`` alike)."""
    F = tg.functional if lib is tg else lib.nn.functional
    Xt, Yt = lib.tensor(X), lib.tensor(Y)
    ps = [(lib.tensor(W.copy(), requires_grad=True), lib.tensor(b.copy(), requires_grad=True))
          for W, b in params]
    flat = [p for pair in ps for p in pair]

    def step() -> float:
        A = Xt
        for i, (W, b) in enumerate(ps):
            Z = W @ A + b
            A = Z.relu() if i < len(ps) - 1 else Z.sigmoid()
        cost = F.binary_cross_entropy(A, Yt)
        cost.backward()
        with lib.no_grad():
            for p in flat:
                p -= LR * p.grad
                p.grad = None
        return cost.item()

    return step


# ------------------------------------------------------------------------------ report


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see the BLAS kernel)"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')} "
        f"threads={i.get('num_threads')}" for i in blas
    ) or "none found"


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return [
        f"CPU: {cpu}, {os.cpu_count()} logical cores (benchmarks run single-threaded)",
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"PyTorch {torch.__version__ if torch else 'not installed'}, tinygrad_nn {tg.__version__}",
        f"BLAS: {blas_info()}",
        "OPENBLAS_CORETYPE=" + os.environ.get("OPENBLAS_CORETYPE", "(unset)")
        + ", OPENBLAS_L2_SIZE=" + os.environ.get("OPENBLAS_L2_SIZE", "(unset)"),
    ]


def row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few repeats: a fast, noisier run")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats per measurement")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with the process's CPU clock instead of the wall clock "
                         "(steadier on a shared machine; everything runs on one thread)")
    args = ap.parse_args(argv)
    clock = time.process_time if args.cpu_time else time.perf_counter
    rep = args.repeats or (6 if args.quick else 100)
    warm = 2 if args.quick else 5
    if torch is not None:
        torch.set_num_threads(1)

    print("\n".join("- " + m for m in machine()))
    print(f"- clock: {'process CPU time' if args.cpu_time else 'wall clock'}")
    print()

    # (a) in alternating blocks, like every other measurement
    chains = {"tinygrad_nn, forward + backward": chain_tinygrad(),
              "tinygrad_nn, forward only": chain_tinygrad_forward()}
    if torch is not None:
        chains["PyTorch eager, forward + backward"] = chain_torch()
    chains["NumPy, forward only"] = chain_numpy()
    times = interleaved(chains, 2, rep // 2 or 1, warm, clock=clock)
    us = 1e3 / CHAIN  # ms per chain -> microseconds per op
    print(f"### Per-op overhead: chain of {CHAIN} elementwise ops on a 1-element tensor")
    print()
    print(row("implementation", "median µs/op", "min µs/op"))
    print(row("---", "---:", "---:"))
    for name, ts in times.items():
        print(row(name, f"{statistics.median(ts) * us:.2f}", f"{min(ts) * us:.2f}"))
    print()
    if torch is not None:
        report_goal("tiny ops, forward + backward",
                    statistics.median(times["tinygrad_nn, forward + backward"]) * us,
                    statistics.median(times["PyTorch eager, forward + backward"]) * us,
                    "PyTorch eager", "µs/op", TINY_GOAL)
    print()

    # (b) logistic regression, then the 4-layer net: the same data, the same code
    for layers, workload, goal in NETS:
        X, Y, params = make_data(layers)
        steps: dict[str, Callable[[], float]] = {
            "NumPy by hand": step_numpy(X, Y, params),
            "NumPy by hand, tuned": step_numpy(X, Y, params, tuned=True),
            "tinygrad_nn": step_autograd(tg, X, Y, params),
        }
        if torch is not None:
            steps["PyTorch eager"] = step_autograd(torch, X, Y, params)
        costs = {name: [fn() for _ in range(3)] for name, fn in steps.items()}  # also warms up
        ref = costs["NumPy by hand"]
        for name, cs in costs.items():  # every implementation follows the same trajectory
            if not np.allclose(cs, ref, rtol=1e-3, atol=1e-5):
                raise SystemExit(f"{name} computes different costs {cs} from NumPy's {ref}")
        faults: dict[str, float] = {}
        times = interleaved(steps, 4, max(rep // 4, 1), warm, clock=clock, faults=faults)
        med = {k: statistics.median(v) for k, v in times.items()}
        best = {k: min(v) for k, v in times.items()}
        print_table(f"One training step: {workload}, {layers} (full batch of {M}, float32, "
                    "single thread)", med, best, faults)
        report_goal(workload, med["tinygrad_nn"], med["NumPy by hand"], "NumPy by hand", "ms",
                    goal)
        tuned = med["tinygrad_nn"] / med["NumPy by hand, tuned"]
        print(f"tinygrad_nn / NumPy by hand, tuned: {tuned:.3f}x median (the engine's own "
              "overhead)")
        print()


if __name__ == "__main__":
    main()
