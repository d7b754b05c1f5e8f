"""PyTorch's pre-``torch.linalg`` factorisation names, still in torch 2.x: ``torch.lu`` /
``lu_unpack`` / ``lu_solve`` (LU with LAPACK's pivots) and the Householder family
``geqrf`` / ``orgqr`` / ``ormqr``. Composites of ``_linalg_solvers`` and ``_linalg_extra``
(one LU, one Householder product); ``tensor_linalg`` gives them their Tensor-method forms.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from . import ops as P
from ._linalg_checks import dtype_name
from ._linalg_extra import householder_product
from ._linalg_solvers import _tensor, lu_factor_ex, lu_permutation, lu_triangles
from ._linalg_solvers import lu_solve as _linalg_lu_solve
from ._warn import user_stacklevel
from .tensor import Tensor
from .tensor_functions import cat


class LuUnpackResult(NamedTuple):
    """``(P, L, U)`` (PyTorch's ``torch.return_types.lu_unpack``)."""

    P: Any
    L: Any
    U: Any


class GeqrfResult(NamedTuple):
    """``(a, tau)`` (PyTorch's ``torch.return_types.geqrf``)."""

    a: Any
    tau: Any


def lu(A: Any, pivot: bool = True, get_infos: bool = False,  # noqa: N803 - PyTorch's name
       out: Any = None) -> tuple[Tensor, ...]:
    """(LU, pivots), or (LU, pivots, infos) with ``get_infos``: ``linalg.lu_factor_ex``'s,
    deprecated by PyTorch in its favour (the same UserWarning). A singular A is no error
    (its zero pivot is in infos), as PyTorch's."""
    warnings.warn(
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / "
        "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release: "
        "LU, pivots = torch.linalg.lu_factor(A, pivot), and LU, pivots, info = "
        "torch.linalg.lu_factor_ex(A, pivot) for get_infos=True",
        UserWarning, stacklevel=user_stacklevel())
    packed, piv, info = lu_factor_ex(_tensor(A), pivot=pivot)
    result = (packed, piv, info) if get_infos else (packed, piv)
    if out is not None:
        if len(out) != len(result):
            raise TypeError(f"lu: out must be a tuple of {len(result)} tensors, got {len(out)}")
        for o, r in zip(out, result):
            o.resize_(r.shape).copy_(r)
        return tuple(out)
    return result


def lu_unpack(LU_data: Any, LU_pivots: Any, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> LuUnpackResult:
    """(P, L, U) from ``lu_factor``'s packed (LU, pivots), A = P L U: L (..., m, k) unit
    lower, U (..., k, n) upper, k = min(m, n), differentiable in LU_data; what is not
    unpacked is an empty tensor, as PyTorch's."""
    packed = _tensor(LU_data)
    piv = LU_pivots._data if isinstance(LU_pivots, Tensor) else np.asarray(LU_pivots)
    if packed.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: LU_data must have at least 2 dimensions, got "
                           f"shape {tuple(packed.shape)}")
    if piv.dtype != np.int32:
        raise RuntimeError(
            "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
            f"dtype, got {dtype_name(piv.dtype)} (the pivots of torch.linalg.lu_factor)")
    empty = Tensor._new(np.empty((0,), packed.dtype))
    low, up = lu_triangles(packed) if unpack_data else (empty, empty)
    perm = lu_permutation(packed, piv) if unpack_pivots else empty
    return LuUnpackResult(perm, low, up)


def lu_solve(b: Any, LU_data: Any, LU_pivots: Any) -> Tensor:  # noqa: N803 - PyTorch's
    """X with A X = b for A = P L U given as ``lu_factor``'s (LU_data, LU_pivots):
    ``linalg.lu_solve(LU_data, LU_pivots, b)``, deprecated by PyTorch in its favour (the
    same UserWarning; note the order of the arguments)."""
    warnings.warn(
        "torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed "
        "in a future PyTorch release. Note that torch.linalg.lu_solve has its arguments "
        "reversed: X = torch.linalg.lu_solve(LU, pivots, B)",
        UserWarning, stacklevel=user_stacklevel())
    return _linalg_lu_solve(LU_data, LU_pivots, b)


def geqrf(input: Any) -> GeqrfResult:  # noqa: A002 - PyTorch's name
    """(a, tau), LAPACK's geqrf of input (..., m, n): R on and above a's diagonal, the
    Householder vectors below it (a unit diagonal implied), their scales in tau (..., k),
    k = min(m, n). No derivative, as in PyTorch (its error when a backward reaches it)."""
    x = _tensor(input)
    if x.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if x.dtype.kind not in "fc" or x.dtype.itemsize < 4:  # (no float16 or integer kernel)
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{dtype_name(x.dtype)}'")
    m, n = x.shape[-2:]
    k = min(m, n)
    if x.numel():
        h, tau = np.linalg.qr(x._data, mode="raw")  # (h: LAPACK's a, transposed)
        a = np.ascontiguousarray(np.swapaxes(h, -1, -2)).astype(x.dtype, copy=False)
        tau = tau.astype(x.dtype, copy=False)
    else:
        a, tau = x._data.copy(), np.zeros(x.shape[:-2] + (k,), x.dtype)
    error = NotImplementedError("the derivative for 'geqrf' is not implemented.")
    return GeqrfResult(P.NoDerivative.apply(x, value=a, error=error),
                       P.NoDerivative.apply(x, value=tau, error=error))


def orgqr(input: Any, tau: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """The first n columns of Q = H_1 ... H_k from ``geqrf``'s (a, tau):
    ``linalg.householder_product``, PyTorch's alias."""
    return householder_product(input, tau)


def ormqr(input: Any, tau: Any, other: Any, left: bool = True,  # noqa: A002 - PyTorch's
          transpose: bool = False) -> Tensor:
    """Q C, C Q, Q^H C or C Q^H (``left``, ``transpose``) for the full square
    Q = H_1 ... H_k of ``geqrf``'s (input, tau), without forming Q in PyTorch (here it is
    formed: one Householder product of input padded to a square, so the result is
    differentiable in input, tau and other as PyTorch's)."""
    a, t, c = _tensor(input), _tensor(tau), _tensor(other)
    op = "torch.ormqr"
    if a.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if c.ndim < 2:
        raise RuntimeError(f"{op}: other must have at least 2 dimensions.")
    mn = c.shape[-2] if left else c.shape[-1]
    if a.shape[-2] != mn:
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"{op}: {side} must be equal to input.shape[-2]")
    if t.shape[-1] != min(mn, a.shape[-1]):
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"{op}: tau.shape[-1] must be equal to min({side}, input.shape[-1])")
    for name, v in (("other", c), ("tau", t)):
        if v.dtype != a.dtype:
            raise RuntimeError(f"{op}: Expected input and {name} to have the same dtype, but "
                               f"input has dtype {dtype_name(a.dtype)} and {name} has dtype "
                               f"{dtype_name(v.dtype)}")
    # Q (mn, mn) = H_1 ... H_k: the first n columns of the product of input's k reflectors
    # padded with zero columns to a square (columns past k are no reflectors)
    k = t.shape[-1]
    reflectors = a[..., :, :k]
    if k < mn:
        zeros = Tensor._new(np.zeros(a.shape[:-1] + (mn - k,), a.dtype))
        reflectors = cat([reflectors, zeros], dim=-1)
    q = householder_product(reflectors, t)
    qt = (q.mT if q.dtype.kind != "c" else q.mH) if transpose else q  # type: ignore[attr-defined]
    return qt @ c if left else c @ qt


__all__ = ["GeqrfResult", "LuUnpackResult", "geqrf", "lu", "lu_solve", "lu_unpack", "orgqr",
           "ormqr"]
