"""PyTorch's top-level math functions that have no Tensor method: ``isin``, ``rsub``,
``combinations``, ``vander``, ``unravel_index``.

Each is a composite of existing ops (so gradients, to any order, come from theirs) or, for
integer and boolean results, a NumPy function wrapped without a graph. Those PyTorch also
has as Tensor methods (``sinc``, ``ldexp``, ``gcd``, ``renorm``, ``histogram`` ...) are
methods (``tensor_special.py``) with generated function forms; the ``*_copy`` forms are in
``_torch_views.py``; the creation functions (``logspace``, the windows) in
``_torch_windows.py``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ._torch_functions import as_tensor
from .tensor import Tensor
from .tensor_functions import stack


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Bool tensor of elements' shape: is each element among test_elements (``invert``
    negates). Either may be a number."""
    a = np.asarray(elements._data if isinstance(elements, Tensor) else elements)
    b = np.asarray(test_elements._data if isinstance(test_elements, Tensor) else
                   test_elements)
    return Tensor._new(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def rsub(input: Any, other: Any, alpha: float = 1) -> Tensor:  # noqa: A002 - PyTorch's name
    """other - alpha * input (``sub`` with the operands swapped)."""
    return as_tensor(other).sub(as_tensor(input), alpha=alpha) if isinstance(other, Tensor) \
        else as_tensor(input).mul(-alpha).add(other)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """(k, r): the length-r combinations of a 1-D tensor's elements, in itertools' order."""
    x = as_tensor(input)
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:  # (a new empty tensor, outside the graph, as PyTorch's)
        return Tensor._new(x._data[:0].copy())
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return x[Tensor._new(idx)]


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """(n, N) Vandermonde matrix: column j is x^(N-1-j) (x^j when ``increasing``)."""
    v = as_tensor(x)
    if v.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = v.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if v._data.dtype.kind in "bu" or v._data.dtype == np.int8 or v._data.dtype == np.int16 \
            or v._data.dtype == np.int32:
        v = v.to(np.int64)  # (PyTorch promotes integer and bool inputs to int64)
    cols = [v.pow(k) if k else v * 0 + 1 for k in range(n)]
    out = stack(cols, 1) if cols else v.unsqueeze(1)[:, :0]
    return out if increasing else out.flip(1)


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates of flat ``indices`` in an array of ``shape``: one int64 tensor each."""
    idx = as_tensor(indices)
    if idx._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {idx.dtype}")
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(d < 0 for d in dims):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(dims)}")
    size = math.prod(dims)
    if ((idx._data < -size) | (idx._data >= size)).any():
        raise ValueError("'indices' must be in range [-size, size - 1]")
    coords = np.unravel_index(idx._data % max(size, 1), dims)
    return tuple(Tensor._new(c.astype(np.int64)) for c in coords)


__all__ = ["combinations", "isin", "rsub", "unravel_index", "vander"]
