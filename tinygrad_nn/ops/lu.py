"""The LU factorisation with partial pivoting: P A = L U (LAPACK's getrf, in NumPy).

``np_lu_factor`` is the kernel (batched, one column per step); ``LuFactor`` the primitive
whose output is LAPACK's packed LU (L below the diagonal, its unit diagonal implied, U on
and above it), differentiable for square A as PyTorch's ``linalg_lu_backward``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from .decomp import mT, solve, tril


def np_lu_factor(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(LU packed (..., m, n), pivots (..., k) int32 1-based, info (...) int32) of a
    (..., m, n), k = min(m, n): LAPACK's getrf (the first largest |entry| of a column is
    its pivot; info is the 1-based column of the first exact zero pivot, else 0)."""
    m, n = a.shape[-2:]
    batch = a.shape[:-2]
    lu = a.reshape((-1, m, n)).astype(a.dtype, copy=True)
    rows = np.arange(lu.shape[0])
    k = min(m, n)
    piv = np.empty((lu.shape[0], k), np.int32)
    info = np.zeros(lu.shape[0], np.int32)
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=-1)
        piv[:, j] = p + 1
        lu[rows, j], lu[rows, p] = lu[rows, p], lu[rows, j].copy()
        pivot = lu[:, j, j]
        zero = pivot == 0
        info[zero & (info == 0)] = j + 1
        lu[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]  # (a zero column stays zero)
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    return lu.reshape(a.shape), piv.reshape(batch + (k,)), info.reshape(batch)


def permutation(piv: np.ndarray, m: int, dtype: Any) -> np.ndarray:
    """P (..., m, m) with A = P L U from getrf's 1-based row swaps ``piv`` (..., k)."""
    order = np.broadcast_to(np.arange(m), piv.shape[:-1] + (m,)).copy()
    flat, swaps = order.reshape(-1, m), piv.reshape(-1, piv.shape[-1]) - 1
    rows = np.arange(flat.shape[0])
    for j in range(swaps.shape[1]):
        p = swaps[:, j]
        flat[rows, j], flat[rows, p] = flat[rows, p], flat[rows, j].copy()
    # row i of P A is row order[i] of A, so P^T = I[order] and A = P^T^T ... = I[order]^T L U
    return np.swapaxes(np.eye(m, dtype=dtype)[order], -1, -2)


def unpack_lu(lu: Any) -> tuple[Any, Any]:
    """(L with its unit diagonal, U) from a packed square LU (arrays or Tensors)."""
    n = lu.shape[-1]
    eye = np.eye(n, dtype=lu.dtype)
    return tril(lu, -1) + eye, lu - tril(lu, -1)


class LuFactor(Function):
    """LU packed, from A (..., n, n) = P L U (``known``: the (LU, P) the caller computed);
    dA = P L^-H (tril_-1(L^H gL) + triu(gU U^H)) U^-H with gL, gU the strict lower and
    upper parts of g (PyTorch's formula, full-rank A)."""

    @staticmethod
    def forward(ctx: Any, a: Any, known: Any = None) -> Any:
        lu, ctx.perm = known
        ctx.save_for_backward(lu)
        return lu

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (lu,) = ctx.saved_tensors
        low, up = unpack_lu(lu)
        g_low = tril(g, -1)
        phi = tril(mT(low) @ g_low, -1) + (g - g_low) @ mT(up) - tril(
            (g - g_low) @ mT(up), -1)
        x = solve(mT(low), phi)  # L^-H phi
        return (ctx.perm @ mT(solve(up, mT(x))),)  # ... U^-H, then P


__all__ = ["LuFactor", "np_lu_factor", "permutation", "unpack_lu"]
