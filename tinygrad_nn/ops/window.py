"""Sliding-window primitives: unfold (im2col), its adjoint fold (col2im), and window max.

``Unfold`` and ``Fold`` are linear maps and each other's adjoint, so each is the other's
backward; both backwards go through ``dual``, which makes every derivative of a
convolution or pooling (built from them in ``functional/conv.py``) differentiable again.

Layout: an array ``x`` of shape ``(..., H, W)`` unfolds to ``(..., kh, kw, OH, OW)``,
where ``cols[..., i, j, p, q] = x[..., p*sh + i*dh, q*sw + j*dw]``. With NCHW input this is
PyTorch's ``unfold`` layout once reshaped to ``(N, C*kh*kw, OH*OW)``, so a convolution is
one batched matrix product of the reshaped weight with the columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, dual
from .movement import broadcast_to

Pair = tuple[int, int]


def window_count(size: int, kernel: int, stride: int, dilation: int) -> int:
    """Number of window positions along one axis: floor((size - d(k-1) - 1) / s) + 1."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def _window_view(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair,
                 out: Pair, writeable: bool = False) -> np.ndarray:
    """The strided view (..., kh, kw, OH, OW) of x's windows (no copy)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    *s, s_h, s_w = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (*x.shape[:-2], kh, kw, *out), (*s, s_h * dh, s_w * dw, s_h * sh, s_w * sw),
        writeable=writeable,
    )


def _np_unfold(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """im2col: (..., H, W) -> (..., kh, kw, OH, OW), a read-only strided view of x.

    No copy here: a consumer that needs contiguous columns (the reshape before a
    convolution's matmul) copies once, and pooling reads the view directly.
    """
    h, w = x.shape[-2:]
    oh = window_count(h, kernel[0], stride[0], dilation[0])
    ow = window_count(w, kernel[1], stride[1], dilation[1])
    assert oh > 0 and ow > 0, "unfold: the kernel does not fit (checked by the callers)"
    return _window_view(x, kernel, stride, dilation, (oh, ow))


def _np_fold(
    cols: np.ndarray, size: Pair, kernel: Pair, stride: Pair, dilation: Pair
) -> np.ndarray:
    """col2im: (..., kh, kw, OH, OW) -> (..., H, W), overlapping windows summed.

    One strided add per kernel offset (kh*kw of them, never one per pixel): faster
    than ``np.add.at`` with index arrays. Disjoint windows (pooling) need a single
    strided copy instead.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    *lead, ckh, ckw, oh, ow = cols.shape
    assert (ckh, ckw) == (kh, kw), "fold: columns do not match the kernel"
    out = np.zeros((*lead, *size), dtype=cols.dtype)
    if (kh - 1) * dh < sh and (kw - 1) * dw < sw:  # every pixel in at most one window
        _window_view(out, kernel, stride, dilation, (oh, ow), writeable=True)[...] = cols
        return out
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            out[..., rows, slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)] += cols[..., i, j, :, :]
    return out


class Unfold(Function):
    """Windows of x: (..., H, W) -> (..., kh, kw, OH, OW) (im2col); backward is ``fold``."""

    view = True  # a read-only strided view of the input

    @staticmethod
    def forward(
        ctx: Any, x: Any, kernel: Pair, stride: Pair = (1, 1), dilation: Pair = (1, 1)
    ) -> Any:
        ctx.options = (x.shape[-2:], kernel, stride, dilation)
        return _np_unfold(x, kernel, stride, dilation)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (fold(g, *ctx.options),)


class Fold(Function):
    """Sum windows back: (..., kh, kw, OH, OW) -> (..., H, W) (col2im); backward is ``unfold``."""

    @staticmethod
    def forward(
        ctx: Any,
        cols: Any,
        size: Pair,
        kernel: Pair,
        stride: Pair = (1, 1),
        dilation: Pair = (1, 1),
    ) -> Any:
        ctx.options = (kernel, stride, dilation)
        return _np_fold(cols, size, kernel, stride, dilation)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (unfold(g, *ctx.options),)


unfold = dual(_np_unfold, Unfold, "kernel", "stride", "dilation")
fold = dual(_np_fold, Fold, "size", "kernel", "stride", "dilation")


def _window_max(cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Max over the kernel axes of cols (..., kh, kw, OH, OW), and the first-max mask.

    Loops over the kh*kw offsets: a NumPy reduction over the two short, strided kernel
    axes of a window view (or ``argmax`` along them) measured 15-100x slower.
    """
    kh, kw = cols.shape[-4:-2]
    offsets = [(i, j) for i in range(kh) for j in range(kw)]
    y = np.array(cols[..., 0, 0, :, :], copy=True)
    for i, j in offsets[1:]:
        np.maximum(y, cols[..., i, j, :, :], out=y)  # NaN propagates, as in PyTorch
    nan = np.isnan(y).any() if y.dtype.kind == "f" else False
    mask = np.empty(cols.shape, dtype=bool)
    taken = np.zeros(y.shape, dtype=bool)
    for i, j in offsets:
        hit = cols[..., i, j, :, :] == y
        if nan:
            hit |= np.isnan(cols[..., i, j, :, :])
        np.greater(hit, taken, out=mask[..., i, j, :, :])  # hit and not taken
        taken |= hit
    return y, mask


class WindowMax(Function):
    """y = max of cols over the kernel axes; (..., kh, kw, OH, OW) -> (..., OH, OW).

    The gradient goes to the first maximum of each window in row-major order, PyTorch's
    max-pooling rule (ties are not split as in ``Tensor.max``); a primitive because that
    choice is not a composite of other ops, and for speed (no copy of the windows).
    """

    @staticmethod
    def forward(ctx: Any, cols: Any) -> Any:
        y, mask = _window_max(cols)
        # the mask is piecewise constant in x, so saving it as a constant is exact
        ctx.save_for_backward(mask)
        ctx.kshape = y.shape[:-2] + (1, 1) + y.shape[-2:]
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (mask,) = ctx.saved_tensors
        return (broadcast_to(g.reshape(ctx.kshape), mask.shape) * mask,)


__all__ = ["Fold", "Unfold", "WindowMax", "fold", "unfold", "window_count"]
