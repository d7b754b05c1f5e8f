"""Loss primitives: a composite loss becomes a primitive only for numerical stability."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from .elementwise import clip, log, log1p


class BinaryCrossEntropy(Function):
    """-(y log p + (1-y) log(1-p)), logs clamped at -100 as PyTorch.

    A primitive for numerical stability: the composite's gradient is 0/0 at p in {0, 1}.
    """

    @staticmethod
    def forward(ctx: Any, p: Any, y: Any) -> Any:
        ctx.save_for_backward(p, y)
        with np.errstate(divide="ignore"):  # log 0 = -inf, then clamped
            # PyTorch's form (y - 1) log(1-p) - y log p: fewer temporaries than -(... + ...)
            loss = (y - 1) * np.maximum(np.log1p(-p), -100)
            loss -= y * np.maximum(np.log(p), -100)
        return loss

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p, y = ctx.saved_tensors
        gp = gy = None
        if ctx.needs_input_grad[0]:
            gp = g * (p - y) / clip((1 - p) * p, 1e-12, None)
        if ctx.needs_input_grad[1]:
            gy = g * (clip(log1p(-p), -100, None) - clip(log(p), -100, None))
        return gp, gy
