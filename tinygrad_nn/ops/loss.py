"""Loss primitives: a composite loss becomes a primitive only for numerical stability or speed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from .elementwise import clamp_min, log, log1p


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
        if p.size:
            lo, hi = p.min(), p.max()
            if not (lo >= 0 and hi <= 1):  # NaN fails both, as in PyTorch
                got = "NaN" if np.isnan(lo) else f"values in [{lo}, {hi}]"
                raise ValueError(
                    "binary_cross_entropy: all elements of input should be between 0 and 1 "
                    f"(probabilities), got {got}; use binary_cross_entropy_with_logits for logits"
                )
            inside = lo > 0 and hi < 1
        else:
            inside = True
        if inside:  # no log 0: nothing to silence (np.errstate costs more than the logs)
            # PyTorch's form (y - 1) log(1-p) - y log p: fewer temporaries than -(... + ...)
            loss = (y - 1) * np.maximum(np.log1p(-p), -100)
            loss -= y * np.maximum(np.log(p), -100)
        else:
            with np.errstate(divide="ignore"):  # log 0 = -inf, then clamped
                loss = (y - 1) * np.maximum(np.log1p(-p), -100)
                loss -= y * np.maximum(np.log(p), -100)
        if w is not None:
            loss = loss * w
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        n = loss.size
        ctx.scale = 1.0 / n if n else math.nan
        return loss.sum() * loss.dtype.type(ctx.scale)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p, y = ctx.saved_tensors
        if ctx.reduction == "mean":
            g = g * ctx.scale
        if ctx.w is not None:
            g = g * ctx.w
        gp = gy = None
        if ctx.needs_input_grad[0]:
            gp = g * (p - y) / clamp_min((1 - p) * p, 1e-12)
        if ctx.needs_input_grad[1]:
            gy = g * (clamp_min(log1p(-p), -100) - clamp_min(log(p), -100))
        return gp, gy
