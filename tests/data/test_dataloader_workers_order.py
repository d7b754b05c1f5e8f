"""The shuffle order and later draws do not depend on num_workers (as in PyTorch, every
epoch draws the workers' base seed first, with or without workers)."""

from __future__ import annotations

import tinygrad_nn as tg
from tinygrad_nn.data import DataLoader, TensorDataset


def test_shuffle_and_later_draws_are_the_same_with_and_without_workers() -> None:
    ds = TensorDataset(tg.arange(12.0))
    seen = []
    for workers in (0, 2):
        tg.manual_seed(1)
        order = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True,
                                                   num_workers=workers)]
        seen.append((order, tg.randn(1).item()))
    assert seen[0] == seen[1]
