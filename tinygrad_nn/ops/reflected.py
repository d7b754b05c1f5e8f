"""Ops of a Tensor and a constant where PyTorch records only the Tensor as an input: the
reflected operators ``1 - x`` (RsubBackward1) and ``2 ** x`` (PowBackward2), and ``1 / x``
(ReciprocalBackward0; ``2 / x`` is ``reciprocal(x) * 2`` in PyTorch). The constant ``c`` is
an option, not an input, so ``grad_fn.next_functions`` has one entry, as PyTorch's."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from .elementwise import _complex_power, complex_operands, keep_where


class Rsub(Function):
    """y = c - x for a constant c (``1 - x``; PyTorch's ``rsub(x, c)``)."""

    @staticmethod
    def forward(ctx: Any, x: Any, c: Any) -> Any:
        return c - x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (-g,)

    def name(self) -> str:
        return "RsubBackward1"  # (PyTorch's overload for a number c)


class RPow(Function):
    """y = c ** x for a constant base c (``2 ** x``, or an array); dy/dx = y log c (the
    complex log of c for a complex x: log -2 = ln 2 + i pi), and where c = 0 PyTorch's
    convention: 0 where x is real and >= 0, else y log 0."""

    @staticmethod
    def forward(ctx: Any, x: Any, c: Any) -> Any:
        y = _complex_power(c, x) if complex_operands(c, x) else c**x
        ctx.c = c
        at_zero = np.asarray(c) == 0  # (c may be an array, broadcast against x)
        ctx.zero = at_zero & (np.real(x) >= 0) & (np.imag(x) == 0) if at_zero.any() else None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf, log -2 = NaN
            lc = np.log(np.asarray(ctx.c, y.dtype))
        if ctx.zero is None:
            return (g * (y * lc),)
        with np.errstate(invalid="ignore"):
            return (g * keep_where(y * lc, ~ctx.zero),)

    def name(self) -> str:
        return "PowBackward2"  # (PyTorch's overload for a number base)


class Reciprocal(Function):
    """y = 1 / x; dy/dx = -y^2 (the output is what is saved)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = 1 / x
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (-(g * y * y),)
