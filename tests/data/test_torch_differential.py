"""The same data snippets on torch.utils.data and tinygrad_nn.data: structures and dtypes
(default_collate case by case: tests/data/test_collate.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _describe(x: Any) -> Any:
    """A library-neutral description: container types, dtypes, shapes, values."""
    if isinstance(x, (torch.Tensor, tg.Tensor)):
        arr = x.numpy()
        return ("tensor", str(arr.dtype), arr.shape, arr.tolist())
    if isinstance(x, dict):
        return ("dict", [(k, _describe(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        kind = type(x).__name__ if type(x) in (list, tuple) else "namedtuple"
        return (kind, [_describe(v) for v in x])
    return x


def test_loader_structure_and_length_match_torch() -> None:
    from torch.utils.data import DataLoader as TorchLoader
    from torch.utils.data import TensorDataset as TorchTD

    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    for kw in ({"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}):
        ours = list(tg.data.DataLoader(tg.data.TensorDataset(X, y), **kw))
        theirs = list(TorchLoader(TorchTD(torch.from_numpy(X), torch.from_numpy(y)), **kw))
        assert [_describe(b) for b in ours] == [_describe(b) for b in theirs]


def test_random_split_lengths_match_torch() -> None:
    for n, lengths in ((10, [0.5, 0.3, 0.2]), (11, [0.5, 0.5]), (7, [0.1, 0.9]), (5, [2, 3])):
        ours = [len(s) for s in tg.data.random_split(list(range(n)), lengths)]
        theirs = [len(s) for s in torch.utils.data.random_split(list(range(n)), lengths)]
        assert ours == theirs
    with pytest.raises(ValueError):
        torch.utils.data.random_split(list(range(5)), [2, 2])
    with pytest.raises(ValueError):
        tg.data.random_split(list(range(5)), [2, 2])
