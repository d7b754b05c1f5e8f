"""Norm-based functions: ``normalize``, ``cosine_similarity``, ``pairwise_distance`` and
``pdist`` (composites)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ..tensor_functions import where
from .basic import as_tensor


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Any = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``; the shape is kept (written into ``out`` if given)."""
    x = as_tensor(input)
    y = x / x.norm(p, dim=dim, keepdim=True).clip(eps, None)
    return y if out is None else out.copy_(y)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along ``dim`` (inputs broadcast).

    Each input is divided by its own clamped norm first, as PyTorch does, so large
    inputs do not overflow the product of norms.
    """
    a, b = as_tensor(x1), as_tensor(x2)
    return ((a / _clamped_norm(a, dim, eps)) * (b / _clamped_norm(b, dim, eps))).sum(dim)


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    # PyTorch clamps the norm in place without recording: the value is max(n, eps), the
    # gradient is the unclamped norm's
    n = x.norm(2, dim=dim, keepdim=True)
    return n + (n.clip(eps, None) - n).detach()


def pairwise_distance(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p along the last dim (inputs broadcast): (N, D), (N, D) -> (N,)."""
    a, b = as_tensor(x1), as_tensor(x2)
    d = a - b + eps
    if max(a.ndim, b.ndim) == 0:
        return d.norm(p)  # PyTorch reduces a 0-d difference to its absolute value
    return d.norm(p, dim=-1, keepdim=keepdim)


def pdist(input: Any, p: float = 2.0) -> Tensor:
    """||x_i - x_j||_p for every pair of rows i < j: (N, M) -> (N (N - 1) / 2,).

    Equal rows have distance 0 and gradient 0 (PyTorch's subgradient), not NaN.
    """
    x = as_tensor(input)
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if x.dtype.kind != "f":
        raise RuntimeError(f"pdist only supports floating-point dtypes, got {x.dtype}")
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got {p}")
    i, j = np.triu_indices(x.shape[0], 1)
    diff = x[i] - x[j]
    # the norm's derivative is undefined at 0: take it of ones there, then put 0 back
    same = diff.detach().abs().sum(-1, keepdim=True) == 0
    dist = where(same, 1.0, diff).norm(p, dim=-1)
    return where(same.squeeze(-1), 0.0, dist)
