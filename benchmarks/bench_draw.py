"""Drawing benchmark: the time ``viz.draw_graph`` takes to turn a 10,000-op graph into DOT text.

Run by hand (never part of the test suite)::

    python benchmarks/bench_draw.py             # 5 drawings, ~30 s
    python benchmarks/bench_draw.py --quick     # 2 drawings
    python benchmarks/bench_draw.py --cpu-time  # CPU clock: steadier on a busy machine

The graph is the one the test suite draws (tests/viz/test_viz.py, which checks what is
drawn, not how fast): a chain of 10,000 elementwise ops (``* 1.0001`` and ``+ 1.0`` in
turn) on a named 3-element input. It is recorded once; each repeat draws it anew
(``draw_graph(y).source``: collecting, folding, labelling and writing DOT; Graphviz's own
layout is not included). Prints the median and best time and issue 12's verdict as a
``GOAL`` line for run_all.py: drawing a 10,000-op graph within 2 s.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from _harness import report_goal  # noqa: E402

import tinygrad_nn as tg  # noqa: E402
from tinygrad_nn.viz import draw_graph  # noqa: E402

OPS = 10_000
BUDGET_S = 2.0  # issue 12: a 10,000-op graph is drawn within 2 s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 drawings instead of 5")
    ap.add_argument("--cpu-time", action="store_true", help="time with the process CPU clock")
    args = ap.parse_args()
    clock = time.process_time if args.cpu_time else time.perf_counter
    x = tg.Tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for i in range(OPS):
        y = y * 1.0001 if i % 2 else y + 1.0
    draw_graph(y).source  # warm-up  # noqa: B018
    times = []
    for _ in range(2 if args.quick else 5):
        start = clock()
        n = len(draw_graph(y).source)
        times.append(clock() - start)
    med = statistics.median(times)
    print(f"| drawing a {OPS:,}-op graph (DOT text, {n:,} characters) | median {med:.2f} s | "
          f"best {min(times):.2f} s |")
    report_goal(f"drawing a {OPS:,}-op graph", med, BUDGET_S, "issue 12's budget", "s", 1.0)


if __name__ == "__main__":
    main()
