"""Sliding-window primitives: unfold (im2col), its adjoint fold (col2im), and window max.

``Unfold`` and ``Fold`` are linear maps and each other's adjoint, so each is the other's
backward; both backwards go through ``dual``, which makes every derivative of a
convolution or pooling (built from them in ``functional/conv.py``) differentiable again.
``Im2col`` / ``Col2im`` are the same pair for stride 1 in a faster layout (flat rows,
below).

Layout: an array ``x`` of shape ``(..., H, W)`` unfolds to ``(..., kh, kw, OH, OW)``,
where ``cols[..., i, j, p, q] = x[..., p*sh + i*dh, q*sw + j*dw]``. With NCHW input this is
PyTorch's ``unfold`` layout once reshaped to ``(N, C*kh*kw, OH*OW)``, so a convolution is
one batched matrix product of the reshaped weight with the columns.
"""

from __future__ import annotations

import math
import sys
import threading
from typing import Any

import numpy as np

from ..function import Function, dual
from .movement import broadcast_to

Pair = tuple[int, int]


# -- reused buffers ---------------------------------------------------------------------
# A training step allocates the same large arrays (columns, folded gradients) every step
# and frees them at its end; glibc then trims its heap and the next step faults the pages
# in again (zeroed by the kernel): ~100 minor faults per MB. These ops take their large
# arrays from a small per-shape free list instead. An array is free again when nothing but
# the list refers to it (no Tensor, saved value, view or caller), which CPython's
# reference count tells exactly.
_POOL: dict[tuple[Any, ...], list[np.ndarray]] = {}
_POOL_LOCK = threading.Lock()
_POOL_PER_SHAPE = 4  # arrays kept per (shape, dtype)
_POOL_MAX_BYTES = 64 << 20  # at most this much memory is held by the free lists
_POOL_MIN_BYTES = 64 << 10  # smaller arrays come from malloc's free lists anyway
_pool_bytes = 0


def _free_refs() -> int:
    """getrefcount of an array referred to only by its list, read as ``_buffer`` reads it
    (the same loop shape, so interpreters that borrow references count alike)."""
    probe = [np.empty(0)]
    for a in probe:
        return sys.getrefcount(a)
    raise AssertionError("unreachable")


_FREE_REFS = _free_refs()


def _buffer(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised array of this shape and dtype, reused when one is free (above)."""
    global _pool_bytes
    dtype = np.dtype(dtype)
    nbytes = dtype.itemsize * math.prod(shape)
    if nbytes < _POOL_MIN_BYTES:
        return np.empty(shape, dtype)
    key = (shape, dtype)
    with _POOL_LOCK:
        free = _POOL.setdefault(key, [])
        for a in free:
            if sys.getrefcount(a) == _FREE_REFS:  # only the list refers to it
                return a
        a = np.empty(shape, dtype)
        if len(free) < _POOL_PER_SHAPE and _pool_bytes + nbytes <= _POOL_MAX_BYTES:
            free.append(a)
            _pool_bytes += nbytes
        return a


def window_count(size: int, kernel: int, stride: int, dilation: int) -> int:
    """Number of window positions along one axis: floor((size - d(k-1) - 1) / s) + 1."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def _window_view(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair,
                 out: Pair) -> np.ndarray:
    """The strided view (..., kh, kw, OH, OW) of x's windows (no copy)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    *s, s_h, s_w = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (*x.shape[:-2], kh, kw, *out), (*s, s_h * dh, s_w * dw, s_h * sh, s_w * sw),
        writeable=False,
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
    than ``np.add.at`` with index arrays. Disjoint windows (pooling) need a strided copy
    per offset instead. Both run along the OW axis: one copy through the whole window
    view lets NumPy iterate the kw axis innermost (measured 2-3x slower for 2x2 pooling).
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    *lead, ckh, ckw, oh, ow = cols.shape
    assert (ckh, ckw) == (kh, kw), "fold: columns do not match the kernel"
    out = _buffer((*lead, *size), cols.dtype)
    out.fill(0)
    disjoint = (kh - 1) * dh < sh and (kw - 1) * dw < sw  # every pixel in at most one window
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            window = out[..., rows, slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)]
            if disjoint:
                window[...] = cols[..., i, j, :, :]
            else:
                window += cols[..., i, j, :, :]
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


# -- stride-1 windows as flat rows ----------------------------------------------------
# A stride-1 convolution reads its zero-padded input (Hp, Wp) as one flat row per channel:
# output position (p, q) and kernel offset (i, j) read flat index p*Wp + q + i*dh*Wp + j*dw.
# Computing q over the full padded width Wp (not just the OW valid columns) makes every
# kernel offset ONE contiguous slice of the flat row, so im2col is kh*kw long copies and
# its adjoint kh*kw long adds, where the (..., kh, kw, OH, OW) layout needs one short
# OW-long run per output row (measured 2-4x slower for a 14x14 image). The Wp - OW extra
# columns per row read neighbouring pixels; the convolution drops them after its product.
Pads = tuple[Pair, Pair]


def _flat_geometry(size: Pair, kernel: Pair, dilation: Pair, pads: Pads) -> tuple[int, int, int]:
    """(Hp, Wp, OH) of a stride-1 window over the padded image."""
    hp, wp = size[0] + sum(pads[0]), size[1] + sum(pads[1])
    return hp, wp, hp - dilation[0] * (kernel[0] - 1)


def _padded_rows(lead: tuple[int, ...], dtype: Any, hp: int, wp: int, kernel: Pair,
                 dilation: Pair) -> tuple[np.ndarray, np.ndarray]:
    """A zeroed flat buffer (..., Hp*Wp + tail) and its (..., Hp, Wp) image view; the
    tail of (kw-1)*dw zeros is what the last row's extra columns read."""
    buf = _buffer((*lead, hp * wp + (kernel[1] - 1) * dilation[1]), dtype)
    buf.fill(0)
    *s, item = buf.strides
    image = np.lib.stride_tricks.as_strided(buf, (*lead, hp, wp), (*s, wp * item, item))
    return buf, image


