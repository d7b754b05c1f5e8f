"""DataLoader with worker processes vs in-process loading, for a dataset whose items are slow.

Each ``__getitem__`` sleeps 5 ms (a stand-in for reading and decoding a file), so one epoch
of 400 items costs at least 2 s in one process; workers overlap the waits. Run:
``python benchmarks/bench_data_workers.py`` (results go to docs/checkpoints.md).
"""

from __future__ import annotations

import time

import numpy as np

from tinygrad_nn.data import DataLoader, Dataset


class SlowItems(Dataset):
    """Item i: a float32 (3, 32, 32) image of value i and the label i, after a 5 ms wait."""

    def __init__(self, n: int, delay: float = 0.005) -> None:
        self.n, self.delay = n, delay

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        time.sleep(self.delay)
        return np.full((3, 32, 32), i, np.float32), i


def epoch_seconds(num_workers: int, n: int = 400, repeats: int = 3) -> float:
    """Best of ``repeats`` full epochs (batch 16), worker start-up included."""
    best = float("inf")
    for _ in range(repeats):
        loader = DataLoader(SlowItems(n), batch_size=16, num_workers=num_workers)
        start = time.perf_counter()
        labels = [y for _, y in loader]
        best = min(best, time.perf_counter() - start)
        assert np.concatenate([y.numpy() for y in labels]).tolist() == list(range(n))
    return best


if __name__ == "__main__":
    base = epoch_seconds(0)
    print(f"num_workers=0: {base:.2f} s per epoch")
    for w in (1, 2, 4, 8):
        t = epoch_seconds(w)
        print(f"num_workers={w}: {t:.2f} s per epoch ({base / t:.1f}x)")
