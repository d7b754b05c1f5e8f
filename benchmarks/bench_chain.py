"""Chain benchmark: long chains of tiny ops, time per op (recording, backward) and memory per node.

Run by hand (never part of the test suite)::

    python benchmarks/bench_chain.py                  # 10^3, 10^5, 10^6 ops, 2 rounds, ~5 min
    python benchmarks/bench_chain.py --quick          # 1 round
    python benchmarks/bench_chain.py --sizes 1000,100000 --cpu-time

The chain is the per-op benchmark's (bench_core.py): ``y * 1.001``, ``y + 0.001``,
``y.tanh()`` in turn on a 1-element float32 tensor that requires grad, N ops, then
``backward()``. For each engine (tinygrad_nn; tinygrad_nn with the chain inside an
``nn.Module``'s forward, as a model's loop records it; PyTorch eager if installed; and NumPy by
hand: the forward keeping the values its backward needs, then the backward loop) and each
N, a fresh child process (this script with ``--child``) warms up, builds the chain and
runs the backward, and reports:

- recording and backward time per op, separately (the median of several chains for small
  N; one chain for 10^6);
- memory per node: the growth of the process's resident set (``/proc/self/statm``, so
  PyTorch's C++ allocations count too) from before the chain is built to after, with the
  whole graph alive, divided by N. A fresh process per measurement keeps the numbers
  clean of what earlier measurements left in the allocators.

Children run in rounds that alternate the engines (like the interleaved blocks of the other
scripts), and the table gives the median over rounds. Issue 13's goals, printed as
``GOAL`` lines for run_all.py: forward + backward per op within 0.7x of PyTorch eager at
10^5 and 10^6 ops, memory per node at 10^6 at most PyTorch's, and the per-op cost at 10^6
within 1.3x of that at 10^3 (recording that does not grow with the graph), outside and
inside a Module.
"""

from __future__ import annotations

import os

# single-threaded BLAS for every library, set BEFORE NumPy (or torch) is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

# "in a Module": tinygrad_nn's chain run inside an ``nn.Module``'s forward, as a model's loop
# runs (its ops record the module scope: issue 13's "long unrolled RNN or big custom loop")
IN_MODULE = "tinygrad_nn, in a Module"
ENGINES = ("tinygrad_nn", IN_MODULE, "PyTorch eager", "NumPy by hand")
GOAL_SPEED = 0.7  # issue 13: forward + backward per op vs PyTorch eager, at 10^5 and 10^6
GOAL_MEMORY = 1.0  # issue 13: bytes per node at 10^6 vs PyTorch eager
GOAL_GROWTH = 1.3  # issue 13: per-op cost at 10^6 ops vs at 10^3 ops


