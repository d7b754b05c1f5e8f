"""The norms of ``torch.linalg`` (``linalg`` re-exports them): vector_norm, matrix_norm and
norm, with PyTorch's ``dtype=`` (a cast first, never a narrowing one) and its errors for a
string ord and for a negative ord over an empty reduction. The computations are
``tensor_indexing.vector_norm`` and ``_linalg_parts.matrix_norm_of``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._linalg_checks import dtype_name
from ._linalg_parts import matrix_norm_of
from .dtypes import as_dtype
from .ops.decomp import check_float
from .tensor import Tensor
from .tensor_indexing import vector_norm as _vector_norm


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._new(x)


def _norm_input(x: Any, dtype: Any, op: str) -> Tensor:
    """x as a Tensor, cast to ``dtype`` when given (PyTorch's rules: a floating dtype, a
    floating x, and no narrowing cast such as float64 to float32)."""
    t = _as_tensor(x)
    if dtype is None:
        return t
    dt = as_dtype(dtype)
    if dt.kind not in "fc":
        raise RuntimeError(f"{op}: dtype should be floating point or complex, but got "
                           f"{dtype_name(dt)}")
    check_float(t, op)
    if dt.itemsize < t.dtype.itemsize:
        raise RuntimeError(f"{op}: the dtype of the input ({dtype_name(t.dtype)}) should be "
                           f"convertible without narrowing to the specified dtype "
                           f"({dtype_name(dt)})")
    return t if t.dtype == dt else t.astype(dt)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over ``dim`` (None: every element); inf / -inf: max / min |x|.
    ``dtype`` casts x first. A negative ord (no identity) refuses an empty reduction."""
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, "
                        f"not {type(ord).__name__}")
    t = _norm_input(x, dtype, "linalg.vector_norm")
    if ord < 0 and t.dtype.kind in "fc":
        dims = range(t.ndim) if dim is None else (dim,) if isinstance(dim, int) else dim
        if not t.ndim and not t.numel() or any(t.shape[d] == 0 for d in dims):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty "
                               "tensor because the operation does not have an identity")
    return _vector_norm(t, ord, dim, keepdim)


def matrix_norm(A: Any, ord: Any = "fro", dim: tuple[int, int] = (-2, -1),
                keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Matrix norm over the two ``dim`` axes: 'fro', 'nuc' (the sum of the singular values),
    2 / -2 (the largest / smallest singular value), 1 / -1 (max / min column sum of |a|),
    inf / -inf (max / min row sum). ``dtype`` casts A first."""
    return matrix_norm_of(_norm_input(A, dtype, "linalg.matrix_norm"), ord, dim, keepdim)


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """``torch.linalg.norm``: a vector norm (dim an int, or A 1-D), else a matrix norm
    (dim a pair, or A 2-D); ord=None is the 2-norm / Frobenius norm of all elements."""
    a = _as_tensor(A)
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(a, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if a.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: with ord={ord!r}, the input must be 1-D or 2-D "
                               f"(or give dim), got shape {tuple(a.shape)}")
        dim = tuple(range(a.ndim))
    if len(dim) == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.norm: ord={ord!r} is a matrix norm; a vector needs a "
                               "number")
        return vector_norm(a, ord, dim, keepdim, dtype=dtype)
    return matrix_norm(a, ord, tuple(dim), keepdim, dtype=dtype)


__all__ = ["matrix_norm", "norm", "vector_norm"]
