"""Loss primitives: a composite loss becomes a primitive only for numerical stability or speed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from .elementwise import clamp_min, log, log1p, one_of
from .movement import scatter_add


class ProbabilityError(RuntimeError, ValueError):
    """A BCE input outside [0, 1]: PyTorch raises RuntimeError; a ValueError too, as this
    library's earlier releases raised (both ``except`` clauses keep working)."""


def _reduce(ctx: Any, loss: Any, reduction: str) -> Any:
    """An elementwise loss reduced as ``reduction`` asks; 'mean' keeps 1/n in ``ctx.scale``
    for backward (NaN for an empty loss, as PyTorch's mean of nothing)."""
    if reduction == "none":
        return loss
    total = _sum(loss, axis=None)  # (ndarray.sum's own reduction, without its wrapper)
    if reduction == "sum":
        return total
    ctx.scale = 1.0 / loss.size if loss.size else math.nan
    return total * loss.dtype.type(ctx.scale)


class MseLoss(Function):
    """l = (x - y)^2, reduced by ``reduction`` ('mean', 'sum': 0-d; 'none': x's shape);
    x, y: same shape. One node for speed and for PyTorch's graph: its ``MseLossBackward0``
    (the composite was a subtraction, a product and a mean)."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, reduction: str = "mean") -> Any:
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        d = x - y
        d *= d  # (a fresh array)
        return _reduce(ctx, d, reduction)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        if ctx.reduction == "mean":
            g = g * ctx.scale
        gx = (x - y) * (2 * g)
        need_x, need_y = ctx.needs_input_grad
        return (gx if need_x else None), (-gx if need_y else None)


class BinaryCrossEntropy(Function):
    """l = w ((y - 1) max(log(1 - p), -100) - y max(log p, -100)), reduced by ``reduction``
    ('mean', 'sum': a 0-d result; 'none': p's shape); p, y: same shape, w: None or an array
    of p's dtype that broadcasts to it (a constant, as in PyTorch).

    A primitive for numerical stability (the composite's gradient is 0/0 at p in {0, 1});
    the weight and the reduction inside it for speed: one node, PyTorch's single
    ``BinaryCrossEntropyBackward0``, and no broadcast of the scalar gradient.
    """

    @staticmethod
    def forward(ctx: Any, p: Any, y: Any, w: Any = None, reduction: str = "mean") -> Any:
        ctx.save_for_backward(p, y)
        ctx.w, ctx.reduction = w, reduction
        lo, hi = (_min(p, axis=None), _max(p, axis=None)) if p.size else (0.5, 0.5)
        if not (lo >= 0 and hi <= 1):  # NaN fails both, as in PyTorch
            got = "NaN" if np.isnan(lo) else f"values in [{lo}, {hi}]"
            raise ProbabilityError(
                "binary_cross_entropy: all elements of input should be between 0 and 1 "
                f"(probabilities), got {got}; use binary_cross_entropy_with_logits for logits"
            )
        # where no log can reach the clamp at -100 (nor a product (1 - p) p the clamp at
        # 1e-12 in backward), the clamps change nothing: they are skipped, and so is
        # np.errstate (which costs more than the logs)
        ctx.inside = lo > _SAFE and hi < 1 - _SAFE
        if ctx.inside:
            # PyTorch's form (y - 1) log(1-p) - y log p: fewer temporaries than -(... + ...)
            loss = (y - one_of(y)) * np.log1p(-p)
            loss -= y * np.log(p)
        else:
            with np.errstate(divide="ignore"):  # log 0 = -inf, then clamped
                loss = (y - 1) * np.maximum(np.log1p(-p), -100)
                loss -= y * np.maximum(np.log(p), -100)
        if w is not None:
            loss = loss * w
        return _reduce(ctx, loss, reduction)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p, y = ctx.saved_tensors
        if ctx.reduction == "mean":
            g = g * ctx.scale
        if ctx.w is not None:
            g = g * ctx.w
        gp = gy = None
        if ctx.needs_input_grad[0]:
            gp = g * (p - y)
            q = (one_of(p) - p) * p
            gp = gp / (q if ctx.inside else clamp_min(q, 1e-12))
        if ctx.needs_input_grad[1]:
            gy = g * (clamp_min(log1p(-p), -100) - clamp_min(log(p), -100))
        return gp, gy


_min, _max, _sum = np.minimum.reduce, np.maximum.reduce, np.add.reduce
# p in (_SAFE, 1 - _SAFE): log p > -100 and (1 - p) p > 1e-12, so no clamp acts
_SAFE = 1e-10


class NllLoss(Function):
    """l_n = -w[t_n] logp[n, t_n] (0 where t_n is ``ignore_index``), then 'mean' (the sum
    over the summed weights of the kept targets), 'sum' (0-d) or 'none' (N,); logp (N, C),
    t (N,) class indices in range (the caller checks them), w (C,) or None; both by
    keyword: constants, so the node has PyTorch's one input.

    One node, PyTorch's ``NllLossBackward0``, for speed: the composite was a gather, a
    negation, a product, a sum and a scale, each a node (same arithmetic, in that order)."""

    @staticmethod
    def forward(ctx: Any, logp: Any, *, t: Any, w: Any = None, ignore_index: int = -100,
                reduction: str = "mean") -> Any:
        keep = t != ignore_index
        safe = np.where(keep, t, 0)
        if w is None:
            w = np.ones(logp.shape[1], dtype=logp.dtype)
        wi = w[safe] * keep
        idx = (np.arange(len(t)), safe)
        loss = -logp[idx] * wi
        ctx.idx, ctx.wi, ctx.shape, ctx.reduction, ctx.scale = idx, wi, logp.shape, reduction, 1.0
        if reduction == "none":
            return loss
        out = loss.sum()
        if reduction == "mean":
            total = float(wi.sum())
            ctx.scale = 1.0 / total if total else math.nan
            out = out * ctx.scale
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.reduction == "mean":
            g = g * ctx.scale
        return (scatter_add(-(g * ctx.wi), ctx.idx, ctx.shape),)
