"""Probe where the per-op overhead goes, in Python bytecodes: a count, not a timing.

Not a benchmark (run_all.py does not run it): the profile behind issue 13's unmet
per-op rows (docs/performance.md). Timings on a shared machine move by 20-50% from run
to run; the number of bytecodes the interpreter executes per op does not move at all, and
on this workload the time is close to linear in it (the NumPy calls are the same in every
engine). ``sys.settrace`` with opcode events counts them per function::

    python benchmarks/probe_bytecodes.py            # ~5 seconds
    python benchmarks/probe_bytecodes.py --top 25

Prints, per op of the tiny-op chain (``* 1.001``, ``+ 0.001``, ``tanh`` in turn, forward +
backward), the bytecodes of tinygrad_nn and of probe_overhead.py's 60-line minimal engine,
tinygrad_nn's functions that execute the most, and the bytecodes per training step of
bench_core.py's logistic regression and 4-layer net (with 16 input features, so that the
products cost nothing and only the engine's own work is left).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

# bytecodes exist only where the engine runs as Python: count the source, not its compiled
# form (tinygrad_nn/_compiled.py), whatever the install built
os.environ["TINYGRAD_NN_PURE_PYTHON"] = "1"

import probe_overhead as po  # noqa: E402
from bench_core import make_data, step_autograd  # noqa: E402

import tinygrad_nn as tg  # noqa: E402

OPS = 300  # ops per counted chain


def count(fn: Callable[[], Any]) -> tuple[int, collections.Counter[str]]:
    """(bytecodes executed by one call of ``fn``, per function), after a warm-up call."""
    fn()
    per: collections.Counter[str] = collections.Counter()

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            co = frame.f_code
            per[f"{os.path.basename(co.co_filename)}:{co.co_firstlineno} {co.co_name}"] += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return sum(per.values()), per


def chain(x: Any, backward: Callable[[Any], None]) -> Callable[[], None]:
    def run() -> None:
        y = x
        for i in range(OPS):
            k = i % 3
            y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())
        backward(y)

    return run


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=12, help="functions to list")
    args = ap.parse_args(argv)

    x = tg.Tensor(np.array([0.5], dtype=np.float32), requires_grad=True)
    seed = np.ones(1, np.float32)

    def tg_backward(y: Any) -> None:
        y.backward(seed)
        x.grad = None

    total, per = count(chain(x, tg_backward))
    mini, _ = count(chain(po.MiniTensor(np.array([0.5], dtype=np.float32)),
                          lambda y: y.backward()))
    print(f"### Bytecodes per op, chain of {OPS} tiny ops, forward + backward")
    print()
    print("| engine | bytecodes/op |")
    print("| --- | ---: |")
    print(f"| tinygrad_nn | {total / OPS:.0f} |")
    print(f"| minimal engine (probe_overhead.py) | {mini / OPS:.0f} |")
    print()
    print("| tinygrad_nn function | bytecodes/op |")
    print("| --- | ---: |")
    for name, n in per.most_common(args.top):
        print(f"| {name} | {n / OPS:.1f} |")
    print()

    print("### Bytecodes per training step (16 input features: the engine's own work)")
    print()
    print("| workload | bytecodes/step | top functions |")
    print("| --- | ---: | --- |")
    for layers, name in (([16, 1], "logistic regression"), ([16, 20, 7, 5, 1], "4-layer net")):
        X, Y, params = make_data(layers)
        total, per = count(step_autograd(tg, X, Y, params))
        top = ", ".join(f"{k.split()[1]} {n}" for k, n in per.most_common(4))
        print(f"| {name} {layers} | {total} | {top} |")


if __name__ == "__main__":
    main()
