"""Datasets as in PyTorch's ``torch.utils.data``: map-style, iterable, tensors, subsets, splits."""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from .._warn import user_stacklevel
from ..tensor import Tensor
from .sampler import _rng_of

__all__ = ["ChainDataset", "ConcatDataset", "Dataset", "IterableDataset", "StackDataset",
           "Subset", "TensorDataset", "random_split"]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: ``ds[i]`` is example ``i``; subclasses define ``__getitem__``
    (and usually ``__len__``)."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """A stream of examples: subclasses define ``__iter__``. With ``num_workers > 0`` every
    worker iterates its own copy; split the work with ``get_worker_info()``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class ChainDataset(IterableDataset[T_co]):
    """Iterable datasets one after another, chained as they are iterated."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        super().__init__()
        self.datasets = datasets

    def _streams(self) -> Iterator[IterableDataset]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield d

    def __iter__(self) -> Iterator[Any]:
        for d in self._streams():
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self._streams())  # type: ignore[arg-type, misc]


class StackDataset(Dataset[T_co]):
    """Datasets side by side: ``StackDataset(a, b)[i] == (a[i], b[i])`` and
    ``StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}``; all of one length."""

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        parts = list(args or kwargs.values())
        if not parts:
            raise ValueError("At least one dataset should be passed")
        self._length = len(parts[0])  # type: ignore[arg-type]
        if any(self._length != len(d) for d in parts):  # type: ignore[arg-type]
            raise ValueError("Size mismatch between datasets")
        self.datasets: tuple[Dataset, ...] | dict[str, Dataset] = args or kwargs

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class TensorDataset(Dataset[tuple]):
    """Examples ``i`` of equally long tensors: ``ds[i] = (t0[i], t1[i], ...)``; t_k: (N, ...).

    Parameters
    ----------
    *tensors : Tensor or array_like
        One or more tensors sharing the first-axis length ``N``; arrays are wrapped as Tensors.
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor, got none")
        wrapped = tuple(t if isinstance(t, Tensor) else Tensor._new(np.asarray(t)) for t in tensors)
        shapes = [tuple(t.shape) for t in wrapped]
        if any(len(s) == 0 for s in shapes):
            raise ValueError(f"TensorDataset: every tensor needs a first axis (the examples), "
                             f"got shapes {shapes}")
        if len({s[0] for s in shapes}) != 1:
            raise AssertionError("Size mismatch between tensors")  # PyTorch's type and message
        self.tensors: tuple[Tensor, ...] = wrapped

    def __len__(self) -> int:
        """Number of examples N (the common first-axis length)."""
        return int(self.tensors[0].shape[0])

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        """Example(s) ``index`` of every tensor: a tuple of Tensors ``(t0[index], ...)``."""
        # through the indexing op (so into the graph) only where a tensor requires grad: the
        # op costs ~3x a bare NumPy index per item
        return tuple(t[index] if t.requires_grad else Tensor._new(np.asarray(t._data[index]))
                     for t in self.tensors)

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
        return f"TensorDataset({shapes})"


class Subset(Dataset[T_co]):
    """The examples ``dataset[indices[i]]`` of a dataset, in the order of ``indices``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """Several examples at once (the loader calls this when the dataset has it)."""
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems is not None:
            return list(getitems([self.indices[i] for i in indices]))
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset[T_co]):
    """Datasets one after another: index ``i`` runs through the first, then the second ..."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        k = bisect.bisect_right(self.cumulative_sizes, idx)
        start = 0 if k == 0 else self.cumulative_sizes[k - 1]
        return self.datasets[k][idx - start]


def random_split(dataset: Any, lengths: Sequence[int | float],
                 generator: Any = None) -> list[Subset]:
    """Split into non-overlapping random Subsets of the given lengths (or fractions summing to 1).

    Fractions are floored and the remainder is given one by one to the first subsets, as
    PyTorch does. The permutation comes from ``generator`` (default: the library generator,
    so ``manual_seed`` makes the split repeatable).
    """
    n = len(dataset)
    sizes = list(lengths)
    if math.isclose(sum(sizes), 1) and sum(sizes) <= 1:
        counts: list[int] = []
        for i, frac in enumerate(sizes):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * frac)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                              "empty dataset.", stacklevel=user_stacklevel())
        sizes = list(counts)
    if sum(sizes) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = _rng_of(generator).permutation(n).tolist()
    out: list[Subset] = []
    start = 0
    for size in sizes:
        stop = start + int(size)
        out.append(Subset(dataset, order[start:stop]))
        start = stop
    return out
