"""Embedding lookups: PyTorch's ``EmbeddingBackward0`` and ``EmbeddingBagBackward0`` nodes."""

from __future__ import annotations

from typing import Any

from ..function import Function
from .elementwise import keep_where
from .movement import ScatterAdd, scatter_add


class Embedding(Function):
    """y = w[idx]; w: (num, dim), idx: int array (*) -> (*, dim). The gradient adds g's rows
    back at their indices, except where ``keep`` (bool (*, 1)) is False (``padding_idx``),
    each multiplied by ``scale`` ((*, 1): 1 / frequency for ``scale_grad_by_freq``). A
    primitive for PyTorch's node (its name, and the padding rule without a ``where``)."""

    @staticmethod
    def forward(ctx: Any, w: Any, idx: Any, keep: Any = None, scale: Any = None) -> Any:
        ctx.idx, ctx.keep, ctx.scale, ctx.shape = idx, keep, scale, w.shape
        return w[idx]

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.keep is not None:  # (not g * keep: a NaN in g at a padding row stays out)
            g = keep_where(g, ctx.keep)
        if ctx.scale is not None:
            g = g * ctx.scale
        return (scatter_add(g, ctx.idx, ctx.shape),)


class EmbeddingBag(ScatterAdd):
    """y = zeros(shape); y[idx] += x: the per-bag sums of ``embedding_bag`` (its last step,
    so the output's node has PyTorch's name ``EmbeddingBagBackward0``)."""

    def name(self) -> str:
        return "EmbeddingBagBackward0"


__all__ = ["Embedding", "EmbeddingBag"]
