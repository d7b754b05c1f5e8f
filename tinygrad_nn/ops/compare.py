"""The in-place comparisons (``x.eq_(y)``, ``ne_``, ``lt_``, ``le_``, ``gt_``, ``ge_``) as
PyTorch records them: x's dtype holds 1 or 0, and the node (``EqBackward0`` for a number y,
an option; ``EqBackward1`` for a Tensor y, an input) passes a zero gradient to each input."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function


class Compare(Function):
    """y = (x op other) in x's dtype; dy/dx = dy/dother = 0. ``value`` is the comparison's
    boolean result, computed by the out-of-place method (its promotion rules); ``op`` is
    PyTorch's node stem ('Eq', 'Lt' ...)."""

    op = "Eq"

    @staticmethod
    def forward(ctx: Any, x: Any, other: Any = None, *, value: Any, op: str) -> Any:
        ctx.op = op
        ctx._overload = 0 if len(ctx.needs_input_grad) == 1 else 1
        return np.asarray(value).astype(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        z = np.zeros(np.shape(g), dtype=g.dtype)
        if len(ctx.needs_input_grad) == 1:
            return (z,)
        return z, (z if ctx.needs_input_grad[1] else None)

    def name(self) -> str:
        return f"{self.op}Backward{getattr(self, '_overload', 0)}"
