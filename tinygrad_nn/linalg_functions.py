"""PyTorch's top-level product functions that have no Tensor method: ``tensordot``,
``chain_matmul``, ``cdist``, ``trapezoid`` / ``trapz`` and ``cumulative_trapezoid``.

Composites of Tensor ops (rule 6): their gradients of any order come from the primitives.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._linalg_checks import (
    refuse_bool,
    refuse_half,
    same_dtypes,
)
from ._linalg_parts import (
    tensordot as _tensordot,
)
from ._shapes import normalize_one_axis
from ._warn import user_stacklevel
from .dtypes import get_default_dtype
from .function import TensorBase
from .linalg import chain_product
from .tensor import Tensor
from .tensor_elementwise import select
from .tensor_indexing import vector_norm


def _as_tensor(x: Any) -> Any:
    return x if isinstance(x, TensorBase) else Tensor._new(x)


def tensordot(a: Any, b: Any, dims: Any = 2, out: Any = None) -> Tensor:
    """Sum over the contracted axes: ``dims`` an int n (a's last n with b's first n) or a
    pair of axis lists; (*free_a, *c) x (*c, *free_b) -> (*free_a, *free_b)."""
    if out is not None:
        raise TypeError("tensordot: out= is not supported (tinygrad_nn returns new tensors)")
    return _tensordot(_as_tensor(a), _as_tensor(b), dims)


def chain_matmul(*matrices: Any, out: Any = None) -> Tensor:
    """M_1 @ M_2 @ ... @ M_n of 2-D matrices, in the cheapest order (deprecated in PyTorch,
    with a UserWarning: use ``linalg.multi_dot``)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning,
                  stacklevel=user_stacklevel())
    if out is not None:
        raise TypeError("chain_matmul: out= is not supported")
    mats = [_as_tensor(m) for m in matrices]
    if not mats:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in mats:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(mats) == 1:
        return mats[0].clone()  # a new tensor (PyTorch returns a clone)
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"chain_matmul: matrices {i} and {i + 1} of shapes "
                               f"{list(mats[i].shape)} and {list(mats[i + 1].shape)} cannot "
                               "be multiplied")
    same_dtypes("chain_matmul", *mats)
    refuse_bool("addmm_impl_cpu_", mats[0])
    return chain_product(mats)


_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
          "donot_use_mm_for_euclid_dist")


def cdist(x1: Any, x2: Any, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distances ||x1[..., i, :] - x2[..., j, :]||_p: (..., P, M), (..., R, M)
    -> (..., P, R), batch axes broadcast. Computed directly for every p (the ``compute_mode``
    matrix-product shortcut for p = 2 is accepted and not taken: it is less accurate). The
    gradient at a zero distance is 0, as in PyTorch."""
    a, b = _as_tensor(x1), _as_tensor(x2)
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, t in (("X1", a), ("X2", b)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{t.ndim}D")
        if t.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{t.dtype}")
        refuse_half(t, "cdist")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{a.shape[-1]} X2: {b.shape[-1]}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"cdist: expected both inputs to have the same dtype, got {a.dtype} "
                           f"and {b.dtype}")
    if not p >= 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)  # (..., P, R, M)
    dist = vector_norm(diff, p, -1)
    if p == 0:  # a count: a zero gradient, as PyTorch's (its result requires grad too)
        return select(np.ones(dist.shape, bool), dist, diff.sum(-1))
    return dist


def _check_dx(x: Any, dx: Any, op: str) -> None:
    if x is not None and dx is not None:
        raise TypeError(f"{op}(): give either the sample points x or the spacing dx, not both")


def _trapezoid_parts(y: Any, x: Any, dx: Any, dim: int, op: str) -> tuple[Any, int]:
    """(the areas of the n - 1 trapezoids along ``dim``, dim normalised)."""
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = normalize_one_axis(dim, y.ndim, op)
    if y.dtype.kind in "iub":
        y = y.astype(get_default_dtype())
    n = y.shape[d]
    if n == 0:
        return y.narrow(d, 0, 0), d
    mid = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * 0.5
    if x is None:
        return mid * (1 if dx is None else dx), d
    xs = _as_tensor(x)
    if xs.dtype.kind in "iub":
        xs = xs.astype(mid.dtype)
    if xs.ndim == 1:
        if xs.shape[0] != n:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        xs = xs.reshape((n,) + (1,) * (y.ndim - d - 1))
        step = xs[1:] - xs[:-1]
    else:
        xd = normalize_one_axis(dim, xs.ndim, op) if xs.ndim else 0
        m = xs.shape[xd]
        step = xs.narrow(xd, 1, m - 1) - xs.narrow(xd, 0, m - 1)
    return mid * step, d


def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: sum_i (x_{i+1} - x_i) (y_i + y_{i+1}) / 2, with
    sample points x (1-D of y's length along dim, or broadcasting with y) or a constant
    spacing dx (default 1); (..., n, ...) -> (...). Integer y gives float32."""
    _check_dx(x, dx, "trapezoid")
    parts, d = _trapezoid_parts(_as_tensor(y), x, dx, dim, "trapezoid")
    return parts.sum(d)


def trapz(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """``trapezoid`` (PyTorch's older name)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoidal rule along ``dim``: (..., n, ...) -> (..., n - 1, ...), entry
    k the integral from the first sample to sample k + 1."""
    _check_dx(x, dx, "cumulative_trapezoid")
    parts, d = _trapezoid_parts(_as_tensor(y), x, dx, dim, "cumulative_trapezoid")
    return parts.cumsum(d) if parts.shape[d] else parts


__all__ = ["cdist", "chain_matmul", "cumulative_trapezoid", "tensordot", "trapezoid", "trapz"]
