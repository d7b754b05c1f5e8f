"""The same data snippets on torch.utils.data and tinygrad_nn.data: structures and dtypes."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
Pair = namedtuple("Pair", ["a", "b"])

BATCHES: dict[str, list[Any]] = {
    "floats": [1.0, 2.5],
    "ints": [1, 2],
    "bools": [True, False],
    "np_float32_scalars": [np.float32(1), np.float32(2)],
    "np_arrays": [np.ones((2, 3)), np.zeros((2, 3))],
    "np_int32_arrays": [np.arange(3, dtype=np.int32)] * 2,
    "dicts": [{"x": 1.0, "y": np.ones(2, np.float32)}, {"x": 2.0, "y": np.zeros(2, np.float32)}],
    "tuples_with_strings": [("a", 1, 0.5), ("b", 2, 1.5)],
    "lists": [[1, 2.0], [3, 4.0]],
    "namedtuples": [Pair(1, 2.0), Pair(3, 4.0)],
}


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


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_collate_matches_torch(name: str) -> None:
    from torch.utils.data import default_collate as torch_collate

    batch = BATCHES[name]
    assert _describe(tg.data.default_collate(batch)) == _describe(torch_collate(batch))


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
