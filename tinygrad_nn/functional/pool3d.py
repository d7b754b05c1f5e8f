"""3-D pooling (``max_pool3d``, ``avg_pool3d``) as two 2-D pools: one over each depth
slice's (H, W) plane, then one over depth (a (kd, 1) window on (D, OH * OW)).

Both reductions are separable: the maximum of a box is the maximum over depth of each
slice's maximum, and PyTorch's average divides a box sum by a product of per-axis counts.
The first maximum in (d, h, w) order (PyTorch's choice for the gradient and the indices) is
the first slice's first maximum, so windows, padding, ceil_mode, ties and gradients (to any
order) are the 2-D pools'.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._scope import composite
from ..tensor import Tensor
from ._pool_checks import output_length
from .basic import as_tensor
from .conv import _avg_pool2d, _divisors, _geometry, _max_pool2d

Triple = tuple[int, int, int]


def _triple(v: Any, name: str, op: str) -> Triple:
    """An int, or a tuple of one or three ints (PyTorch's accepted forms)."""
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(items) == 1:
        items *= 3
    if len(items) != 3 or not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool)
                                  for i in items):
        raise RuntimeError(f"{op}: {name} must be a single int, or a tuple of three ints, "
                           f"got {v!r}")
    return int(items[0]), int(items[1]), int(items[2])


def _check(op: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
           ceil_mode: bool) -> tuple[Triple, Triple, Triple, Triple, Triple]:
    """kernel, stride, padding, dilation and output size, with PyTorch's checks and
    messages."""
    if x.ndim not in (4, 5):
        raise RuntimeError(f"{op}: non-empty 4D or 5D (batch mode) tensor expected for input, "
                           f"got shape {tuple(x.shape)}")
    if 0 in x.shape[1:]:
        raise RuntimeError(f"{op}: Expected input's non-batch dimensions to have positive "
                           f"length, but input has a shape of {list(x.shape)}")
    k = _triple(kernel_size, "kernel_size", op)
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    s = k if no_stride else _triple(stride, "stride", op)
    p, d = _triple(padding, "padding", op), _triple(dilation, "dilation", op)
    if 0 in s:  # (PyTorch's order of checks, so the same call gets the same message)
        raise RuntimeError("stride should not be zero")
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {k[0]} "
                           f"kH: {k[1]} kW: {k[2]}")
    if min(s) < 0:
        raise RuntimeError(f"stride should be greater than zero, but got dT: {s[0]} "
                           f"dH: {s[1]} dW: {s[2]}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {d[0]} "
                           f"dilationH: {d[1]} dilationW: {d[2]}")
    for pi, ki, di in zip(p, k, d):
        if pi < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {pi}")
        if pi > ki // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={pi}, kernel_size={ki} and dilation={di}")
    size = x.shape[-3:]
    if op == "avg_pool3d" and any(n < ki for n, ki in zip(size, k)):  # (PyTorch's 3-D rule)
        raise RuntimeError(f"input image (T: {size[0]} H: {size[1]} W: {size[2]}) smaller than "
                           f"kernel size (kT: {k[0]} kH: {k[1]} kW: {k[2]})")
    out = [output_length(n, ki, pi, si, di, ceil_mode)
           for n, ki, pi, si, di in zip(size, k, p, s, d)]
    if min(out) < 1:
        c = x.shape[-4]
        raise RuntimeError(f"{op}: Given input size: ({c}x{size[0]}x{size[1]}x{size[2]}). "
                           f"Calculated output size: ({c}x{out[0]}x{out[1]}x{out[2]}). "
                           "Output size is too small")
    return k, s, p, d, (out[0], out[1], out[2])


