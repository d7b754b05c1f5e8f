"""BLAS threads: one char-LSTM training step with the machine's default threads vs one thread.

    python benchmarks/bench_threads.py [--steps 20] [--blocks 5]

The step of examples/char_lstm.py (Embedding(V, 16) -> LSTM(16, 128) -> Linear(128, V),
sequences of 32 characters, batch 32, cross-entropy, backward through time, clipping, Adam)
timed in alternating blocks with NumPy's BLAS pool set to every core (what NumPy starts
with) and to one thread, through ``tinygrad_nn.set_num_threads``. Also one product of the
deep net's wide layer, (20, 12288) @ (12288, 209), where several threads can pay off.
Prints the median ms per step and the ratio. Results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim

VOCAB, STEPS, BATCH, HIDDEN = 28, 32, 32, 128


def lstm_step() -> Callable[[], None]:
    tg.manual_seed(0)

    class CharLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(VOCAB, 16)
            self.lstm = nn.LSTM(16, HIDDEN)
            self.out = nn.Linear(HIDDEN, VOCAB)

        def forward(self, idx: tg.Tensor) -> tg.Tensor:
            h, _ = self.lstm(self.embed(idx))
            return self.out(h)

    model = CharLM()
    opt = optim.Adam(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.integers(0, VOCAB, (STEPS, BATCH)))
    y = tg.tensor(rng.integers(0, VOCAB, (STEPS * BATCH,)))

    def step() -> None:
        loss = F.cross_entropy(model(x).reshape(-1, VOCAB), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()

    return step


def wide_matmul() -> Callable[[], None]:
    rng = np.random.default_rng(0)
    w = tg.tensor(rng.standard_normal((20, 12288)).astype(np.float32))
    x = tg.tensor(rng.standard_normal((12288, 209)).astype(np.float32))
    return lambda: (w @ x).numpy()


def timed(fn: Callable[[], None], threads: int, n: int) -> float:
    tg.set_num_threads(threads)
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return 1000 * (time.perf_counter() - start) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20, help="steps per timed block")
    ap.add_argument("--blocks", type=int, default=5, help="alternating blocks per setting")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    print(f"{cores} cores, load average {os.getloadavg()[0]:.2f}, "
          f"library default {tg.get_num_threads()} thread(s)")
    for name, fn in (("char-LSTM training step", lstm_step()),
                     ("(20, 12288) @ (12288, 209)", wide_matmul())):
        fn()  # warm up
        times: dict[int, list[float]] = {cores: [], 1: []}
        for _ in range(args.blocks):
            for threads in times:
                times[threads].append(timed(fn, threads, args.steps))
        many, one = (statistics.median(times[t]) for t in (cores, 1))
        print(f"{name}: {cores} threads {many:.2f} ms, 1 thread {one:.2f} ms "
              f"(default / one = {many / one:.2f}x)")


if __name__ == "__main__":
    main()
