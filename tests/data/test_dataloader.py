"""DataLoader side by side with torch.utils.data.DataLoader: what each epoch yields (types,
dtypes, values), len() with and without drop_last or batching, and the argument errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

from .test_collate import describe

torch = pytest.importorskip("torch")


def epoch(lib: Any, dataset: Any, **kw: Any) -> tuple[int, list[Any]]:
    loader = lib.utils.data.DataLoader(dataset, **kw)
    return len(loader), [describe(b, lib) for b in loader]


def tensor_dataset(lib: Any) -> Any:
    return lib.utils.data.TensorDataset(lib.arange(10), lib.arange(10, dtype=lib.float32) / 2)


SAMPLES = [
    (np.float32(i), np.int64(i), i, float(i), True, np.ones(2) * i, "s", b"b",
     {"k": np.float64(i), "t": (np.int8(i), "x")}, [np.bool_(i % 2)], None)
    for i in range(3)
]


@pytest.mark.parametrize("kw", [{"batch_size": None}, {"batch_size": None, "collate_fn": None},
                                {"batch_size": 2}, {"batch_size": 2, "drop_last": True}])
def test_each_sample_or_batch_matches_torch(kw: dict[str, Any]) -> None:
    data = [s[:-1] for s in SAMPLES] if "drop_last" in kw or kw["batch_size"] else SAMPLES
    assert epoch(tg, data, **kw) == epoch(torch, data, **kw)


def test_without_batching_numpy_scalars_become_0d_tensors() -> None:
    loader = tg.utils.data.DataLoader([np.float32(1.5), np.int64(2)], batch_size=None)
    assert loader.collate_fn is tg.utils.data.default_convert
    x, n = loader
    assert type(x) is tg.Tensor and x.shape == () and str(x.dtype) == "float32"
    assert type(n) is tg.Tensor and n.shape == () and str(n.dtype) == "int64"


@pytest.mark.parametrize("kw", [{"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                                {"batch_size": 5, "drop_last": True}, {"batch_size": 20},
                                {"batch_size": 20, "drop_last": True}, {"batch_size": None},
                                {"sampler": [3, 1, 4], "batch_size": None},
                                {"batch_sampler": [[0, 1], [9]]}])
def test_tensor_dataset_epochs_and_lengths_match_torch(kw: dict[str, Any]) -> None:
    assert epoch(tg, tensor_dataset(tg), **kw) == epoch(torch, tensor_dataset(torch), **kw)


def test_tensor_dataset_batches_of_tensors_that_require_grad_keep_the_graph() -> None:
    w = tg.ones(4, requires_grad=True)
    ((batch,),) = tg.utils.data.DataLoader(tg.utils.data.TensorDataset(w * 3), batch_size=4)
    batch.sum().backward()
    assert w.grad is not None and w.grad.tolist() == [3.0] * 4


def make_stream(lib: Any) -> Any:
    class Stream(lib.utils.data.IterableDataset):
        def __iter__(self) -> Any:
            return iter(range(5))

        def __len__(self) -> int:
            return 5

    return Stream()


@pytest.mark.parametrize("kw", [{"batch_size": 2}, {"batch_size": 2, "drop_last": True},
                                {"batch_size": None}, {"batch_size": 7, "drop_last": True}])
def test_iterable_dataset_epochs_lengths_and_samplers_match_torch(kw: dict[str, Any]) -> None:
    def run(lib: Any) -> Any:
        loader = lib.utils.data.DataLoader(make_stream(lib), **kw)
        kinds = type(loader.sampler).__name__, type(loader.batch_sampler).__name__
        return kinds, epoch(lib, make_stream(lib), **kw)

    assert run(tg) == run(torch)


ERRORS: list[dict[str, Any]] = [
    {"sampler": [0, 1], "shuffle": True},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "shuffle": True},
    {"batch_sampler": [[0]], "sampler": [0]},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"batch_size": 2, "drop_last": 1},
    {"batch_size": 0},
    {"batch_size": 2.0},
    {"num_workers": -1},
    {"timeout": -1},
    {"prefetch_factor": 2},
    {"persistent_workers": True},
]


def _loader_error(lib: Any, dataset: Any, kw: dict[str, Any]) -> tuple[type, str]:
    """The exception type and message of ``DataLoader(dataset(lib), **kw)`` in ``lib``."""
    with pytest.raises(Exception) as info:
        lib.utils.data.DataLoader(dataset(lib), **kw)
    return info.type, str(info.value)


@pytest.mark.parametrize("kw", ERRORS)
def test_argument_errors_match_torch(kw: dict[str, Any]) -> None:
    assert _loader_error(tg, tensor_dataset, kw) == _loader_error(torch, tensor_dataset, kw)


@pytest.mark.parametrize("kw", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_iterable_dataset_argument_errors_match_torch(kw: dict[str, Any]) -> None:
    assert _loader_error(tg, make_stream, kw) == _loader_error(torch, make_stream, kw)


def test_shuffle_with_a_generator_behaves_as_torch() -> None:
    """The random streams differ between the libraries; what PyTorch promises does not: each
    epoch a permutation, a new one per epoch, the same epochs from the same seed."""
    def epochs(lib: Any, seed: int) -> list[list[int]]:
        g = lib.Generator().manual_seed(seed)
        loader = lib.utils.data.DataLoader(tensor_dataset(lib), batch_size=4, shuffle=True,
                                           generator=g)
        return [sum((x.tolist() for x, _ in loader), []) for _ in range(3)]

    for lib in (tg, torch):
        first = epochs(lib, 0)
        assert all(sorted(e) == list(range(10)) for e in first)
        assert first[0] != first[1] and first == epochs(lib, 0) and first != epochs(lib, 1)


def test_tensor_dataset_items_of_a_tensor_that_requires_grad_keep_the_graph() -> None:
    w = tg.ones(3, requires_grad=True)
    (item,) = tg.utils.data.TensorDataset(w * 2)[1]
    item.backward()
    assert w.grad is not None and w.grad.tolist() == [0.0, 2.0, 0.0]