def _row_windows(buf: np.ndarray, kernel: Pair, dilation: Pair, wp: int,
                 length: int) -> np.ndarray:
    """The view (..., kh, kw, length) of buf: v[..., i, j, t] = buf[..., i*dh*Wp + j*dw + t]."""
    *s, item = buf.strides
    return np.lib.stride_tricks.as_strided(
        buf, (*buf.shape[:-1], *kernel, length),
        (*s, dilation[0] * wp * item, dilation[1] * item, item), writeable=False)


def _np_im2col(x: np.ndarray, kernel: Pair, dilation: Pair, pads: Pads) -> np.ndarray:
    """Zero-padded stride-1 windows as flat rows: (..., H, W) -> (..., kh, kw, OH*Wp), contiguous.

    cols[..., i, j, p*Wp + q] = xpad[..., p + i*dh, q + j*dw] for q < OW; columns q >= OW
    continue along the flat padded image (the next row's first pixels).
    """
    *lead, h, w = x.shape
    hp, wp, oh = _flat_geometry((h, w), kernel, dilation, pads)
    buf, image = _padded_rows(tuple(lead), x.dtype, hp, wp, kernel, dilation)
    (top, _), (left, _) = pads
    image[..., top:top + h, left:left + w] = x
    cols = _buffer((*lead, *kernel, oh * wp), x.dtype)
    np.copyto(cols, _row_windows(buf, kernel, dilation, wp, oh * wp))
    return cols


def _np_col2im(cols: np.ndarray, size: Pair, kernel: Pair, dilation: Pair,
               pads: Pads) -> np.ndarray:
    """The adjoint of ``im2col``: (..., kh, kw, OH*Wp) -> (..., H, W), windows summed.

    One add of a contiguous OH*Wp-long slice per kernel offset, then the padding is cut.
    """
    hp, wp, oh = _flat_geometry(size, kernel, dilation, pads)
    *lead, kh, kw, length = cols.shape
    assert (kh, kw) == kernel and length == oh * wp, "col2im: columns do not match the geometry"
    buf, image = _padded_rows(tuple(lead), cols.dtype, hp, wp, kernel, dilation)
    for i in range(kh):
        for j in range(kw):
            start = i * dilation[0] * wp + j * dilation[1]
            buf[..., start:start + length] += cols[..., i, j, :]
    (top, _), (left, _) = pads
    out = _buffer((*lead, *size), cols.dtype)
    np.copyto(out, image[..., top:top + size[0], left:left + size[1]])
    return out


class Im2col(Function):
    """Stride-1 windows of zero-padded x as flat rows; (..., H, W) -> (..., kh, kw, OH*Wp).

    See ``_np_im2col``; backward is ``col2im``. A primitive for speed (see the note above).
    """

    # A copy, but it shares x's version counter as ``Unfold``'s view does: the columns
    # stand for x among the product's saved values (PyTorch's convolution saves x), so an
    # in-place change of x before backward is caught.
    view = True

    @staticmethod
    def forward(ctx: Any, x: Any, kernel: Pair, dilation: Pair = (1, 1),
                pads: Pads = ((0, 0), (0, 0))) -> Any:
        ctx.options = (x.shape[-2:], kernel, dilation, pads)
        return _np_im2col(x, kernel, dilation, pads)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (col2im(g, *ctx.options),)


