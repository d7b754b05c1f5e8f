"""The rest of ``torch.linalg`` (``linalg`` re-exports them): diagonal, vander, tensorinv,
tensorsolve and householder_product. Composites of Tensor methods and the ``Inv`` / ``Solve``
primitives (rule 6), so their gradients of any order come from the primitives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops as P
from ._linalg_checks import dtype_name, is_half, refuse_half, refuse_integers
from .ops.decomp import check_square
from .tensor import Tensor
from .tensor_elementwise import select
from .tensor_functions import stack


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._new(x)


def diagonal(A: Any, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of every matrix of A over (dim1, dim2) (``torch.linalg.diagonal``: the
    last two dims by default, unlike ``Tensor.diagonal``)."""
    return _tensor(A).diagonal(offset, dim1, dim2)


def vander(x: Any, *, N: int | None = None) -> Tensor:  # noqa: N803 - PyTorch's name
    """The Vandermonde matrix (..., n, N) of x (..., n): column j holds x ** j (increasing
    powers, N = n by default). Integers give int64; bool is refused, as PyTorch."""
    t = _tensor(x)
    if t.dtype == np.bool_ or is_half(t):
        raise RuntimeError("linalg.vander supports floating point, complex, and integer "
                           f"tensors, but got {dtype_name(t.dtype)}")
    if t.ndim == 0:  # a 0-d x is one point: (1, N)
        t = t.reshape(1)
    n = N if N is not None else t.shape[-1]
    if n <= 1:
        raise RuntimeError(f"N must be greater than 1. (got N={n})")
    base = t if t.dtype.kind == "f" else t.astype(np.int64)  # (integers widen to int64)
    # x^j by repeated products (not cumprod: its derivative divides by x, which a power near
    # 0 must not)
    cols = [Tensor._new(np.ones(tuple(t.shape), base.dtype)), base]
    for _ in range(n - 2):
        cols.append(cols[-1] * base)
    return stack(cols[:n], -1)


def tensorinv(A: Any, ind: int = 2) -> Tensor:
    """The inverse of A read as a linear map from its first ``ind`` dims to the rest:
    A (*a, *b) with prod(a) = prod(b) -> (*b, *a), and tensordot(A, result, ind) is I."""
    a = _tensor(A)
    if not isinstance(ind, int) or ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(a.shape[:ind]), math.prod(a.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) "
                           f"== prod(self.shape[:ind]), but got {cols} != {rows}")
    inv = a.reshape(rows, cols).inverse()  # type: ignore[attr-defined]
    return inv.reshape(*a.shape[ind:], *a.shape[:ind])  # type: ignore[no-any-return]


def tensorsolve(A: Any, B: Any, dims: Any = None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B: A (*B.shape, *rest) -> X of shape rest, prod(rest)
    equal to B's size; ``dims`` (axes of A) are first moved to A's end, as PyTorch."""
    a, b = _tensor(A), _tensor(B)
    if dims is not None:
        dims = [d % a.ndim for d in ((dims,) if isinstance(dims, int) else dims)]
        a = a.permute(*[d for d in range(a.ndim) if d not in dims], *dims)
    rest = tuple(a.shape[b.ndim:])
    if math.prod(rest) != b.numel():
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape["
                           f"other.ndim:]) == prod(self.shape[:other.ndim]), but got "
                           f"{math.prod(rest)} != {b.numel()}")
    square = a.reshape(b.numel(), -1)
    check_square(square, "linalg.solve")
    refuse_half(square, "lu_cpu")
    if square.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {square.dtype} and B of type {b.dtype} instead")
    return P.Solve.apply(square, b.reshape(-1, 1)).reshape(rest)  # type: ignore[no-any-return]


def householder_product(A: Any, tau: Any) -> Tensor:
    """The first n columns of H_1 H_2 ... H_k (LAPACK's orgqr), H_i = I - tau_i v_i v_i^H
    with v_i column i of A (..., m, n) below the diagonal and 1 on it; tau (..., k),
    k <= n <= m. Differentiable in A and tau (a composite)."""
    a, t = _tensor(A), _tensor(tau)
    op = "torch.linalg.householder_product"
    if a.ndim < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    m, n = a.shape[-2:]
    if m < n:
        raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if t.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if t.shape[-1] > n:
        raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if t.ndim != a.ndim - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but "
                           f"got tau.ndim equal to {t.ndim} and input.ndim is equal to "
                           f"{a.ndim}")
    if tuple(t.shape[:-1]) != tuple(a.shape[:-2]):
        raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {tuple(t.shape[:-1])}")
    if t.dtype != a.dtype:
        raise RuntimeError(f"{op}: tau dtype {dtype_name(t.dtype)} does not match input "
                           f"dtype {dtype_name(a.dtype)}")
    refuse_integers("orgqr_cpu", a)
    # the reflectors' vectors as columns: A below the diagonal, 1 on it, 0 above
    below = np.tri(m, n, -1, dtype=bool)
    v = select(below, a, np.eye(m, n, dtype=a.dtype))
    q: Any = Tensor._new(np.broadcast_to(np.eye(m, n, dtype=a.dtype), a.shape).copy())
    for i in reversed(range(t.shape[-1])):  # Q = H_1 (H_2 (... (H_k I)))
        vi = v[..., :, i:i + 1]
        q = q - (t[..., i:i + 1].unsqueeze(-1) * vi) @ (vi.mH @ q)
    return q  # type: ignore[no-any-return]


__all__ = ["diagonal", "householder_product", "tensorinv", "tensorsolve", "vander"]
