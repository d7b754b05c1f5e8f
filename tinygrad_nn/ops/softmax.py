"""The softmax family as primitives: ``Softmax``, ``LogSoftmax`` and ``LogSumExp``.

Each was a composite of four to six nodes (shift, exp, sum, log or divide, subtract); as one
node each they are PyTorch's ``SoftmaxBackward0``, ``LogSoftmaxBackward0`` and
``LogsumexpBackward0`` (names and ``next_functions`` as in PyTorch) and, for speed, one
forward pass of NumPy calls with no intermediate kept but the output (rule 6: measured in
docs/performance.md). Backward uses PyTorch's formulas, written once for both paths:

    softmax:      gx = y * (g - sum(g * y))
    log_softmax:  gx = g - exp(y) * sum(g)   (exp(y), the softmax, kept from forward)
    logsumexp:    gx = g * exp(x - y)

Non-finite inputs follow PyTorch: softmax and log_softmax subtract the row's maximum as it
is (a row holding +inf, or only -inf, gives NaN), while logsumexp treats an infinite
maximum as 0, so a row of -inf gives -inf and a row holding +inf gives +inf.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from .elementwise import exp


def _shifted_exp(name: str, x: Any, axis: int | None) -> tuple[Any, Any]:
    """(x - max, exp(x - max)) along ``axis``: no overflow for logits of any size. A 0-d x
    (``axis`` None) gives one-element arrays, which the callers give back x's shape."""
    if x.dtype.kind != "f":  # PyTorch's kernels exist for floating types only
        raise NotImplementedError(
            f"{name}: expected a floating-point tensor, got dtype {x.dtype}; "
            f"convert with .float() or pass dtype=tinygrad_nn.float32"
        )
    if x.ndim == 0:  # a 0-d x (axis None) as one element: NumPy's 0-d results are scalars
        x = x.reshape(1)
    # (``initial``: -inf for an empty row; also NumPy's faster loop, 19 against 49 us for
    # (512, 64) float32 rows, measured)
    m = np.maximum.reduce(x, axis=axis, keepdims=True, initial=-np.inf)
    if np.isfinite(m).all():
        d = x - m
        return d, np.exp(d)
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, as in PyTorch
        d = x - m
        return d, np.exp(d)


class Softmax(Function):
    """y = exp(x) / sum(exp(x)) along ``axis``; x: (..., n, ...) -> the same shape."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int | None) -> Any:
        ctx.axis = axis
        _, y = _shifted_exp("softmax", x, axis)
        y /= y.sum(axis=axis, keepdims=True)
        if x.ndim == 0:
            y = y.reshape(())
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (y * (g - (g * y).sum(ctx.axis, keepdims=True)),)


_PROBS = {1: lambda y: exp(y)}  # under create_graph, softmax = exp(log_softmax), recorded


class LogSoftmax(Function):
    """y = x - log(sum(exp(x))) along ``axis``, as (x - m) - log(sum(exp(x - m))), m the
    maximum (exact for rows of huge equal logits); x: (..., n, ...) -> the same shape."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int | None) -> Any:
        ctx.axis = axis
        d, e = _shifted_exp("log_softmax", x, axis)
        s = e.sum(axis=axis, keepdims=True)
        if x.ndim == 0:  # (views: the in-place steps below still reach them)
            d, e, s = d.reshape(()), e.reshape(()), s.reshape(())
        with np.errstate(divide="ignore", invalid="ignore"):  # a row of -inf: NaN
            if ctx.needs_input_grad[0]:  # (not under no_grad: nothing to keep)
                e /= s  # the softmax, kept for backward (for speed: no exp there)
                ctx.save_for_backward(d, e, recompute=_PROBS)
            d -= np.log(s, out=s)
        return d

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        _, p = ctx.saved_tensors
        return (g - p * g.sum(ctx.axis, keepdims=True),)


class LogSumExp(Function):
    """y = log(sum(exp(x))) over ``axes`` (a normalised tuple), as m + log(sum(exp(x - m))),
    m the maximum (of the real parts; 0 where it is infinite); keepdims as ``sum``."""

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
        if x.dtype.kind not in "fc":  # integers give the default float, as in PyTorch
            raise TypeError(f"logsumexp: expected a floating-point array, got {x.dtype}")
        ctx.kshape = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
        if x.size == 0:
            m = np.zeros(ctx.kshape, dtype=x.dtype)
        else:
            # complex: the largest real part, as PyTorch's (the result's imaginary part is
            # then the principal angle; NumPy's complex maximum would keep one input's)
            m = np.maximum.reduce(x.real, axis=axes, keepdims=True, initial=-np.inf)
            if not np.isfinite(m).all():
                m = np.where(np.isfinite(m), m, 0).astype(m.dtype, copy=False)
        s = np.exp(x - m).sum(axis=axes, keepdims=True)
        with np.errstate(divide="ignore"):  # an empty sum or a row of -inf: -inf
            y = np.log(s) + m
        if not keepdims:
            y = y.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))
        ctx.save_for_backward(x, y)  # the output itself: differentiable under create_graph
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        kshape = ctx.kshape
        return (g.reshape(kshape) * exp(x - y.reshape(kshape)),)
