"""torch.utils.data behaviour: datasets, samplers, collation, DataLoader (with workers)."""

from __future__ import annotations

import gc
import os
import time
from collections import namedtuple
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    get_worker_info,
    random_split,
)

Point = namedtuple("Point", ["x", "y"])


class Squares(Dataset):
    """Example i is (float32 [i, i], i * i); optionally sleeps or fails at one index."""

    def __init__(self, n: int, fail_at: int = -1, sleep: float = 0.0) -> None:
        self.n, self.fail_at, self.sleep = n, fail_at, sleep

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        if i == self.fail_at:
            raise KeyError(f"no example {i}")
        if self.sleep:
            time.sleep(self.sleep)
        return np.full(2, i, np.float32), i * i


class Stream(IterableDataset):
    """0..n-1, split between workers by get_worker_info()."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Any:
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))


class WorkerIds(Dataset):
    def __len__(self) -> int:
        return 6

    def __getitem__(self, i: int) -> Any:
        info = get_worker_info()
        return np.array([i, -1 if info is None else info.id, os.getpid()])


# ------------------------------------------------------------------------------- collate


def test_default_collate_dtypes_follow_pytorch() -> None:
    assert default_collate([1.0, 2.0]).dtype == tg.float64  # Python floats: float64, as torch
    assert default_collate([1, 2]).dtype == tg.int64
    assert default_collate([True, False]).dtype == np.bool_
    assert default_collate([np.float32(1), np.float32(2)]).dtype == tg.float32
    t = default_collate([tg.ones(2), tg.zeros(2)])
    assert isinstance(t, tg.Tensor) and t.shape == (2, 2) and t.dtype == tg.float32


def test_default_collate_containers() -> None:
    d = default_collate([{"a": 1, "b": np.ones(2)}, {"a": 2, "b": np.zeros(2)}])
    assert list(d) == ["a", "b"] and d["b"].shape == (2, 2) and d["b"].dtype == tg.float64
    pairs = default_collate([("s", 1.5), ("t", 2.5)])
    assert isinstance(pairs, list) and pairs[0] == ("s", "t")  # tuples come back as lists
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == tg.float64
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="found"):
        default_collate([object(), object()])


# ------------------------------------------------------------------------ datasets, splits


def test_subset_and_random_split() -> None:
    ds = Squares(10)
    sub = Subset(ds, [3, 1])
    assert len(sub) == 2 and sub[0][1] == 9 and sub[1][1] == 1
    tg.manual_seed(3)
    a, b = random_split(ds, [7, 3])
    tg.manual_seed(3)
    a2, _ = random_split(ds, [7, 3])
    assert a.indices == a2.indices  # repeatable under manual_seed
    assert sorted(a.indices + b.indices) == list(range(10))
    sizes = [len(s) for s in random_split(ds, [0.5, 0.3, 0.2])]
    assert sizes == [5, 3, 2]
    assert [len(s) for s in random_split(Squares(11), [0.5, 0.5])] == [6, 5]
    g = np.random.default_rng(0)
    assert len(random_split(ds, [5, 5], generator=g)) == 2
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])


def test_samplers() -> None:
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    order = list(RandomSampler(range(20), generator=np.random.default_rng(1)))
    assert sorted(order) == list(range(20)) and order != list(range(20))
    draws = list(RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(draws) == 50 and set(draws) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([5, 7, 9])) == [5, 7, 9]
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, drop_last=True)) == 2


# ------------------------------------------------------------------------------ DataLoader


def test_tensor_dataset_batches_are_lists_as_in_pytorch() -> None:
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    batch = next(iter(DataLoader(TensorDataset(X, np.arange(6)), batch_size=4)))
    assert isinstance(batch, list) and len(batch) == 2
    np.testing.assert_array_equal(batch[0].numpy(), X[:4])


def test_sampler_batch_sampler_and_collate_fn() -> None:
    ds = Squares(6)
    got = [y.tolist() for _, y in DataLoader(ds, batch_size=2, sampler=[5, 0, 3, 1])]
    assert got == [[25, 0], [9, 1]]
    got = [y.tolist() for _, y in DataLoader(ds, batch_sampler=[[1, 2, 3], [0]])]
    assert got == [[1, 4, 9], [0]]
    names = list(DataLoader(ds, batch_size=3, collate_fn=lambda items: len(items)))
    assert names == [3, 3]
    single = list(DataLoader(ds, batch_size=None))
    assert isinstance(single[0][0], tg.Tensor) and single[2][1] == 4  # converted, not stacked


def test_generator_makes_shuffle_repeatable() -> None:
    ds = Squares(30)

    def order(gen: Any) -> list[int]:
        return [v for _, y in DataLoader(ds, batch_size=7, shuffle=True, generator=gen)
                for v in y.tolist()]

    a, b = order(np.random.default_rng(5)), order(np.random.default_rng(5))
    assert a == b and sorted(a) == sorted(i * i for i in range(30))
    tg.manual_seed(1)
    c = order(None)
    tg.manual_seed(1)
    assert order(None) == c


def test_argument_errors_as_pytorch() -> None:
    ds = Squares(4)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="shuffle"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="prefetch_factor"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)


@pytest.mark.parametrize("num_workers", [0, 2])
def test_workers_give_the_same_batches_in_order(num_workers: int) -> None:
    ds = Squares(23)
    plain = [(x.numpy(), y.numpy()) for x, y in DataLoader(ds, batch_size=4)]
    loader = DataLoader(ds, batch_size=4, num_workers=num_workers, pin_memory=True)
    got = [(x.numpy(), y.numpy()) for x, y in loader]
    assert len(got) == len(plain) == len(loader) == 6
    for (a, b), (c, d) in zip(got, plain):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_workers_are_processes_with_worker_info() -> None:
    rows = np.concatenate([b.numpy() for b in DataLoader(WorkerIds(), batch_size=1,
                                                         num_workers=2)])
    assert rows[:, 0].tolist() == list(range(6))
    assert set(rows[:, 1].tolist()) == {0, 1}  # round robin over both workers
    assert os.getpid() not in rows[:, 2].tolist()
    assert get_worker_info() is None  # main process


def test_worker_init_fn_runs_in_each_worker() -> None:
    class Seen(Dataset):
        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int) -> Any:
            return int(os.environ.get("TG_TEST_WORKER", "-1"))

    def init(worker_id: int) -> None:
        os.environ["TG_TEST_WORKER"] = str(worker_id + 10)

    got = [v for b in DataLoader(Seen(), batch_size=1, num_workers=2, worker_init_fn=init)
           for v in b.tolist()]
    assert got == [10, 11, 10, 11]


def test_worker_error_is_reraised_with_its_traceback() -> None:
    loader = DataLoader(Squares(10, fail_at=7), batch_size=2, num_workers=2)
    with pytest.raises(KeyError) as info:
        list(loader)
    text = str(info.value)
    assert "Caught KeyError in DataLoader worker process" in text
    assert "no example 7" in text and "__getitem__" in text


def test_early_break_and_gc_stop_the_workers() -> None:
    import multiprocessing

    before = set(multiprocessing.active_children())
    for _ in DataLoader(Squares(40, sleep=0.001), batch_size=2, num_workers=2):
        break
    it = iter(DataLoader(Squares(40), batch_size=2, num_workers=2))
    next(it)
    del it
    gc.collect()
    deadline = time.time() + 10
    while set(multiprocessing.active_children()) - before and time.time() < deadline:
        time.sleep(0.05)
    assert not set(multiprocessing.active_children()) - before


def test_iterable_dataset_with_and_without_workers() -> None:
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                         [6]]
    got = [b.tolist() for b in DataLoader(Stream(10), batch_size=3, num_workers=2)]
    # each worker iterates its own copy; batches alternate between workers, as in PyTorch
    assert got == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
    got = [b.tolist() for b in DataLoader(Stream(10), batch_size=3, num_workers=2,
                                          drop_last=True)]
    assert got == [[0, 2, 4], [1, 3, 5]]
