"""Datasets and mini-batches: TensorDataset, DataLoader, random_mini_batches, load_h5_dataset.

``TensorDataset`` and ``DataLoader`` follow PyTorch (examples along the FIRST axis).
``random_mini_batches`` follows the deep-learning course instead (examples along the LAST
axis, ``X: (n_x, m)``, ``Y: (1, m)``) and reproduces its batches exactly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["TensorDataset", "DataLoader", "random_mini_batches", "load_h5_dataset"]


def _is_tensor_like(x: Any) -> bool:
    """A Tensor (its array is ``._data``), but not an ndarray itself."""
    return not isinstance(x, np.ndarray) and isinstance(getattr(x, "_data", None), np.ndarray)


def _as_array(x: Any) -> np.ndarray:
    return x._data if _is_tensor_like(x) else np.asarray(x)


def _check_positive_int(name: str, value: Any, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{owner}: {name} must be >= 1, got {value}")
    return int(value)


class TensorDataset:
    """Examples ``i`` of equally long tensors: ``ds[i] = (t0[i], t1[i], ...)``; t_k: (N, ...).

    Parameters
    ----------
    *tensors : Tensor or array_like
        One or more tensors sharing the first-axis length ``N``; arrays are wrapped as Tensors.

    Examples
    --------
    >>> ds = TensorDataset(X, y)      # X: (N, D), y: (N,)
    >>> x0, y0 = ds[0]                # x0: (D,), y0: ()
    """

    def __init__(self, *tensors: Any) -> None:
        from .tensor import Tensor

        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor, got none")
        wrapped = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors)
        shapes = [tuple(t._data.shape) for t in wrapped]
        if any(len(s) == 0 for s in shapes):
            raise ValueError(f"TensorDataset: every tensor needs a first axis (the examples), "
                             f"got shapes {shapes}")
        if len({s[0] for s in shapes}) != 1:
            raise ValueError("TensorDataset: all tensors must have the same length along axis "
                             f"0, got shapes {shapes}")
        self.tensors: tuple[Tensor, ...] = wrapped

    def __len__(self) -> int:
        """Number of examples N (the common first-axis length)."""
        return int(self.tensors[0]._data.shape[0])

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        """Example(s) ``index`` of every tensor: a tuple of Tensors ``(t0[index], ...)``."""
        from .tensor import Tensor

        return tuple(Tensor(np.asarray(t._data[index])) for t in self.tensors)

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(t._data.shape)) for t in self.tensors)
        return f"TensorDataset({shapes})"


class DataLoader:
    """Iterate a dataset in batches: each batch stacks ``batch_size`` examples along axis 0.

    Parameters
    ----------
    dataset : sequence
        Anything with ``__len__`` and ``__getitem__(int)``; an item is a Tensor, array or
        number, or a tuple/list of them (e.g. a ``TensorDataset``).
    batch_size : int, default 1
        Examples per batch; the last batch may be smaller unless ``drop_last``.
    shuffle : bool, default False
        Draw a new order every epoch from the library RNG, so ``tinygrad_nn.manual_seed(s)``
        makes the order repeatable.
    drop_last : bool, default False
        Skip the final incomplete batch.

    Yields
    ------
    tuple of Tensor, or Tensor
        ``(x_batch, y_batch, ...)`` of shapes ``(B, ...)`` when items are tuples, else one
        Tensor ``(B, ...)``. Batches are copies: changing one leaves the dataset alone.
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError("DataLoader: dataset must support len() and indexing, got "
                            f"{type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = _check_positive_int("batch_size", batch_size, "DataLoader")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)

    def __len__(self) -> int:
        """Batches per epoch: ``N // B`` with ``drop_last``, else ``ceil(N / B)``."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        from .creation import get_rng

        return get_rng().permutation(n)

    def __iter__(self) -> Iterator[Any]:
        """Yield ``len(self)`` batches in order (or a fresh random order if ``shuffle``)."""
        from .tensor import Tensor

        order = self._order()
        for k in range(len(self)):
            idx = order[k * self.batch_size:(k + 1) * self.batch_size]
            if isinstance(self.dataset, TensorDataset):  # one fancy index per tensor, no loop
                yield tuple(Tensor(t._data[idx]) for t in self.dataset.tensors)
            else:
                yield _collate([self.dataset[int(i)] for i in idx])


def _collate(items: list[Any]) -> Any:
    """Stack a list of examples: tuples field by field, single values directly."""
    from .tensor import Tensor

    first = items[0]
    if isinstance(first, (tuple, list)):
        if any(not isinstance(it, (tuple, list)) or len(it) != len(first) for it in items):
            raise ValueError(f"DataLoader: every example must have {len(first)} fields like "
                             "the first one")
        return tuple(Tensor(np.stack([_as_array(it[j]) for it in items]))
                     for j in range(len(first)))
    return Tensor(np.stack([_as_array(it) for it in items]))


def random_mini_batches(X: Any, Y: Any, mini_batch_size: int = 64,
                        seed: int | None = 0) -> list[tuple[Any, Any]]:
    """Shuffle the m examples (columns) of X: (n_x, m), Y: (1, m) and cut them into batches.

    The deep-learning course's algorithm, batch for batch: the permutation is the one
    ``np.random.seed(seed); np.random.permutation(m)`` gives, the batches are
    ``m // mini_batch_size`` complete ones and then one of ``m % mini_batch_size`` if that is
    not zero. NumPy's global random state is neither used nor changed.

    Parameters
    ----------
    X, Y : np.ndarray or Tensor
        Examples along the LAST axis; both must have the same ``m = X.shape[-1]``.
    mini_batch_size : int, default 64
    seed : int or None, default 0

    Returns
    -------
    list of (mini_batch_X, mini_batch_Y)
        Shapes ``(n_x, b)`` and ``(1, b)``; NumPy arrays, or Tensors if X was a Tensor.
    """
    size = _check_positive_int("mini_batch_size", mini_batch_size, "random_mini_batches")
    as_tensor = _is_tensor_like(X)
    x, y = _as_array(X), _as_array(Y)
    if x.ndim == 0 or y.ndim == 0 or x.shape[-1] != y.shape[-1]:
        raise ValueError("random_mini_batches: X and Y need the examples along the last axis "
                         f"with the same count m, got X {x.shape} and Y {y.shape}")
    m = x.shape[-1]
    permutation = np.random.RandomState(seed).permutation(m)  # == np.random.seed(seed) draw
    shuffled_x, shuffled_y = x[..., permutation], y[..., permutation]
    batches = [(shuffled_x[..., k:k + size], shuffled_y[..., k:k + size])
               for k in range(0, m, size)]
    if as_tensor:
        from .tensor import Tensor

        return [(Tensor(bx), Tensor(by)) for bx, by in batches]
    return batches


def load_h5_dataset(path: str | os.PathLike[str], x_key: str,
                    y_key: str) -> tuple[np.ndarray, np.ndarray]:
    """Read the arrays ``f[x_key], f[y_key]`` of an HDF5 file, e.g. the course's datasets.

    For ``train_catvnoncat.h5``: ``load_h5_dataset(p, "train_set_x", "train_set_y")`` gives
    X ``(209, 64, 64, 3)`` uint8 and Y ``(209,)`` int64, exactly as stored (reshape and
    scale them yourself).

    Parameters
    ----------
    path : str or os.PathLike
    x_key, y_key : str
        Dataset names (``"group/name"`` paths work too).

    Returns
    -------
    (X, Y) : tuple of np.ndarray

    Raises
    ------
    KeyError
        A key is not a dataset of the file; the message lists the file's keys.
    tinygrad_nn.io.CheckpointError
        The file is missing, a directory, empty, not HDF5, corrupted, or a dataset is not
        numeric (object, string or opaque data are refused, never unpickled).
    """
    import h5py

    from .io import CheckpointError, _check_regular_file

    target = os.fspath(path)
    _check_regular_file(target)
    if not h5py.is_hdf5(target):
        raise CheckpointError(target, "not an HDF5 file")
    try:
        f = h5py.File(target, "r")
    except Exception as exc:
        raise CheckpointError(target, f"cannot be opened as HDF5 ({exc})") from exc
    with f:
        keys = sorted(f.keys())
        arrays = []
        for key in (x_key, y_key):
            node = f.get(key) if isinstance(key, str) else None
            if not isinstance(node, h5py.Dataset):
                raise KeyError(f"load_h5_dataset: '{target}' has no dataset {key!r}; "
                               f"its keys are {keys}")
            if node.dtype.kind not in "biufc" or node.dtype.fields is not None:
                raise CheckpointError(target, f"dataset {key!r} has dtype {node.dtype}, "
                                              "expected numbers or booleans")
            try:
                arrays.append(np.asarray(node[()]))
            except Exception as exc:
                raise CheckpointError(target, f"dataset {key!r} cannot be read, the file is "
                                              f"corrupted ({exc})") from exc
    return arrays[0], arrays[1]
