"""PyTorch's pre-``torch.linalg`` factorisation names, still in torch 2.x: ``torch.lu`` /
``lu_unpack`` / ``lu_solve`` (LU with LAPACK's pivots) and the Householder family
``geqrf`` / ``orgqr`` / ``ormqr``: the functions of the Tensor methods of
``tensor_linalg_legacy`` (one implementation), and ``lu_unpack`` (no method in PyTorch).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._linalg_checks import dtype_name
from ._linalg_solvers import _tensor, lu_permutation, lu_triangles
from .tensor import Tensor
from .tensor_linalg_legacy import GeqrfResult


class LuUnpackResult(NamedTuple):
    """``(P, L, U)`` (PyTorch's ``torch.return_types.lu_unpack``)."""

    P: Any
    L: Any
    U: Any


def lu(A: Any, pivot: bool = True, get_infos: bool = False,  # noqa: N803 - PyTorch's name
       out: Any = None) -> tuple[Tensor, ...]:
    """``A.lu(pivot, get_infos)``: (LU, pivots), or (LU, pivots, infos) with ``get_infos``
    (deprecated by PyTorch for ``linalg.lu_factor_ex``, with a UserWarning), into ``out``."""
    result = _tensor(A).lu(pivot, get_infos)
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
    """``b.lu_solve(LU_data, LU_pivots)``: X with A X = b for A = P L U given as ``lu``'s
    (LU_data, LU_pivots) (deprecated by PyTorch for ``linalg.lu_solve``)."""
    return _tensor(b).lu_solve(LU_data, LU_pivots)


def geqrf(input: Any) -> GeqrfResult:  # noqa: A002 - PyTorch's name
    """``input.geqrf()``: LAPACK's (a, tau), R and the Householder reflectors; no derivative."""
    return _tensor(input).geqrf()


def orgqr(input: Any, tau: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """``input.orgqr(tau)``: the first n columns of Q = H_1 ... H_k from ``geqrf``'s
    (a, tau) (``linalg.householder_product``)."""
    return _tensor(input).orgqr(tau)


def ormqr(input: Any, tau: Any, other: Any, left: bool = True,  # noqa: A002 - PyTorch's
          transpose: bool = False) -> Tensor:
    """``input.ormqr(tau, other, left, transpose)``: Q C, C Q, Q^H C or C Q^H for the square
    Q of ``geqrf``'s (input, tau) and C = other."""
    return _tensor(input).ormqr(tau, other, left, transpose)


__all__ = ["GeqrfResult", "LuUnpackResult", "geqrf", "lu", "lu_solve", "lu_unpack", "orgqr",
           "ormqr"]