@composite
def max_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """y[n, c, t, p, q] = max over the (kd, kh, kw) window; (N, C, D, H, W) -> (N, C, OD, OH,
    OW) (or unbatched (C, D, H, W)).

    ``stride`` defaults to ``kernel_size``; padding (with -inf) is at most half the kernel.
    The gradient goes to each window's first maximum in (d, h, w) order, as in PyTorch.
    ``return_indices``: also each maximum's flat index d * H * W + h * W + w in its input
    volume (int64, y's shape).
    """
    op = "max_pool3d"
    x = as_tensor(input)
    k, s, p, d, o = _check(op, x, kernel_size, stride, padding, dilation, ceil_mode)
    unbatched = x.ndim == 4
    if unbatched:
        x = x.unsqueeze(0)
    n, c, depth, h, w = x.shape
    planes: Any = _max_pool2d(x.reshape(n, c * depth, h, w),
                              _geometry((h, w), k[1:], s[1:], p[1:], d[1:], o[1:]), return_indices)
    if return_indices:
        planes, plane_idx = planes
    oh, ow = planes.shape[-2:]
    out: Any = _max_pool2d(planes.reshape(n, c, depth, oh * ow),
                           _geometry((depth, oh * ow), (k[0], 1), (s[0], 1), (p[0], 0),
                                     (d[0], 1), (o[0], oh * ow)), return_indices)
    if return_indices:
        out, depth_idx = out
    y = out.reshape(n, c, out.shape[2], oh, ow)
    if not return_indices:
        return y.squeeze(0) if unbatched else y
    slice_of = depth_idx._data // (oh * ow)  # the winning depth of each output
    in_plane = np.take_along_axis(plane_idx._data.reshape(n, c, depth, oh * ow), slice_of,
                                  axis=2)
    idx = y._new((slice_of * (h * w) + in_plane).reshape(y.shape))
    return (y.squeeze(0), idx.squeeze(0)) if unbatched else (y, idx)


def max_pool3d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``max_pool3d(..., return_indices=True)``, whatever ``return_indices``
    says (PyTorch's)."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


@composite
def avg_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """y[n, c, t, p, q] = mean over the (kd, kh, kw) window; (N, C, D, H, W) -> (N, C, OD,
    OH, OW) (or unbatched (C, D, H, W)).

    Zero padding (at most half the kernel) counts in the divisor unless
    ``count_include_pad=False``; ``divisor_override`` replaces the divisor. As in PyTorch,
    the unpadded input must be at least the kernel along each axis.
    """
    op = "avg_pool3d"
    x = as_tensor(input)
    k, s, p, _, o = _check(op, x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    unbatched = x.ndim == 4
    if unbatched:
        x = x.unsqueeze(0)
    n, c, depth, h, w = x.shape
    integer = x.dtype.kind not in "fc"  # (PyTorch truncates the whole box's sum / count)
    sums = None if divisor_override is None and not integer else 1  # sum each stage
    one = (1, 1)
    planes = _avg_pool2d(x.reshape(n, c * depth, h, w),
                         _geometry((h, w), k[1:], s[1:], p[1:], one, o[1:]), count_include_pad,
                         sums)
    oh, ow = planes.shape[-2:]
    out = _avg_pool2d(planes.reshape(n, c, depth, oh * ow),
                      _geometry((depth, oh * ow), (k[0], 1), (s[0], 1), (p[0], 0), one,
                                (o[0], oh * ow)), count_include_pad, sums)
    if integer:
        count: Any = divisor_override
        if count is None:
            per_axis = [_divisors(size, ki, si, pi, oi, count_include_pad)
                        for size, ki, si, pi, oi in zip((depth, h, w), k, s, p, o)]
            count = np.multiply.outer(np.multiply.outer(*per_axis[:2]), per_axis[2])
        total = out._data.reshape(n, c, *o)
        y = out._new(np.trunc(total / count).astype(total.dtype))
        return y.squeeze(0) if unbatched else y
    if divisor_override is not None:
        out = out * (1.0 / divisor_override)
    y = out.reshape(n, c, out.shape[2], oh, ow)
    return y.squeeze(0) if unbatched else y


__all__ = ["avg_pool3d", "max_pool3d", "max_pool3d_with_indices"]
