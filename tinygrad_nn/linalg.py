"""``tinygrad_nn.linalg``: PyTorch's ``torch.linalg`` norms (composites of Tensor ops).

Supported: vector norms of any order, and the matrix norms 'fro', 1, -1, inf, -inf.
The spectral (2, -2) and nuclear ('nuc') norms need an SVD and raise NotImplementedError.
"""

from __future__ import annotations

import math
from typing import Any

from .tensor import Tensor
from .tensor_indexing import vector_norm as _vector_norm


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False) -> Tensor:
    """(sum |x|^ord)^(1/ord) over ``dim`` (None: every element); inf / -inf: max / min |x|."""
    return _vector_norm(_as_tensor(x), ord, dim, keepdim)


def matrix_norm(A: Any, ord: Any = "fro", dim: tuple[int, int] = (-2, -1),
                keepdim: bool = False) -> Tensor:
    """Matrix norm over the two ``dim`` axes: 'fro', or 1 / -1 (max / min column sum of
    |a|), inf / -inf (max / min row sum)."""
    a = _as_tensor(A)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a pair, got {dim}")
    if ord == "fro":
        return _vector_norm(a, 2, tuple(dim), keepdim)
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values "
                                  "(an SVD), which tinygrad_nn does not implement")
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf "
                           f"or -inf, got {ord!r}")
    rows, cols = (d % a.ndim for d in dim)
    summed, other = (rows, cols) if abs(ord) == 1 else (cols, rows)
    s = a.abs().sum(summed, keepdims=True)
    r = s.amax(other, keepdims=True) if ord > 0 else s.amin(other, keepdims=True)
    return r if keepdim else r.squeeze((rows, cols))


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Tensor:
    """``torch.linalg.norm``: a vector norm (dim an int, or A 1-D), else a matrix norm
    (dim a pair, or A 2-D); ord=None is the 2-norm / Frobenius norm of all elements."""
    a = _as_tensor(A)
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return _vector_norm(a, 2, dim, keepdim)
    if dim is None:
        if a.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: with ord={ord!r}, the input must be 1-D or 2-D "
                               f"(or give dim), got shape {a.shape}")
        dim = tuple(range(a.ndim))
    if len(dim) == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.norm: ord={ord!r} is a matrix norm; a vector needs a "
                               "number")
        return _vector_norm(a, ord, dim, keepdim)
    return matrix_norm(a, ord, tuple(dim), keepdim)


__all__ = ["matrix_norm", "norm", "vector_norm"]
