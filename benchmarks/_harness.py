"""Timing helpers shared by the side-by-side benchmark scripts (not a benchmark itself)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def interleaved(fns: dict[str, Callable[[], Any]], blocks: int, per_block: int, warmup: int,
                clock: Callable[[], float] = time.perf_counter) -> dict[str, list[float]]:
    """Per-step times (ms) of each fn, run in alternating blocks after a warm-up, so that
    background load hits every implementation alike."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(blocks):
        for name, fn in fns.items():
            for _ in range(per_block):
                t0 = clock()
                fn()
                times[name].append((clock() - t0) * 1e3)
    return times


def profile(step: Callable[[], Any], n: int, lines: int = 15) -> None:
    """Print where ``n`` calls of ``step`` spend their time (cProfile, by own time)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        step()
    prof.disable()
    print(f"\ntinygrad_nn step profile ({n} steps, by own time):")
    pstats.Stats(prof).sort_stats("tottime").print_stats(lines)
