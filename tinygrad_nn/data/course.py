"""The deep-learning course's data helpers: ``random_mini_batches`` and ``load_h5_dataset``.

``random_mini_batches`` follows the course (examples along the LAST axis, ``X: (n_x, m)``,
``Y: (1, m)``) and reproduces its batches exactly; PyTorch's ``DataLoader`` lives beside it.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = ["random_mini_batches", "load_h5_dataset"]


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
                         f"with the same count m, got X {tuple(x.shape)} and Y {tuple(y.shape)}")
    m = x.shape[-1]
    permutation = np.random.RandomState(seed).permutation(m)  # == np.random.seed(seed) draw
    shuffled_x, shuffled_y = x[..., permutation], y[..., permutation]
    batches = [(shuffled_x[..., k:k + size], shuffled_y[..., k:k + size])
               for k in range(0, m, size)]
    if as_tensor:
        from ..tensor import Tensor

        return [(Tensor._new(bx), Tensor._new(by)) for bx, by in batches]
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

    from ..io import CheckpointError, _check_regular_file

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
