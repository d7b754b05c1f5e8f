"""Convolution and pooling as composites of the window primitives (``ops/window.py``).

A convolution is pad -> unfold (im2col) -> one batched BLAS product with the reshaped
weight -> reshape (+ bias); with stride 1, ``Im2col`` pads and unfolds in one op, in a
flat-row layout whose extra columns a slice drops. Its gradients and second derivatives
therefore come from ``Pad``, ``Unfold`` / ``Im2col`` (backward: fold / col2im),
``Reshape``, ``GetItem`` and ``MatMul``; nothing here has a backward. Pooling is unfold +
a reduction over the window axis: ``WindowMax`` (gradient to the first maximum, like
PyTorch) or a sum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._linalg_parts import dtype_name
from .._scope import composite
from .._shapes import ShapeError
from ..ops.window import (
    Fold,
    Im2col,
    MaxUnpool,
    Unfold,
    WindowMax,
    window_argmax,
    window_count,
    window_max,
)
from ..tensor import Tensor
from ._adaptive_avg import adaptive_avg
from ._pool_checks import check_pool2d
from .basic import as_tensor
from .pad import pad_width

Pair = tuple[int, int]


# -- argument checks ----------------------------------------------------------------
def _pair(v: Any, name: str, op: str) -> Pair:
    """An int or a pair of ints -> (int, int)."""
    items = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(items) != 2 or not all(
        isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in items
    ):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {v!r}")
    return int(items[0]), int(items[1])


def _single(v: Any, name: str, op: str) -> int:
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(items) != 1 or not isinstance(items[0], (int, np.integer)) or isinstance(items[0], bool):
        raise TypeError(f"{op}: {name} must be an int, got {v!r}")
    return int(items[0])


def _positive(v: Pair, name: str, op: str) -> Pair:
    if min(v) <= 0:
        raise ValueError(f"{op}: {name} must be positive, got {v}")
    return v


def _batched(x: Tensor, op: str, nd: int = 2) -> tuple[Tensor, bool]:
    """A batched input (N, C, *spatial); an unbatched (C, *spatial) one gets N = 1."""
    names = "H, W" if nd == 2 else "L"
    if x.ndim == nd + 2:
        return x, False
    if x.ndim == nd + 1:
        return x.reshape((1,) + x.shape), True
    raise ValueError(
        f"{op}: expected a {nd + 2}-D input (N, C, {names}) or a {nd + 1}-D unbatched one "
        f"(C, {names}), got shape {tuple(x.shape)}"
    )


def _check_fits(op: str, size: Pair, kernel: Pair, dilation: Pair) -> None:
    eff = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if eff[0] > size[0] or eff[1] > size[1]:
        dilated = f" (dilated to {eff})" if eff != kernel else ""
        raise ValueError(
            f"{op}: kernel size {kernel}{dilated} is larger than the padded input size {size}"
        )


def _conv_padding(padding: Any, kernel: Pair, stride: Pair, dilation: Pair,
                  op: str) -> tuple[Pair, Pair]:
    """((top, bottom), (left, right)) from an int, a pair, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(
                    f"{op}: padding='same' needs stride 1 (as in PyTorch), got {stride}"
                )
            # PyTorch's rule: an odd total puts the extra row/column at the end
            tot = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return (tot[0] // 2, tot[0] - tot[0] // 2), (tot[1] // 2, tot[1] - tot[1] // 2)
        raise ValueError(
            f"{op}: padding must be 'same', 'valid', an int or a pair, got {padding!r}"
        )
    ph, pw = _pair(padding, "padding", op)
    if ph < 0 or pw < 0:
        raise ValueError(f"{op}: padding must be >= 0, got {padding!r}")
    return (ph, ph), (pw, pw)


def _pad_hw(x: Tensor, pads: tuple[Pair, Pair], value: float = 0.0) -> Tensor:
    return pad_width(x, ((0, 0),) * (x.ndim - 2) + pads, value)


# -- convolution ----------------------------------------------------------------------
def _conv(op: str, x: Any, w: Any, b: Any, stride: Any, padding: Any, dilation: Any,
          groups: int) -> Tensor:
    x, w = as_tensor(x), as_tensor(w)
    if w.ndim != 4:
        raise ValueError(
            f"{op}: weight must be 4-D (out_channels, in_channels/groups, kh, kw), "
            f"got shape {tuple(w.shape)}"
        )
    x, unbatched = _batched(x, op)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    # (PyTorch's RuntimeErrors; ShapeError is a ValueError too, as this library raised)
    if o % groups:
        raise ShapeError(f"{op}: out_channels ({o}) must be divisible by groups ({groups})")
    if c != cg * groups:
        raise ShapeError(
            f"{op}: input has {c} channels, weight expects {cg * groups} "
            f"(in_channels={cg * groups}, groups={groups})"
        )
    if b is not None:
        b = as_tensor(b)
        if b.shape != (o,):
            raise ValueError(f"{op}: bias must have shape ({o},) (out_channels), got "
                             f"{tuple(b.shape)}")
    stride = _positive(_pair(stride, "stride", op), "stride", op)
    dilation = _positive(_pair(dilation, "dilation", op), "dilation", op)
    pads = _conv_padding(padding, (kh, kw), stride, dilation, op)
    _check_fits(op, (h + sum(pads[0]), wd + sum(pads[1])), (kh, kw), dilation)
    k = cg * kh * kw
    if stride == (1, 1):
        # flat-row columns (ops/window.py): products over the padded width Wp, whose
        # extra Wp - OW columns per row are cut by a slice (a view) after the product
        cols = Im2col.apply(x, kernel=(kh, kw), dilation=dilation, pads=pads)
        oh, wp = h + sum(pads[0]) - dilation[0] * (kh - 1), wd + sum(pads[1])
        ow = wp - dilation[1] * (kw - 1)
    else:
        cols = Unfold.apply(_pad_hw(x, pads), kernel=(kh, kw), stride=stride, dilation=dilation)
        oh, ow = cols.shape[-2:]
        wp = ow
    # one batched BLAS product: (G, O/G, K) @ (N, G, K, OH*Wp) -> (N, G, O/G, OH*Wp)
    y = w.reshape(groups, o // groups, k) @ cols.reshape(n, groups, k, oh * wp)
    y = y.reshape(n, o, oh, wp)
    if wp != ow:
        y = y[..., :ow]
        if b is None:  # a row-major copy, as PyTorch's output (a user may .view() it)
            y = y.contiguous()
    if b is not None:
        y = y + b.reshape(o, 1, 1)
    return y.reshape(y.shape[1:]) if unbatched else y


@composite
def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """y = xcorr(x, w) + b; x: (N, C, H, W), w: (O, C/groups, kh, kw), b: (O,) -> (N, O, OH, OW).

    y[n, o, p, q] = b[o] + sum_{c,i,j} w[o, c, i, j] x[n, c0(o) + c, p s + i d, q s + j d]
    over the zero-padded input, c0(o) the first channel of o's group. Cross-correlation on
    NCHW like PyTorch: ``stride``, ``padding`` (zeros) and ``dilation``
    are ints or (h, w) pairs; ``padding`` may also be ``'valid'`` (0) or ``'same'`` (output
    size = input size, stride 1 only). ``groups`` splits the channels into independent
    convolutions. A 3-D input (C, H, W) is treated as one unbatched sample. The output has
    OH = floor((H + 2 p - d (kh - 1) - 1) / s) + 1 rows (likewise OW).
    """
    return _conv("conv2d", input, weight, bias, stride, padding, dilation, groups)


@composite
def conv1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """y = xcorr(x, w) + b; x: (N, C, L), w: (O, C/groups, k), b: (O,) -> (N, O, OL).

    y[n, o, p] = b[o] + sum_{c,i} w[o, c, i] x[n, c0(o) + c, p s + i d]: ``conv2d`` on a
    height-1 image; arguments as in ``conv2d`` but single ints. A 2-D input
    (C, L) is one unbatched sample.
    """
    input, weight = as_tensor(input), as_tensor(weight)
    if weight.ndim != 3:
        raise ValueError(
            "conv1d: weight must be 3-D (out_channels, in_channels/groups, k), "
            f"got shape {tuple(weight.shape)}"
        )
    if input.ndim not in (2, 3):
        raise ValueError(
            "conv1d: expected a 3-D input (N, C, L) or a 2-D unbatched one (C, L), "
            f"got shape {tuple(input.shape)}"
        )
    pad = padding if isinstance(padding, str) else (0, _single(padding, "padding", "conv1d"))
    y = _conv("conv1d", input.unsqueeze(-2), weight.unsqueeze(-2), bias,
              (1, _single(stride, "stride", "conv1d")), pad,
              (1, _single(dilation, "dilation", "conv1d")), groups)
    return y.squeeze(-2)


# -- pooling --------------------------------------------------------------------------
Geometry = tuple[Pair, Pair, Pair, tuple[Pair, Pair], Pair]


def _pool_geometry(op: str, shape: tuple[int, ...], kernel_size: Any, stride: Any,
                   padding: Any, dilation: Any, ceil_mode: bool) -> Geometry:
    """kernel, stride, dilation, ((top, bottom), (left, right)) padding and output size,
    after PyTorch's checks (``_pool_checks``) on an input of this shape."""
    k, s, p, d, out = check_pool2d(op, shape, kernel_size, stride, padding, dilation, ceil_mode)
    return _geometry(tuple(shape[-2:]), k, s, p, d, out)  # type: ignore[arg-type]


def _geometry(hw: Pair, k: Any, s: Any, p: Any, d: Any, out: Any) -> Geometry:
    """The ``Geometry`` of checked arguments. With ``ceil_mode`` the last window may
    overhang the padded input; the overhang is padded too."""
    pads = [(pi, pi + max(0, (n - 1) * si - (size + 2 * pi - di * (ki - 1) - 1)))
            for size, ki, si, pi, di, n in zip(hw, k, s, p, d, out)]
    return (k[0], k[1]), (s[0], s[1]), (d[0], d[1]), (pads[0], pads[1]), (out[0], out[1])


def _lowest(dtype: np.dtype) -> Any:
    return -np.inf if dtype.kind in "fc" else np.iinfo(dtype).min


def _window_positions(hw: Pair, k: Pair, s: Pair, d: Pair, pads: tuple[Pair, Pair],
                      out: Pair) -> tuple[np.ndarray, np.ndarray]:
    """Per window offset and output position (kh, kw, OH, OW): whether the element lies in
    the input (not in padding), and its flat index r * W + c in the input plane."""
    r, c = (np.arange(o)[None, :] * si + np.arange(ki)[:, None] * di - p[0]
            for o, ki, si, di, p in zip(out, k, s, d, pads))
    valid = ((r >= 0) & (r < hw[0]))[:, None, :, None] & ((c >= 0) & (c < hw[1]))[None, :, None, :]
    return valid, r[:, None, :, None] * hw[1] + c[None, :, None, :]


@composite
def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """y[n, c, p, q] = max_ij x[n, c, ps - pad + id, qs - pad + jd]; (N, C, H, W) -> (N, C, OH, OW).

    ``stride`` defaults to ``kernel_size``; padding (with -inf) is at most half the kernel.
    The gradient goes to the first maximum of each window (row-major; of several NaNs, the
    last), as in PyTorch. ``return_indices``: also each maximum's flat index h * W + w in
    its input plane (int64, the same shape as y), what ``max_unpool2d`` takes.
    """
    input = as_tensor(input)
    geometry = _pool_geometry("max_pool2d", tuple(input.shape), kernel_size, stride, padding,
                              dilation, ceil_mode)
    input, unbatched = _batched(input, "max_pool2d")
    out = _max_pool2d(input, geometry, return_indices)
    if return_indices:
        return (out[0].squeeze(0), out[1].squeeze(0)) if unbatched else out
    return out.reshape(out.shape[1:]) if unbatched else out


def max_pool2d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``max_pool2d(..., return_indices=True)``, whatever ``return_indices``
    says (PyTorch's)."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _max_pool2d(input: Tensor, geometry: Geometry, return_indices: bool) -> Any:
    """max_pool2d of a batched input with checked arguments."""
    k, s, d, pads, out = geometry
    hw = input.shape[-2:]
    cols = Unfold.apply(_pad_hw(input, pads, _lowest(input.dtype)), kernel=k, stride=s, dilation=d)
    valid: Any = None
    positions: Any = None
    if return_indices or any(pads[0]) or any(pads[1]):
        valid, positions = _window_positions(hw, k, s, d, pads, out)
    if return_indices:
        known = window_max(cols._data, valid)
        y = WindowMax.apply(cols, valid=valid, known=known)
        return y, y._new(window_argmax(known[1], positions))
    return WindowMax.apply(cols, valid=valid)


def _unpool_size(op: str, size_in: Pair, k: Pair, s: Pair, p: Pair, output_size: Any) -> Pair:
    """PyTorch's default (H - 1) * s - 2p + k, or ``output_size`` (its last two entries),
    which must lie within a stride of the default."""
    default = tuple((n - 1) * si - 2 * pi + ki for n, ki, si, pi in zip(size_in, k, s, p))
    if output_size is None:
        return default  # type: ignore[return-value]
    if len(tuple(output_size)) not in (2, 4):
        raise ValueError(f"{op}: output_size should be a sequence containing 2 or 4 elements, "
                         f"but it has a length of '{len(tuple(output_size))}'")
    size = tuple(int(v) for v in output_size)[-2:]
    for i, (want, base, si) in enumerate(zip(size, default, s)):
        if not base - si < want < base + si:
            raise ValueError(f"{op}: invalid output_size {tuple(output_size)} (dim {i} must be "
                             f"between {base - si} and {base + si - 1})")
    return size  # type: ignore[return-value]


@composite
def max_unpool2d(input: Any, indices: Any, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The partial inverse of max_pool2d: y[n, c].flatten()[indices[n, c]] = x[n, c], zeros
    elsewhere; (N, C, h, w) -> (N, C, H, W), H = (h - 1) * stride - 2 * padding + kernel
    (or ``output_size``). Of repeated indices the last write wins; each x gets the gradient
    at its index (as PyTorch)."""
    op = "max_unpool2d"
    x = as_tensor(input)
    if x.ndim not in (3, 4):
        raise RuntimeError(f"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
                           f"tensor with {x.ndim} dimensions: shape {tuple(x.shape)}")
    x, unbatched = _batched(x, op)
    idx = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype != np.int64:
        raise RuntimeError(f"{op}: elements in indices should be type int64 but got: "
                           f"{dtype_name(idx.dtype)}")
    if idx.size != x.numel() or idx.shape[-2:] != tuple(x.shape[-2:]):
        raise RuntimeError(f"{op}: Expected shape of indices to be same as that of the input "
                           f"tensor ({tuple(x.shape)}) but got indices tensor with shape: "
                           f"{tuple(idx.shape)}")
    idx = idx.reshape(x.shape)
    k = _pair(kernel_size, "kernel_size", op)
    s = k if stride is None else _pair(stride, "stride", op)
    h, w = _unpool_size(op, (x.shape[-2], x.shape[-1]), k, s, _pair(padding, "padding", op),
                        output_size)
    n, c = x.shape[:2]
    if h * w and idx.size and (idx.min() < 0 or idx.max() >= h * w):  # (PyTorch: an empty
        # output takes no values and checks no index)
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise RuntimeError(f"{op}: Found an invalid max index: {bad} (output volumes are of "
                           f"size {h}x{w})")
    if not h * w:
        return x.new_zeros((n, c, h, w)[1 if unbatched else 0:])
    plane = MaxUnpool.apply(x.reshape(n, c, -1), idx=idx.reshape(n, c, -1), size=h * w)
    y = plane.reshape(n, c, h, w)
    return y.reshape(y.shape[1:]) if unbatched else y


def _divisors(size: int, k: int, s: int, p: int, out: int, include_pad: bool) -> np.ndarray:
    """Per-window element counts along one axis (PyTorch's avg_pool2d rule)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    if include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


@composite
def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """y[n, c, p, q] = mean_ij x[n, c, ps - pad + i, qs - pad + j]; (N, C, H, W) -> (N, C, OH, OW).

    Zero padding (at most half the kernel) counts in the divisor unless
    ``count_include_pad=False``; ``divisor_override`` replaces the divisor.
    """
    input = as_tensor(input)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    geometry = _pool_geometry("avg_pool2d", tuple(input.shape), kernel_size, stride, padding, 1,
                              ceil_mode)
    input, unbatched = _batched(input, "avg_pool2d")
    y = _avg_pool2d(input, geometry, count_include_pad, divisor_override)
    return y.reshape(y.shape[1:]) if unbatched else y


def _avg_pool2d(input: Tensor, geometry: Geometry, count_include_pad: bool,
                divisor_override: int | None) -> Tensor:
    """avg_pool2d of a batched input with checked arguments."""
    k, s, _, pads, (oh, ow) = geometry
    n, c, h, wd = input.shape
    cols = Unfold.apply(_pad_hw(input, pads), kernel=k, stride=s)
    total = cols.reshape(n, c, k[0] * k[1], oh, ow).sum(axis=2)
    if divisor_override is not None:
        count: Any = divisor_override
    else:
        p = (pads[0][0], pads[1][0])
        count = np.outer(_divisors(h, k[0], s[0], p[0], oh, count_include_pad),
                         _divisors(wd, k[1], s[1], p[1], ow, count_include_pad))
    if total.dtype.kind != "f":  # PyTorch's integer pooling: the sum over the count, truncated
        return total._new(np.trunc(total._data / count).astype(total.dtype))
    if divisor_override is not None:
        return total * (1.0 / divisor_override)
    return total * (1.0 / count).astype(total.dtype)


@composite
def adaptive_avg_pool2d(input: Any, output_size: Any) -> Tensor:
    """y = A_h x A_w^T, A averaging matrices; (N, C, H, W) -> (N, C, oh, ow).

    Row i averages rows floor(i H / oh) .. ceil((i + 1) H / oh) - 1 (PyTorch's windows).
    ``output_size`` is an int or an (oh, ow) pair; ``None`` keeps that input size.
    """
    return adaptive_avg("adaptive_avg_pool2d", as_tensor(input), output_size, 2)


# -- unfold / fold (PyTorch's layout) ---------------------------------------------------
def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """cols[n, (c, i, j), (p, q)] = x[n, c, p s + i d, q s + j d]; (N, C, H, W) -> (N, C kh kw, L).

    PyTorch's ``F.unfold`` (same argument order and layout); zero padding.
    """
    input, unbatched = _batched(as_tensor(input), "unfold")
    k = _positive(_pair(kernel_size, "kernel_size", "unfold"), "kernel_size", "unfold")
    d = _positive(_pair(dilation, "dilation", "unfold"), "dilation", "unfold")
    s = _positive(_pair(stride, "stride", "unfold"), "stride", "unfold")
    pads = _conv_padding(padding, k, s, d, "unfold")
    n, c, h, wd = input.shape
    _check_fits("unfold", (h + sum(pads[0]), wd + sum(pads[1])), k, d)
    cols = Unfold.apply(_pad_hw(input, pads), kernel=k, stride=s, dilation=d)
    y = cols.reshape(n, c * k[0] * k[1], -1)
    return y.reshape(y.shape[1:]) if unbatched else y


def fold(input: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """y = unfold^T(x), overlapping windows summed (col2im); (N, C kh kw, L) -> (N, C, H, W).

    (H, W) = ``output_size``; PyTorch's ``F.fold`` (same argument order and layout).
    """
    input = as_tensor(input)
    unbatched = input.ndim == 2
    if unbatched:
        input = input.reshape((1,) + input.shape)
    if input.ndim != 3:
        raise ValueError(
            f"fold: expected a 3-D input (N, C*kh*kw, L) or a 2-D one, got shape "
            f"{tuple(input.shape)}"
        )
    size = _positive(_pair(output_size, "output_size", "fold"), "output_size", "fold")
    k = _positive(_pair(kernel_size, "kernel_size", "fold"), "kernel_size", "fold")
    d = _positive(_pair(dilation, "dilation", "fold"), "dilation", "fold")
    s = _positive(_pair(stride, "stride", "fold"), "stride", "fold")
    (pt, pb), (pl, pr) = _conv_padding(padding, k, s, d, "fold")
    hp, wp = size[0] + pt + pb, size[1] + pl + pr
    _check_fits("fold", (hp, wp), k, d)
    oh, ow = window_count(hp, k[0], s[0], d[0]), window_count(wp, k[1], s[1], d[1])
    n, ck, length = input.shape
    if ck % (k[0] * k[1]) or length != oh * ow:
        raise ValueError(
            f"fold: expected an input of shape (N, C*{k[0] * k[1]}, {oh * ow}) for output_size "
            f"{size}, kernel {k}, got {tuple(input.shape)}"
        )
    cols = input.reshape(n, ck // (k[0] * k[1]), k[0], k[1], oh, ow)
    y = Fold.apply(cols, size=(hp, wp), kernel=k, stride=s, dilation=d)
    if pt or pb or pl or pr:
        y = y[:, :, pt : pt + size[0], pl : pl + size[1]]
    return y.reshape(y.shape[1:]) if unbatched else y


__all__ = [
    "adaptive_avg_pool2d", "avg_pool2d", "conv1d", "conv2d", "fold", "max_pool2d", "unfold",
    "max_pool2d_with_indices",
]
