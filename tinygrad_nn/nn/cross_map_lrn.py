"""CrossMapLRN2d: the legacy (Lua Torch) cross-channel local response normalisation that
PyTorch keeps as ``nn.CrossMapLRN2d``, computed as PyTorch's ``_functions.CrossMapLRN2d``.

y = x * scale ** -beta, scale = k + alpha / size * (a running sum of x^2 over channels).
The running sum is PyTorch's recurrence, quirks included: it starts with channels
0 .. (size - 1) // 2 and, moving one channel on, adds the channel entering the window but
removes the one leaving it only once c > (size - 1) // 2 + 1, so it is not the symmetric
window of ``LocalResponseNorm``. Its backward is PyTorch's formula (a window sum of
g * y / scale), which is not the exact derivative of that forward: so this is a custom
Function with PyTorch's backward, not a composite, to give PyTorch's gradients (first order
only: under ``create_graph`` it raises, as PyTorch's does).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..functional import as_tensor
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from .module import Module


def _scale(x: np.ndarray, size: int, alpha: float, k: float) -> np.ndarray:
    """k + alpha / size * (PyTorch's running channel sum of x^2); x: (N, C, H, W)."""
    sq = x * x
    channels = x.shape[1]
    pre_pad = int((size - 1) / 2 + 1)
    scale = np.empty_like(x)
    first = np.zeros_like(x[:, 0])
    for c in range(min(pre_pad, channels)):
        first += sq[:, c]
    scale[:, 0] = first
    for c in range(1, channels):
        cur = scale[:, c - 1].copy()
        if c < channels - pre_pad + 1:
            cur += sq[:, c + pre_pad - 1]
        if c > pre_pad:
            cur -= sq[:, c - pre_pad]
        scale[:, c] = cur
    return scale * (alpha / size) + k


class CrossMapLRN2dFunction(Function):
    """y = x * scale ** -beta (see the module docstring); x: (N, C, H, W) -> same."""

    @staticmethod
    def forward(ctx: Any, input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                k: float = 1) -> Tensor:
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D "
                             "instead.")
        x = input._data
        scale = _scale(x, size, alpha, k)
        y = scale ** -beta * x
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        ctx.arrays = (x, y, scale)
        return Tensor._new(y)

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple[Any, ...]:
        if is_grad_enabled():  # create_graph=True: PyTorch's backward (out= ops) refuses too
            raise RuntimeError("CrossMapLRN2d: its backward is not differentiable, so "
                               "create_graph=True is not supported (as in PyTorch)")
        x, y, scale = ctx.arrays
        size, channels = ctx.size, x.shape[1]
        inverse_pre_pad = int(size - (size - 1) / 2)
        if inverse_pre_pad + channels > channels + size - 1:  # PyTorch's narrow() fails too
            raise RuntimeError(f"CrossMapLRN2d: backward needs size >= 2, got size {size}")
        go = g._data
        gx = scale ** -ctx.beta * go
        padded = np.zeros((x.shape[0], channels + size - 1) + x.shape[2:], dtype=x.dtype)
        padded[:, inverse_pre_pad:inverse_pre_pad + channels] = go * y / scale
        ratio = 2 * ctx.alpha * ctx.beta / size
        acc = padded[:, :size - 1].sum(axis=1)
        for c in range(channels):  # acc = the sum of padded[c .. c + size - 1]
            acc = acc + padded[:, c + size - 1]
            gx[:, c] += -ratio * x[:, c] * acc
            acc = acc - padded[:, c]
        return Tensor._new(gx), None, None, None, None


class CrossMapLRN2d(Module):
    """Legacy cross-channel LRN of (N, C, H, W): y = x * (k + alpha / size * S) ** -beta,
    S a running sum of x^2 over neighbouring channels (PyTorch's; see this file's docstring
    for how it differs from ``LocalResponseNorm``).

    ``CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1)``; no parameters.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Any) -> Tensor:
        return CrossMapLRN2dFunction.apply(as_tensor(input), self.size, self.alpha, self.beta,
                                           self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


__all__ = ["CrossMapLRN2d"]
