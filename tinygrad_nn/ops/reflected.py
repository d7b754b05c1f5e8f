"""Ops of a Tensor and a constant where PyTorch records only the Tensor as an input: the
reflected operators ``1 - x`` (RsubBackward1) and ``2 ** x`` (PowBackward2), and ``1 / x``
(ReciprocalBackward0; ``2 / x`` is ``reciprocal(x) * 2`` in PyTorch). The constant ``c`` is
an option, not an input, so ``grad_fn.next_functions`` has one entry, as PyTorch's."""

from __future__ import annotations

from typing import Any

from ..function import Function
from .elementwise import log


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
    """y = c ** x for a constant base c (``2 ** x``); dy/dx = y log c, 0 where c is 0
    (PyTorch's convention, as ``Pow``'s for a Tensor exponent)."""

    @staticmethod
    def forward(ctx: Any, x: Any, c: Any) -> Any:
        y = c ** x
        ctx.c = c
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        c = ctx.c
        return (g * y * log(c + (c == 0)),)

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
