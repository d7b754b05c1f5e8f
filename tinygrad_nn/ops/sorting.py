"""Scan and product primitives: cumsum, cumprod, logcumsumexp, prod, the exclusive product.

Sort and topk need no primitive: their values are a gather of the input at the sorted
indices (``Tensor.sort``), so the gradient is the adjoint of indexing (rule 6). Products
are primitives because their gradients divide by x; each backward checks for zeros and
switches to a division-free form (products with x_i replaced by 1), exact to every order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, data_of, dual
from .elementwise import exp, log
from .elementwise_math import np_logaddexp
from .movement import broadcast_to


def _np_cumsum(x: Any, axis: int, reverse: bool = False) -> Any:
    if reverse:
        return np.flip(np.cumsum(np.flip(x, axis), axis), axis)
    return np.cumsum(x, axis)


class CumSum(Function):
    """y_i = sum_{k<=i} x_k along ``axis`` (``reverse``: sum_{k>=i})."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, reverse: bool = False) -> Any:
        ctx.axis, ctx.reverse = axis, reverse
        return _np_cumsum(x, axis, reverse)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (cumsum(g, ctx.axis, not ctx.reverse),)


cumsum = dual(_np_cumsum, CumSum, "axis", "reverse")


def _has_zero(x: Any) -> bool:
    return bool((x == 0).any())


def _one_at_each(x: Any, axis: int) -> Any:
    """(..., n) copies of x with x_i replaced by 1 in copy i: shape (..., n_i, n_k), axis last."""
    xs = x.swapaxes(axis, -1)
    eye = np.eye(xs.shape[-1], dtype=x.dtype)
    return xs[..., None, :] * (1 - eye) + eye


def _np_exclusive_prod(x: Any, axis: int) -> Any:
    # prod_{k != i} x_k = (prod_{k < i}) (prod_{k > i}): two scans, no division (zeros are fine)
    if x.shape[axis] == 0:
        return np.ones_like(x)
    ones = np.ones_like(np.take(x, [0], axis))
    left = np.concatenate([ones, np.delete(np.cumprod(x, axis), -1, axis)], axis)
    right = np.flip(np.cumprod(np.flip(x, axis), axis), axis)
    right = np.concatenate([np.delete(right, 0, axis), ones], axis)
    return left * right


class ExclusiveProd(Function):
    """p_i = prod_{k != i} x_k along ``axis`` (the gradient of a product)."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int) -> Any:
        ctx.axis = axis
        p = _np_exclusive_prod(x, axis)
        ctx.save_for_backward(x, p)
        return p

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, p = ctx.saved_tensors
        a = ctx.axis
        if not _has_zero(x):
            gp = g * p
            return ((gp.sum(axis=a, keepdims=True) - gp) / x,)
        # dp_i/dx_j = prod_{k != i, j} x_k: the exclusive product of x with x_j set to 1
        n = x.shape[a]
        off = 1 - np.eye(n, dtype=x.dtype)
        inner = exclusive_prod(_one_at_each(x, a), -1) * off
        return ((inner * g.swapaxes(a, -1)[..., None, :]).sum(axis=-1).swapaxes(a, -1),)


exclusive_prod = dual(_np_exclusive_prod, ExclusiveProd, "axis")


class Prod(Function):
    """y = prod of x along ``axis``; the gradient prod_{k != i} x_k is exact with zeros."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, keepdims: bool = False) -> Any:
        ctx.save_for_backward(x)
        ctx.axis = axis
        y = np.prod(x, axis=axis, keepdims=True)
        ctx.kshape = y.shape
        return y if keepdims else np.squeeze(y, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        p = exclusive_prod(x, ctx.axis)
        xa = np.asarray(data_of(x))
        if xa.dtype.kind == "f" and not _has_zero(xa) and not np.isfinite(xa).all():
            # PyTorch's gradient without zeros is g * y / x: NaN where x is inf or NaN
            p = p + np.where(np.isfinite(xa), 0, np.nan).astype(xa.dtype)
        return (broadcast_to(g.reshape(ctx.kshape), x.shape) * p,)


class CumProd(Function):
    """y_i = prod_{k<=i} x_k along ``axis``; the gradient is exact where x has zeros."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int) -> Any:
        ctx.axis = axis
        y = np.cumprod(x, axis)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        a = ctx.axis
        if not _has_zero(x):
            return (cumsum(g * y, a, True) / x,)
        # dy_j/dx_i = prod_{k<=j, k!=i} x_k (j >= i): the cumprod of x with x_i set to 1.
        # O(n^2) along the axis, paid only when x has a zero
        n = x.shape[a]
        later = np.triu(np.ones((n, n), dtype=x.dtype))  # [i, j] = 1 where j >= i
        inner = cumprod(_one_at_each(x, a), -1) * later
        return ((inner * g.swapaxes(a, -1)[..., None, :]).sum(axis=-1).swapaxes(a, -1),)


cumprod = dual(np.cumprod, CumProd, "axis")


def _np_logcumsumexp(x: Any, axis: int, reverse: bool = False) -> Any:
    if reverse:
        return np.flip(_np_logcumsumexp(np.flip(x, axis), axis), axis)
    if x.dtype.kind != "c":
        return np.logaddexp.accumulate(x, axis)
    # NumPy's logaddexp has no complex loop: PyTorch's scan, one slice at a time, from
    # -inf + 0j, each step logaddexp(x_i, running) (the order settles ties of real parts)
    out = np.moveaxis(x.copy(), axis, 0)
    run = np.full(out.shape[1:], complex(-np.inf, 0), x.dtype)
    for i in range(out.shape[0]):
        run = out[i] = np_logaddexp(out[i], run)
    return np.moveaxis(out, 0, axis)


class LogCumSumExp(Function):
    """y_i = log(sum_{k<=i} exp(x_k)) along ``axis`` (``reverse``: k >= i).

    A primitive for stability: each step is a logaddexp, exact for inputs of any size.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, reverse: bool = False) -> Any:
        ctx.axis, ctx.reverse = axis, reverse
        y = _np_logcumsumexp(x, axis, reverse)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        # gx_i = sum_{j>=i} g_j exp(x_i - y_j), summed in log space separately over the
        # positive and the negative g_j (PyTorch's logcumsumexp_backward), so no exp overflows
        x, y = ctx.saved_tensors
        a, back = ctx.axis, not ctx.reverse
        if x.dtype.kind == "c":  # complex logs carry the sign: no split (PyTorch's form)
            with np.errstate(divide="ignore"):  # g = 0: log gives -inf, exp of it 0
                return (exp(logcumsumexp(log(g) - y, a, back) + x),)
        ga = np.asarray(data_of(g))
        lowest = np.finfo(ga.dtype).min / 4  # log(0) stand-in: subtracting y cannot overflow
        parts = []
        with np.errstate(invalid="ignore"):  # x = -inf with y = -inf: NaN, as PyTorch's
            for keep in (ga > 0, ga < 0):
                k = keep.astype(ga.dtype)
                log_g = log(abs(g) * k + (1 - k)) * k + lowest * (1 - k)
                parts.append(exp(logcumsumexp(log_g - y, a, back) + x))
        return (parts[0] - parts[1],)


logcumsumexp = dual(_np_logcumsumexp, LogCumSumExp, "axis", "reverse")