class Col2im(Function):
    """Flat-row windows summed back: (..., kh, kw, OH*Wp) -> (..., H, W); backward is ``im2col``."""

    @staticmethod
    def forward(ctx: Any, cols: Any, size: Pair, kernel: Pair, dilation: Pair = (1, 1),
                pads: Pads = ((0, 0), (0, 0))) -> Any:
        ctx.options = (kernel, dilation, pads)
        return _np_col2im(cols, size, kernel, dilation, pads)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (im2col(g, *ctx.options),)


im2col = dual(_np_im2col, Im2col, "kernel", "dilation", "pads")
col2im = dual(_np_col2im, Col2im, "size", "kernel", "dilation", "pads")


def window_max(cols: np.ndarray, valid: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Max over the kernel axes of cols (..., kh, kw, OH, OW), and the mask of the element
    PyTorch's max pooling picks: the first maximum in row-major order, but the last NaN
    (its kernel takes a NaN whenever it sees one), and never a padded position (``valid``,
    (kh, kw, OH, OW) bool: False where a window overhangs the input), so a window of -inf
    picks its first real element.

    Loops over the kh*kw offsets: a NumPy reduction over the two short, strided kernel
    axes of a window view (or ``argmax`` along them) measured 15-100x slower.
    """
    kh, kw = cols.shape[-4:-2]
    offsets = [(i, j) for i in range(kh) for j in range(kw)]
    y = _buffer(cols.shape[:-4] + cols.shape[-2:], cols.dtype)
    np.copyto(y, cols[..., 0, 0, :, :])
    for i, j in offsets[1:]:
        np.maximum(y, cols[..., i, j, :, :], out=y)  # NaN propagates, as in PyTorch
    mask = _buffer(cols.shape, bool)
    taken = np.zeros(y.shape, dtype=bool)
    for i, j in offsets:
        hit = cols[..., i, j, :, :] == y
        if valid is not None:
            hit &= valid[i, j]
        np.greater(hit, taken, out=mask[..., i, j, :, :])  # hit and not taken
        if (i, j) != offsets[-1]:
            taken |= hit
    if y.dtype.kind == "f" and np.isnan(y).any():  # (a NaN equals nothing: no hit above)
        taken[...] = False
        for i, j in offsets[::-1]:
            hit = np.isnan(cols[..., i, j, :, :])
            mask[..., i, j, :, :] |= hit > taken
            taken |= hit
    return y, mask


def window_argmax(mask: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The position (``positions``: (kh, kw, OH, OW) int64) of each window's one picked
    element (``mask`` from ``window_max``) -> (..., OH, OW) int64."""
    kh, kw = mask.shape[-4:-2]
    out = np.zeros(mask.shape[:-4] + mask.shape[-2:], dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            np.add(out, positions[i, j], out=out, where=mask[..., i, j, :, :])
    return out


class WindowMax(Function):
    """y = max of cols over the kernel axes; (..., kh, kw, OH, OW) -> (..., OH, OW).

    The gradient goes to the element ``window_max`` picks (the first maximum in row-major
    order, the last NaN, never padding), PyTorch's max-pooling rule (ties are not split
    as in ``Tensor.max``); a primitive because that choice is not a composite of other
    ops, and for speed (no copy of the windows). ``known``: the (y, mask) pair when the
    caller already computed it (max_pool2d with return_indices).
    """

    @staticmethod
    def forward(ctx: Any, cols: Any, valid: Any = None, known: Any = None) -> Any:
        y, mask = window_max(cols, valid) if known is None else known
        # the mask is piecewise constant in x, so saving it as a constant is exact
        ctx.save_for_backward(mask)
        ctx.kshape = y.shape[:-2] + (1, 1) + y.shape[-2:]
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (mask,) = ctx.saved_tensors
        return (broadcast_to(g.reshape(ctx.kshape), mask.shape) * mask,)


class MaxUnpool(Function):
    """y (N, C, L) zeros with y[n, c, idx[n, c, i]] = x[n, c, i] (of repeated indices the
    last write wins); x, idx: (N, C, l). A primitive because PyTorch's gradient, g at each
    x's index even where a repeated index overwrote that x, is not an assignment's."""

    @staticmethod
    def forward(ctx: Any, x: Any, idx: Any = None, size: int = 0) -> Any:
        n, c = x.shape[:2]
        ctx.at = (np.arange(n)[:, None, None], np.arange(c)[None, :, None], idx)
        y = np.zeros((n, c, size), dtype=x.dtype)
        y[ctx.at] = x
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g[ctx.at],)


__all__ = [
    "Col2im", "Fold", "Im2col", "MaxUnpool", "Unfold", "WindowMax", "col2im", "fold", "im2col",
    "unfold", "window_argmax", "window_count", "window_max",
]
