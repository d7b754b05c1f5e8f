"""torch.utils.data's module paths, lazy RandomSampler, WeightedRandomSampler, BatchSampler's
errors and DistributedSampler, compared with PyTorch where the values are RNG-free."""

from __future__ import annotations

import importlib
import time
from collections import Counter
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.nn.torch_compare import outcome
from tinygrad_nn.data import (
    BatchSampler,
    DistributedSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

torch = pytest.importorskip("torch")

SUBMODULES = ["dataloader", "dataset", "sampler", "distributed", "_utils.collate"]



# ------------------------------------------------------------------------------ module paths


def test_utils_data_is_the_data_package_with_its_submodules() -> None:
    assert tg.utils.data is tg.data
    for sub in SUBMODULES:
        ours = importlib.import_module(f"tinygrad_nn.utils.data.{sub}")
        assert ours is importlib.import_module(f"tinygrad_nn.data.{sub}")
    from tinygrad_nn.utils.data._utils.collate import default_collate
    from tinygrad_nn.utils.data.dataloader import DataLoader
    from tinygrad_nn.utils.data.distributed import DistributedSampler as DS
    assert DataLoader is tg.data.DataLoader and DS is DistributedSampler
    assert default_collate is tg.data.default_collate


@pytest.mark.parametrize("sub", SUBMODULES)
def test_each_torch_submodule_name_we_have_is_there(sub: str) -> None:
    theirs = importlib.import_module(f"torch.utils.data.{sub}")
    ours = importlib.import_module(f"tinygrad_nn.utils.data.{sub}")
    names = getattr(theirs, "__all__", None) or ["default_collate", "default_convert"]
    shared = [n for n in names if hasattr(tg.data, n)]
    assert shared, sub
    for n in shared:
        assert getattr(ours, n) is getattr(tg.data, n), (sub, n)


def test_torch_data_package_names_are_all_here_except_datapipes() -> None:
    # the names of torch.utils.data.__all__ this library leaves out, on purpose or for later
    absent = {n for n in torch.utils.data.__all__ if not hasattr(tg.data, n)}
    assert absent <= {"DFIterDataPipe", "DataChunk",
                      "IterDataPipe", "MapDataPipe", "_DatasetKind", "argument_validation",
                      "functional_datapipe", "guaranteed_datapipes_determinism",
                      "non_deterministic", "runtime_validation",
                      "runtime_validation_disabled"}, absent
    assert {"WeightedRandomSampler", "DistributedSampler", "BatchSampler",
            "SubsetRandomSampler", "SequentialSampler"} <= set(tg.data.__all__)


# ------------------------------------------------------------------------------ RandomSampler


def test_random_sampler_draws_lazily_so_a_huge_num_samples_works() -> None:
    s = RandomSampler(range(10), replacement=True, num_samples=int(1e10))
    start = time.perf_counter()
    first = next(iter(s))
    assert 0 <= first < 10 and time.perf_counter() - start < 1.0
    assert len(s) == int(1e10)
    no_rep = RandomSampler(range(3), num_samples=int(1e10))
    assert sorted(x for _, x in zip(range(3), iter(no_rep))) == [0, 1, 2]


def test_random_sampler_draws_nothing_before_the_first_next() -> None:
    tg.manual_seed(5)
    state = tg.get_rng_state()
    it = iter(RandomSampler(range(10), replacement=True, num_samples=5))
    assert tg.get_rng_state() == state
    next(it)
    assert tg.get_rng_state() != state


def test_random_sampler_with_replacement_draws_chunks_of_32_from_its_generator() -> None:
    got = list(RandomSampler(range(7), True, 70, generator=np.random.default_rng(3)))
    rng = np.random.default_rng(3)
    want = [i for k in (32, 32, 6) for i in rng.integers(0, 7, k).tolist()]
    assert got == want


def test_random_sampler_without_replacement_repeats_permutations() -> None:
    got = list(RandomSampler(range(5), num_samples=12, generator=np.random.default_rng(0)))
    assert len(got) == 12
    assert sorted(got[:5]) == sorted(got[5:10]) == list(range(5))
    assert len(set(got[10:])) == 2


def test_random_sampler_is_repeatable_and_private_to_its_epoch() -> None:
    def epoch(interleave: bool) -> list[int]:
        tg.manual_seed(11)
        out = []
        for i in RandomSampler(range(50), replacement=True, num_samples=100):
            out.append(i)
            if interleave:  # other draws (dropout, init) during the epoch
                tg.rand(3)
        return out

    assert epoch(False) == epoch(False) == epoch(True)


@pytest.mark.parametrize("kw", [{"replacement": 1}, {"num_samples": 0}, {"num_samples": 2.0}])
def test_random_sampler_errors_match_torch(kw: dict[str, Any]) -> None:
    assert outcome(lambda: RandomSampler(range(3), **kw)) == outcome(
        lambda: torch.utils.data.RandomSampler(range(3), **kw))


# ------------------------------------------------------------------------- WeightedRandomSampler


@pytest.mark.parametrize("args", [
    ([1.0, 2.0], 0), ([1.0, 2.0], -3), ([1.0, 2.0], 2.0), ([1.0, 2.0], True),
    ([[1.0, 2.0]], 2), ([1.0, 2.0], 2, 1), ([[]], 2),
])
def test_weighted_sampler_argument_errors_match_torch(args: tuple[Any, ...]) -> None:
    assert outcome(lambda: WeightedRandomSampler(*args)) == outcome(
        lambda: torch.utils.data.WeightedRandomSampler(*args))


@pytest.mark.parametrize("weights,n,replacement", [
    ([0.0, 0.0], 2, True), ([1.0, -1.0], 2, True), ([1.0, float("nan")], 2, True),
    ([1.0, float("inf")], 2, True), ([1.0, 1.0], 3, False),
])
def test_weighted_sampler_bad_weights_raise_when_iterated_as_in_torch(
        weights: list[float], n: int, replacement: bool) -> None:
    ours = WeightedRandomSampler(weights, n, replacement)  # no error until iterated
    theirs = torch.utils.data.WeightedRandomSampler(weights, n, replacement)
    assert outcome(lambda: list(theirs))[0] == "RuntimeError"
    with pytest.raises(RuntimeError):
        list(ours)


def test_weighted_sampler_frequencies_follow_the_weights() -> None:
    tg.manual_seed(0)
    w = [1.0, 3.0, 0.0, 4.0]
    s = WeightedRandomSampler(w, 40000)
    assert len(s) == 40000 and s.replacement is True
    assert isinstance(s.weights, tg.Tensor) and s.weights.dtype == tg.float64
    counts = Counter(s)
    assert counts[2] == 0
    for i, wi in enumerate(w):
        assert abs(counts[i] / 40000 - wi / 8) < 0.01


def test_weighted_sampler_without_replacement_and_generators() -> None:
    s = WeightedRandomSampler([1.0, 2.0, 0.5, 4.0, 0.1], 5, replacement=False)
    assert sorted(s) == [0, 1, 2, 3, 4]
    assert sorted(WeightedRandomSampler([1.0, 1.0, 0.0], 3, replacement=False)) == [0, 1, 2]
    a = list(WeightedRandomSampler([1, 2, 3], 20, generator=np.random.default_rng(4)))
    b = list(WeightedRandomSampler([1, 2, 3], 20, generator=np.random.default_rng(4)))
    g1, g2 = tg.Generator().manual_seed(4), tg.Generator().manual_seed(4)
    c = list(WeightedRandomSampler(tg.tensor([1.0, 2.0, 3.0]), 20, generator=g1))
    assert a == b and c == list(WeightedRandomSampler([1, 2, 3], 20, generator=g2))


def test_weighted_sampler_drives_a_dataloader() -> None:
    x = np.arange(6, dtype=np.float32)
    loader = tg.data.DataLoader(tg.data.TensorDataset(x), batch_size=4,
                                sampler=WeightedRandomSampler([0, 0, 1, 0, 0, 1], 8))
    (b1,), (b2,) = list(loader)
    assert set(np.concatenate([b1.numpy(), b2.numpy()]).tolist()) <= {2.0, 5.0}


# ------------------------------------------------------------------ the other samplers' errors


@pytest.mark.parametrize("batch_size,drop_last", [
    (0, False), (-1, False), (2.0, False), (True, False), (None, False), (2, 1), (2, None),
])
def test_batch_sampler_errors_match_torch(batch_size: Any, drop_last: Any) -> None:
    assert outcome(lambda: BatchSampler(range(5), batch_size, drop_last)) == outcome(
        lambda: torch.utils.data.BatchSampler(range(5), batch_size, drop_last))


def test_sequential_subset_and_batch_samplers_match_torch() -> None:
    assert list(SequentialSampler(range(4))) == list(torch.utils.data.SequentialSampler(range(4)))
    assert sorted(SubsetRandomSampler([9, 4, 7])) == [4, 7, 9]
    for drop in (False, True):
        ours = BatchSampler(SequentialSampler(range(7)), 3, drop)
        theirs = torch.utils.data.BatchSampler(range(7), 3, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


# ------------------------------------------------------------------------ DistributedSampler


@pytest.mark.parametrize("n", [1, 5, 8, 11])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_without_shuffle_matches_torch(n: int, replicas: int,
                                                           drop_last: bool) -> None:
    from torch.utils.data.distributed import DistributedSampler as TorchDS
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = TorchDS(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert (len(ours), ours.num_samples, ours.total_size) == (
            len(theirs), theirs.num_samples, theirs.total_size)


def test_distributed_sampler_shuffles_by_seed_and_epoch() -> None:
    def shards(epoch: int, seed: int = 0) -> list[list[int]]:
        out = []
        for rank in range(3):
            s = DistributedSampler(range(10), 3, rank, seed=seed)
            s.set_epoch(epoch)
            out.append(list(s))
        return out

    e0 = shards(0)
    assert [len(s) for s in e0] == [4, 4, 4]
    flat = [i for s in e0 for i in s]
    assert set(flat) == set(range(10))  # padded by repeating two of the order's first indices
    assert e0 == shards(0) and e0 != shards(1) and e0 != shards(0, seed=1)


@pytest.mark.parametrize("rank", [2, -1])
def test_distributed_sampler_errors(rank: int) -> None:
    from torch.utils.data.distributed import DistributedSampler as TorchDS
    assert outcome(lambda: DistributedSampler(range(5), 2, rank)) == outcome(
        lambda: TorchDS(range(5), 2, rank))
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(5))
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        TorchDS(range(5))


# ------------------------------------------------------- generic classes, Chain/StackDataset


def test_the_classes_are_generic_as_in_torch() -> None:
    class Pairs(tg.data.Dataset[tuple]):
        def __getitem__(self, i: int) -> tuple:
            return (i, i * i)

        def __len__(self) -> int:
            return 3

    class Ordered(tg.data.Sampler[int]):
        def __iter__(self) -> Any:
            return iter([2, 0, 1])

        def __len__(self) -> int:
            return 3

    loader: tg.data.DataLoader[tuple] = tg.data.DataLoader(Pairs(), batch_size=3,
                                                           sampler=Ordered())
    (a, b), = list(loader)
    assert a.tolist() == [2, 0, 1] and b.tolist() == [4, 0, 1]
    for name in ("Dataset", "IterableDataset", "Sampler", "DataLoader", "TensorDataset",
                 "Subset", "ConcatDataset", "ChainDataset", "StackDataset", "SequentialSampler",
                 "RandomSampler", "BatchSampler", "SubsetRandomSampler", "WeightedRandomSampler",
                 "DistributedSampler"):  # the same ones subscriptable (Sampler[int]) as torch's
        ours, theirs = getattr(tg.data, name), getattr(torch.utils.data, name)
        assert outcome(lambda: ours[int])[0] == outcome(lambda: theirs[int])[0], name  # noqa: B023


class _Stream(tg.data.IterableDataset):
    def __init__(self, items: list[int]) -> None:
        self.items = items

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def test_chain_dataset_and_iterable_addition() -> None:
    chained = _Stream([1, 2]) + _Stream([3])
    assert isinstance(chained, tg.data.ChainDataset)
    assert list(chained) == [1, 2, 3] and len(chained) == 3
    bad = tg.data.ChainDataset([_Stream([1]), [5, 6]])
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(bad)
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        len(bad)
    assert [b.tolist() for b in tg.data.DataLoader(chained, batch_size=2)] == [[1, 2], [3]]


def test_stack_dataset_matches_torch() -> None:
    a, b = list(range(4)), [x * 10 for x in range(4)]
    ours, theirs = tg.data.StackDataset(a, b), torch.utils.data.StackDataset(a, b)
    assert [ours[i] for i in range(4)] == [theirs[i] for i in range(4)]
    assert len(ours) == len(theirs) == 4
    ours_d, theirs_d = tg.data.StackDataset(x=a, y=b), torch.utils.data.StackDataset(x=a, y=b)
    assert ours_d[2] == theirs_d[2] == {"x": 2, "y": 20}
    batch = next(iter(tg.data.DataLoader(ours_d, batch_size=4)))
    assert batch["x"].tolist() == a and batch["y"].tolist() == b


@pytest.mark.parametrize("args,kwargs", [((), {}), (([1, 2], [1]), {}), ((), {"x": [1], "y": []}),
                                         (([1],), {"x": [1]})])
def test_stack_dataset_errors_match_torch(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    assert outcome(lambda: tg.data.StackDataset(*args, **kwargs)) == outcome(
        lambda: torch.utils.data.StackDataset(*args, **kwargs))
