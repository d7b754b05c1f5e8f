"""Probe how a recorded graph interacts with Python's cyclic GC and the allocator.

Not a benchmark (run_all.py does not run it): the measurements behind the recording-cost
analysis of issue 13, for before/after comparisons of the engine's node layout::

    python benchmarks/probe_graph.py objects          # GC-tracked objects per node, cycles
    python benchmarks/probe_graph.py timing           # µs/op at 10^3..10^6 per gc mode
    python benchmarks/probe_graph.py timing --sizes 1000,100000 --modes enabled,disabled

``timing`` runs every (size, gc mode) in a fresh process, on the process CPU clock, and
reports recording and backward µs per op, the time the collector itself spent (via
``gc.callbacks``) and how many collections of each generation ran, and minor page faults
per node. gc modes: ``enabled`` (the default), ``disabled`` (``gc.disable()`` before the
chain), ``frozen`` (``gc.freeze()`` after the warm-up: the interpreter's own objects leave
the scans, the graph's do not). Uses only the public API (any tree of tinygrad_nn).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import tinygrad_nn as tg  # noqa: E402


def build(x: Any, n: int) -> Any:
    y = x
    for i in range(n):
        k = i % 3
        y = y * 1.001 if k == 0 else (y + 0.001 if k == 1 else y.tanh())
    return y


def objects(n: int) -> None:
    """Tracked objects per node, by type, and whether deleting a graph leaves cycles."""
    x = tg.tensor([0.5], requires_grad=True)
    build(x, 100).backward()
    gc.collect()
    before = {id(o) for o in gc.get_objects()}
    y = build(x, n)
    gc.collect()  # also untracks tuples/dicts whose contents are all untracked
    new = [o for o in gc.get_objects() if id(o) not in before]
    kinds = Counter(type(o).__name__ for o in new)
    print(f"graph of {n} ops alive: {len(new)} new GC-tracked objects, "
          f"{len(new) / n:.2f} per node")
    for name, c in kinds.most_common(12):
        print(f"  {name:24s} {c / n:6.2f} per node")
    node = y._ctx if hasattr(y, "_ctx") else y.grad_fn
    print("one node:", type(node).__name__, "tracked:", gc.is_tracked(node))
    for attr in sorted(getattr(node, "__dict__", {})):
        v = getattr(node, attr)
        print(f"  .{attr:18s} {type(v).__name__:10s} tracked={gc.is_tracked(v)}")
    print("  its output Tensor tracked:", gc.is_tracked(y))
    del y, new
    found = gc.collect()
    print(f"after deleting the graph (before backward): gc.collect() found {found} "
          "unreachable objects (cycles)")
    y = build(x, n)
    y.backward()
    del y
    found = gc.collect()
    print(f"after backward and deleting the graph: gc.collect() found {found}")
    y = build(x, n)
    y.backward(retain_graph=True)
    del y
    found = gc.collect()
    print(f"after backward(retain_graph=True) and deleting the graph: gc.collect() found {found}")


def timing_child(n: int, mode: str) -> None:
    x = tg.tensor([0.5], requires_grad=True)
    for _ in range(3):
        build(x, 1000).backward()
        x.grad = None
    gc.collect()
    spent = {0: 0.0, 1: 0.0, 2: 0.0}
    count = {0: 0, 1: 0, 2: 0}
    t_start = [0.0]

    def cb(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            t_start[0] = time.process_time()
        else:
            spent[info["generation"]] += time.process_time() - t_start[0]
            count[info["generation"]] += 1

    if mode == "frozen":
        gc.freeze()
    if mode == "disabled":
        gc.disable()
    gc.callbacks.append(cb)
    repeats = max(1, min(20, 100_000 // n))
    rec = bwd = 0.0
    flt = 0
    for _ in range(repeats):
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0 = time.process_time()
        y = build(x, n)
        c1 = time.process_time()
        flt += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        y.backward()
        c2 = time.process_time()
        del y
        x.grad = None
        rec += c1 - c0
        bwd += c2 - c1
    gc.callbacks.remove(cb)
    ops = n * repeats
    print(json.dumps({"record": rec / ops * 1e6, "backward": bwd / ops * 1e6,
                      "gc_us_per_op": {g: s / ops * 1e6 for g, s in spent.items()},
                      "collections": count, "faults_per_node_record": flt / ops}))


def timing(sizes: list[int], modes: list[str]) -> None:
    print("| ops | gc | record µs/op | backward µs/op | GC time µs/op (gen0/1/2) | "
          "collections gen0/1/2 | faults/node (record) |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for mode in modes:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "_child", str(n),
                                  mode], capture_output=True, text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            g, c = r["gc_us_per_op"], r["collections"]
            print(f"| {n:,} | {mode} | {r['record']:.2f} | {r['backward']:.2f} | "
                  f"{g['0']:.2f}/{g['1']:.2f}/{g['2']:.2f} | {c['0']}/{c['1']}/{c['2']} | "
                  f"{r['faults_per_node_record']:.3f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["objects", "timing", "_child"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--modes", default="enabled,disabled,frozen")
    a = ap.parse_args()
    np.seterr(all="ignore")
    if a.what == "objects":
        objects(int(a.args[0]) if a.args else 10_000)
    elif a.what == "timing":
        timing([int(s) for s in a.sizes.split(",")], a.modes.split(","))
    else:
        timing_child(int(a.args[0]), a.args[1])


if __name__ == "__main__":
    main()