def rss_bytes() -> int:
    """The process's resident set size now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def chain_fns(engine: str) -> tuple[Any, Any]:
    """(build(n) -> graph, backward(graph)) for one engine; the graph is kept alive
    between the two so that its memory can be measured."""
    if engine == "NumPy by hand":
        import numpy as np

        x = np.array([0.5], dtype=np.float32)

        def build_np(n: int) -> Any:
            ys = [x]  # what the backward needs: tanh's outputs (kept for every op, simply)
            y = x
            for i in range(n):
                k = i % 3
                y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else np.tanh(y))
                ys.append(y)
            return ys

        def backward_np(ys: Any) -> None:
            g = np.ones(1, np.float32)
            for i in reversed(range(len(ys) - 1)):
                k = i % 3
                if k == 0:
                    g = g * 1.001
                elif k == 2:
                    y = ys[i + 1]
                    g = g * (1 - y * y)

        return build_np, backward_np

    if engine.startswith("tinygrad_nn"):
        import numpy as np

        import tinygrad_nn as lib
        seed: Any = np.ones(1, np.float32)
    else:
        import torch as lib

        lib.set_num_threads(1)
        seed = lib.ones(1)
    x = lib.tensor([0.5], requires_grad=True)

    def build(n: int) -> Any:
        y = x
        for i in range(n):
            k = i % 3
            y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())
        return y

    if engine == IN_MODULE:
        chain = build

        class Loop(lib.nn.Module):
            def forward(self, n: int) -> Any:
                return chain(n)

        build = Loop()

    def backward(y: Any) -> None:
        y.backward(seed)
        x.grad = None

    return build, backward


def child(engine: str, n: int, repeats: int) -> None:
    """Measure one engine at one chain length in this (fresh) process; print JSON."""
    build, backward = chain_fns(engine)
    for _ in range(3):  # warm-up: imports, caches, the allocators' first arenas
        backward(build(1000))
    rec, bwd, rec_cpu, bwd_cpu, mem = [], [], [], [], []
    for _ in range(repeats):
        r0 = rss_bytes()
        c0, t0 = time.process_time(), time.perf_counter()
        graph = build(n)
        c1, t1 = time.process_time(), time.perf_counter()
        r1 = rss_bytes()
        backward(graph)
        c2, t2 = time.process_time(), time.perf_counter()
        del graph
        rec.append((t1 - t0) / n * 1e6)
        bwd.append((t2 - t1) / n * 1e6)
        rec_cpu.append((c1 - c0) / n * 1e6)
        bwd_cpu.append((c2 - c1) / n * 1e6)
        mem.append((r1 - r0) / n)
    med = statistics.median
    print(json.dumps({"record": med(rec), "backward": med(bwd), "record_cpu": med(rec_cpu),
                      "backward_cpu": med(bwd_cpu), "bytes_per_node": mem[0]}))


def run_child(engine: str, n: int, repeats: int, timeout: float) -> dict[str, float]:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", engine, str(n), str(repeats)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} at {n} ops failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def have_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one round (noisier)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds of children (default 2)")
    ap.add_argument("--sizes", default="1000,100000,1000000", help="chain lengths")
    ap.add_argument("--cpu-time", action="store_true",
                    help="report the process CPU clock (steadier on a busy machine)")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "N", "REPEATS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    rounds = args.rounds or (1 if args.quick else 2)
    engines = [e for e in ENGINES if e != "PyTorch eager" or have_torch()]
    sfx = "_cpu" if args.cpu_time else ""
    res: dict[tuple[str, int], list[dict[str, float]]] = {}
    for _ in range(rounds):
        for n in sizes:
            repeats = max(1, min(50, 100_000 // n))  # ~10^5 ops per child at least
            for e in engines:
                print(f"  {e}, {n} ops ...", file=sys.stderr, flush=True)
                res.setdefault((e, n), []).append(run_child(e, n, repeats, timeout=1800))

    def med(e: str, n: int, key: str) -> float:
        return statistics.median(r[key] for r in res[(e, n)])

    print(f"{rounds} round(s) of one fresh process per engine and length; "
          f"{'process CPU time' if args.cpu_time else 'wall clock'}\n")
    print("### Chains of tiny ops: time per op and memory per node\n")
    print("| implementation | ops | record µs/op | backward µs/op | total µs/op | "
          "total range | bytes/node |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for e in engines:
            totals = [r["record" + sfx] + r["backward" + sfx] for r in res[(e, n)]]
            mem = med(e, n, "bytes_per_node") if n >= 100_000 else float("nan")
            print(f"| {e} | {n:,} | {med(e, n, 'record' + sfx):.2f} | "
                  f"{med(e, n, 'backward' + sfx):.2f} | {statistics.median(totals):.2f} | "
                  f"{min(totals):.2f}-{max(totals):.2f} | "
                  + ("-" if mem != mem else f"{mem:.0f}") + " |")
    print()

    def total(e: str, n: int) -> float:
        return med(e, n, "record" + sfx) + med(e, n, "backward" + sfx)

    tg = "tinygrad_nn"
    small, big = min(sizes), max(sizes)
    for n in sizes:
        if n >= 100_000:
            rec, bwd = ("record" + sfx, "backward" + sfx)
            print(f"growth of tinygrad_nn's cost per op, {small:,} -> {n:,} ops: recording "
                  f"{med(tg, n, rec) / med(tg, small, rec):.2f}x, "
                  f"backward {med(tg, n, bwd) / med(tg, small, bwd):.2f}x")
    from _harness import report_goal

    for n in sizes:
        if n >= 100_000 and "PyTorch eager" in engines:
            report_goal(f"chain of {n:,} ops", total(tg, n), total("PyTorch eager", n),
                        "PyTorch eager", "µs/op", GOAL_SPEED)
    if big >= 100_000 and "PyTorch eager" in engines:
        report_goal(f"chain of {big:,} ops, memory", med(tg, big, "bytes_per_node"),
                    med("PyTorch eager", big, "bytes_per_node"), "PyTorch eager",
                    "bytes/node", GOAL_MEMORY)
    if big > small:
        report_goal(f"per-op cost, {big:,} vs {small:,} ops", total(tg, big), total(tg, small),
                    f"tinygrad_nn at {small:,} ops", "µs/op", GOAL_GROWTH)
        report_goal(f"per-op cost in a Module, {big:,} vs {small:,} ops", total(IN_MODULE, big),
                    total(IN_MODULE, small), f"the same at {small:,} ops", "µs/op", GOAL_GROWTH)


if __name__ == "__main__":
    main()
