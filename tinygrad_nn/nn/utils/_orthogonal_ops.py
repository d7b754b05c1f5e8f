"""Composites the orthogonal parametrization needs that the library lacks (PyTorch has them
as ``torch.geqrf`` and ``torch.linalg.householder_product``): the packed Householder form of
a QR factorisation (no gradient, as in PyTorch) and the product of Householder reflections
(differentiable, built from matmuls)."""

from __future__ import annotations

import numpy as np

from ...creation import eye
from ...tensor import Tensor


def geqrf(a: Tensor) -> tuple[Tensor, Tensor]:
    """LAPACK's geqrf: a (..., m, n) -> (packed (..., m, n), tau (..., min(m, n))): R on and
    above the diagonal, the Householder vectors below it (no gradient, as PyTorch's)."""
    x = a._data
    m, n = x.shape[-2:]
    packed = np.empty_like(x)
    tau = np.empty((*x.shape[:-2], min(m, n)), dtype=x.dtype)
    for idx in np.ndindex(*x.shape[:-2]):
        h, t = np.linalg.qr(x[idx], mode="raw")
        packed[idx], tau[idx] = h.T, t
    return Tensor._new(packed), Tensor._new(tau)


def householder_product(a: Tensor, tau: Tensor) -> Tensor:
    """Q = H_1 H_2 ... H_k restricted to its first n columns, H_i = I - tau_i v_i v_i^T with
    v_i column i of ``a`` below the diagonal and 1 on it; a (..., m, n), tau (..., k) ->
    (..., m, n). Differentiable in both (a loop of k rank-one updates)."""
    m, n = a.shape[-2:]
    e = eye(m, n, dtype=a.dtype)
    vs = a.tril(-1) + e
    q = e.expand(*a.shape)
    for i in reversed(range(tau.shape[-1])):
        v = vs[..., :, i:i + 1]
        q = q - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.mT @ q))
    return q


def make_orthogonal(a: Tensor) -> Tensor:
    """The Q of a = Q R with R's diagonal made positive (each column times sign(R_ii)); a
    (..., n, k) -> (..., n, k); no gradient (used by right_inverse)."""
    q, r = np.linalg.qr(a._data)
    sign = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    return Tensor._new((q * sign[..., None, :]).astype(a.dtype, copy=False))


def is_orthogonal(q: Tensor) -> bool:
    """Q^T Q == I within 10 n eps (PyTorch's tolerance); q (..., n, k)."""
    x = q._data
    n, k = x.shape[-2:]
    eps = 10.0 * n * np.finfo(x.dtype).eps
    return bool(np.allclose(np.swapaxes(x, -1, -2) @ x, np.eye(k, dtype=x.dtype), atol=eps))
