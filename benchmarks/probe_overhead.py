"""Probe the per-op overhead floor: tinygrad_nn against a 60-line minimal engine and PyTorch.

Not a benchmark (run_all.py does not run it): the yardstick behind the hot-path work of
issue 13 (docs/performance.md). The minimal engine below does only what a reverse-mode
engine must on the tiny-op chain (``* 1.001``, ``+ 0.001``, ``tanh`` in turn on a
1-element float32 tensor): a node with its parents and saved values, a Tensor with data
and node, a heap walk. No broadcasting, dtype promotion, version counters, hooks, anomaly
mode, create_graph or checks. What tinygrad_nn costs above it is the price of those::

    python benchmarks/probe_overhead.py          # 40 interleaved rounds, ~30 s
    python benchmarks/probe_overhead.py --rounds 10

Prints forward and backward µs per op (medians over rounds, wall clock, one thread), and
each engine's total as a ratio to PyTorch eager's in the same rounds (if installed).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import heapq  # noqa: E402
import itertools  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import tinygrad_nn as tg  # noqa: E402

_seq = itertools.count(1)


class _Node:
    __slots__ = ("parents", "saved", "seq")


class _Mul(_Node):
    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, x: Any, c: float) -> Any:
        ctx.saved = c
        return x * c

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g * ctx.saved


class _Add(_Node):
    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, x: Any, c: float) -> Any:
        return x + c

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g


class _Tanh(_Node):
    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = y = np.tanh(x)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        y = ctx.saved
        return g * (1 - y * y)


class MiniTensor:
    """Data, its node (None for the leaf), a gradient."""

    __slots__ = ("data", "node", "grad")

    def __init__(self, data: Any, node: Any = None) -> None:
        self.data, self.node, self.grad = data, node, None

    def _apply(self, op: Any, *rest: Any) -> MiniTensor:
        ctx = op()
        ctx.parents = self.node if self.node is not None else self
        out = op.forward(ctx, self.data, *rest)
        ctx.seq = next(_seq)
        return MiniTensor(out, ctx)

    def __mul__(self, c: float) -> MiniTensor:
        return self._apply(_Mul, c)

    def __add__(self, c: float) -> MiniTensor:
        return self._apply(_Add, c)

    def tanh(self) -> MiniTensor:
        return self._apply(_Tanh)

    def backward(self) -> None:
        grads = {-self.node.seq: np.ones_like(self.data)}
        nodes = {-self.node.seq: self.node}
        heap = [-self.node.seq]
        while heap:
            key = heapq.heappop(heap)
            node, g = nodes.pop(key), grads.pop(key)
            gp, p = type(node).backward(node, g), node.parents
            if isinstance(p, _Node):
                k = -p.seq
                if k in grads:
                    grads[k] = grads[k] + gp
                else:
                    grads[k], nodes[k] = gp, p
                    heapq.heappush(heap, k)
            else:
                p.grad = gp if p.grad is None else p.grad + gp


def chain(make: Any, n: int = 1000) -> tuple[float, float]:
    x = make()
    t0 = time.perf_counter()
    y = x
    for i in range(n):
        k = i % 3
        y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())
    t1 = time.perf_counter()
    (y if isinstance(y, MiniTensor) else y.sum()).backward()
    t2 = time.perf_counter()
    return (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    args = ap.parse_args()
    engines = {
        "minimal engine": lambda: MiniTensor(np.array([0.5], np.float32)),
        "tinygrad_nn": lambda: tg.tensor([0.5], requires_grad=True),
    }
    try:
        import torch

        torch.set_num_threads(1)
        engines["PyTorch eager"] = lambda: torch.tensor([0.5], requires_grad=True)
    except ImportError:
        pass
    for make in engines.values():
        for _ in range(3):
            chain(make)
    res: dict[str, list[tuple[float, float]]] = {k: [] for k in engines}
    for _ in range(args.rounds):
        for k, make in engines.items():
            res[k].append(chain(make))
    print("| engine | forward µs/op | backward µs/op | total vs PyTorch eager |")
    print("| --- | ---: | ---: | ---: |")
    ref = res.get("PyTorch eager")
    for k, rs in res.items():
        f = statistics.median(a for a, _ in rs)
        b = statistics.median(b for _, b in rs)
        ratio = (f"{statistics.median((a + b) / (c + d) for (a, b), (c, d) in zip(rs, ref)):.2f}x"
                 if ref else "-")
        print(f"| {k} | {f:.2f} | {b:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
