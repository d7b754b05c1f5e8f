"""Norm-based functions: ``normalize`` and ``cosine_similarity`` (composites)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
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
