"""Reduction primitives: sum, max / min (the rest are composites in tensor.py)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from .movement import broadcast_to


def _keep_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    """y = sum of x over ``axes`` (a normalised tuple)."""

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
        ctx.shapes = (x.shape, _keep_shape(x.shape, axes))
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        shape, kshape = ctx.shapes
        return (broadcast_to(g.reshape(kshape), shape),)


class EmptyReductionError(IndexError, RuntimeError, ValueError):
    """max / min over a dimension of size 0, which has no identity (PyTorch raises
    IndexError with a dim, RuntimeError without; ValueError is what this project raised)."""


def _check_nonempty(x: Any, axes: tuple[int, ...], name: str) -> None:
    empty = [a for a in axes if x.shape[a] == 0] if x.ndim else []
    if empty:
        raise EmptyReductionError(f"{name}(): Expected reduction dim {empty[0]} to have "
                                  f"non-zero size (shape {x.shape}).")


def _extreme(ufunc: Any, x: Any, axes: tuple[int, ...], initial: float) -> Any:
    """x.max / x.min over ``axes``, keepdims (the caller refused an empty reduction). For
    floats with ``initial`` -inf / +inf: the same values, NaN propagated, and NumPy's
    faster loop along a last axis (19 against 49 us for (512, 64) float32 rows, measured)."""
    if x.dtype.kind == "f":
        return ufunc.reduce(x, axis=axes, keepdims=True, initial=initial)
    return ufunc.reduce(x, axis=axes, keepdims=True)


class Max(Function):
    """y = max of x over ``axes``; tied maxima share the gradient equally (like amax)."""

    _overload = 1  # ``x.max()``: PyTorch's MaxBackward1 (``amax`` is Amax)
    # a NaN result: its gradient shared by the NaNs (PyTorch's evenly_distribute_backward);
    # amax / amin compare with ==, so there the gradient is NaN
    _nan_ties = True

    @classmethod
    def forward(cls, ctx: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
        _check_nonempty(x, axes, "max")
        y = _extreme(np.maximum, x, axes, -np.inf)
        return _finish(ctx, x, y, axes, keepdims, cls._nan_ties)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (w,) = ctx.saved_tensors
        return (broadcast_to(g.reshape(ctx.kshape), w.shape) * w,)


class Min(Function):
    """y = min of x over ``axes``; tied minima share the gradient equally (like amin)."""

    _overload = 1  # ``x.min()``: PyTorch's MinBackward1 (``amin`` is Amin)
    _nan_ties = True

    @classmethod
    def forward(cls, ctx: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
        _check_nonempty(x, axes, "min")
        y = _extreme(np.minimum, x, axes, np.inf)
        return _finish(ctx, x, y, axes, keepdims, cls._nan_ties)

    backward = Max.backward


class Amax(Max):
    """``x.amax(dims)`` (PyTorch's AmaxBackward0)."""

    _overload = 0
    _nan_ties = False


class Amin(Min):
    """``x.amin(dims)`` (PyTorch's AminBackward0)."""

    _overload = 0
    _nan_ties = False


def _finish(ctx: Any, x: Any, y: Any, axes: tuple[int, ...], keepdims: bool,
            nan_ties: bool) -> Any:
    # the weights are piecewise constant, so saving them as constants is exact
    hit = x == y
    if nan_ties and x.dtype.kind == "f":
        hit |= np.isnan(x) & np.isnan(y)
    ctx.save_for_backward(hit / hit.sum(axis=axes, keepdims=True, dtype=x.dtype))
    ctx.kshape = y.shape
    return y if keepdims else np.squeeze(y, axis=axes)


class Mean(Sum):
    """y = mean of x over ``axes``: the sum, scaled (its own node: ``MeanBackward0``)."""

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
        n = math.prod(x.shape[a] for a in axes)
        ctx.scale = 1.0 / n if n else math.nan
        return Sum.forward(ctx, x, axes, keepdims) * x.dtype.type(ctx.scale)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        # scaled before broadcasting: one multiply per output, not per input element
        return Sum.backward(ctx, g * ctx.scale)


class ZeroNorm(Function):
    """y = ``value``, the count of x's nonzeros its caller reduced (``vector_norm`` with
    ord 0): recorded as PyTorch records it (``LinalgVectorNormBackward0``) with an undefined
    gradient, so nothing reaches x (its ``.grad`` stays None, as in PyTorch)."""

    @staticmethod
    def forward(ctx: Any, x: Any, value: Any) -> Any:
        return value

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (None,)

    def name(self) -> str:
        return "LinalgVectorNormBackward0"
