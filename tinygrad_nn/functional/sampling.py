"""Resizing and rearranging pixels: ``F.interpolate`` (and the deprecated ``upsample*``),
``pixel_shuffle`` / ``pixel_unshuffle`` and ``channel_shuffle``, as PyTorch computes them.

Every interpolation mode is separable: each spatial axis is resized in turn. Nearest modes
index the source points (the gradient scatters back to them); linear and cubic modes take a
weighted sum of 2 or 4 indexed neighbours; 'area' (adaptive average pooling) multiplies
by an averaging matrix, and antialiased bilinear / bicubic by a matrix of PyTorch's
widened-filter weights. The shuffles are reshapes and one permutation.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._warn import user_stacklevel
from ..tensor import Tensor
from .basic import as_tensor

# mode -> the numbers of spatial dims it accepts
_SPATIAL = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "area": (1, 2, 3),
            "linear": (1,), "bilinear": (2,), "bicubic": (2,), "trilinear": (3,), "lanczos": (2,)}
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear", "lanczos")
_AA_RADIUS = {"bilinear": 1, "bicubic": 2, "lanczos": 3}  # antialiased filters' half-widths
_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution coefficient


def _sizes(shape: tuple[int, ...], nd: int, size: Any, scale_factor: Any) -> tuple[list[int],
                                                                                list[Any]]:
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    ins = list(shape[-nd:])
    if size is not None:
        outs = [int(s) for s in (size if isinstance(size, (tuple, list)) else [size] * nd)]
        if len(outs) != nd:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of {ins} and "
                             f"output size of {tuple(size)}")
        return outs, [None] * nd
    scales = list(scale_factor if isinstance(scale_factor, (tuple, list)) else [scale_factor] * nd)
    if len(scales) != nd:
        raise ValueError(f"Input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of {ins} and "
                         f"scale_factor of shape {tuple(scale_factor)}")
    return [math.floor(n * float(s)) for n, s in zip(ins, scales)], [float(s) for s in scales]


def _ratio(n_in: int, n_out: int, scale: float | None, dtype: Any) -> Any:
    """PyTorch's source-per-output step: 1 / scale_factor if given, else n_in / n_out,
    in the arithmetic of the input's dtype (float32 for float32 inputs)."""
    t = np.float64 if dtype == np.float64 else np.float32
    return t(1.0 / scale) if scale is not None and scale > 0 else t(n_in) / t(n_out)


def _nearest(n_in: int, n_out: int, scale: float | None, exact: bool,
             shortcut: bool) -> np.ndarray:
    # PyTorch's 2-D nearest kernel copies an axis whose size is kept and halves the index
    # of a doubled one, whatever the scale_factor (its 1-D and 3-D kernels do not)
    if shortcut and n_out == n_in:
        return np.arange(n_out)
    if shortcut and n_out == 2 * n_in:
        return np.arange(n_out) // 2
    # float32 arithmetic, as PyTorch's CPU kernel computes the source index
    ratio = _ratio(n_in, n_out, scale, np.float32)
    dst = (np.arange(n_out) + (0.5 if exact else 0.0)) * np.float64(ratio)
    return np.minimum(np.floor(dst.astype(np.float32)).astype(np.int64), n_in - 1)


def _source(n_in: int, n_out: int, scale: float | None, align_corners: bool, cubic: bool,
            dtype: Any) -> np.ndarray:
    """The fractional source coordinate of each output point (linear and cubic modes)."""
    t: Any = np.float64 if dtype == np.float64 else np.float32
    dst: Any = np.arange(n_out, dtype=t)
    if align_corners:
        return dst * (t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0))
    src = (dst + t(0.5)) * _ratio(n_in, n_out, scale, dtype) - t(0.5)
    return src if cubic else np.maximum(src, t(0))


def _linear_taps(src: np.ndarray, n_in: int) -> list[tuple[np.ndarray, np.ndarray]]:
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    w1 = src - i0
    return [(i0, 1 - w1), (np.minimum(i0 + 1, n_in - 1), w1)]


def _cubic_near(x: Any, a: float) -> Any:
    """The cubic convolution kernel for |x| <= 1 (arrays or Tensors)."""
    return ((x * (a + 2) - (a + 3)) * x) * x + 1


def _cubic_far(x: Any, a: float) -> Any:
    """The cubic convolution kernel for 1 < |x| < 2 (arrays or Tensors)."""
    return ((x * a - 5 * a) * x + 8 * a) * x - 4 * a


def _cubic_weights(t: Any, a: float = _CUBIC_A) -> list[Any]:
    """The weights of the 4 taps floor(s) - 1 .. floor(s) + 2 at fraction t = s - floor(s)."""
    return [_cubic_far(t + 1, a), _cubic_near(t, a), _cubic_near(1 - t, a), _cubic_far(2 - t, a)]


def _cubic_taps(src: np.ndarray, n_in: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The 4 neighbours floor(src) - 1 .. + 2 (clamped to the edge) and their weights."""
    i = np.floor(src)
    weights = _cubic_weights(src - i)
    return [(np.clip(i.astype(np.int64) - 1 + k, 0, n_in - 1), w) for k, w in enumerate(weights)]


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): row i averages x[floor(i n_in / n_out) : ceil((i + 1) n_in / n_out)]."""
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        lo, hi = (i * n_in) // n_out, -(-(i + 1) * n_in // n_out)
        m[i, lo:hi] = 1.0 / (hi - lo)
    return m


def _antialias_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool,
                      mode: str) -> np.ndarray:
    """(n_out, n_in): PyTorch's (and PIL's) antialiased weights. The filter (triangle, cubic
    with a = -0.5, or Lanczos-3) is widened by the downscaling factor, truncated at the edges
    and normalised to sum 1 for each output point."""
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        step = 1.0 / scale if scale is not None and scale > 0 else n_in / n_out
    radius = _AA_RADIUS[mode]
    support = radius * max(step, 1.0)
    inv = 1.0 / step if step >= 1.0 else 1.0

    def kernel(t: np.ndarray) -> np.ndarray:
        t = np.abs(t)
        if mode == "bilinear":
            return np.maximum(1.0 - t, 0.0)
        if mode == "lanczos":
            return np.where(t < radius, np.sinc(t) * np.sinc(t / radius), 0.0)
        near, far = _cubic_near(t, -0.5), _cubic_far(t, -0.5)  # PIL's a for antialiasing
        return np.where(t < 1, near, np.where(t < 2, far, 0.0))

    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = step * (i + 0.5)
        lo, hi = max(int(center - support + 0.5), 0), min(int(center + support + 0.5), n_in)
        w = kernel((np.arange(lo, hi) - center + 0.5) * inv)
        m[i, lo:hi] = w / w.sum() if w.sum() != 0 else w
    return m


def _along(x: Tensor, a: int, m: np.ndarray) -> Tensor:
    """x with axis ``a`` mapped by the (n_out, n_in) matrix ``m``."""
    return (x.movedim(a, -1) @ Tensor._new(m.T.astype(x.dtype))).movedim(-1, a)


def _resize_axis(x: Tensor, a: int, n_out: int, scale: float | None, mode: str,
                 align_corners: bool, antialias: bool) -> Tensor:
    n_in, lead = x.shape[a], (slice(None),) * a
    if mode in ("nearest", "nearest-exact"):
        shortcut = mode == "nearest" and x.ndim == 4
        return x[lead + (_nearest(n_in, n_out, scale, mode == "nearest-exact", shortcut),)]
    if n_in == n_out and (mode != "bicubic" or antialias):
        return x  # PyTorch's linear kernels copy an axis whose size is kept
    if mode == "area":
        return _along(x, a, _area_matrix(n_in, n_out))
    if antialias:
        return _along(x, a, _antialias_matrix(n_in, n_out, scale, align_corners, mode))
    src = _source(n_in, n_out, scale, align_corners, mode == "bicubic", x.dtype)
    taps = (_cubic_taps if mode == "bicubic" else _linear_taps)(src, n_in)
    trail = (1,) * (x.ndim - a - 1)
    out: Any = None
    for idx, w in taps:
        term = x[lead + (idx,)] * Tensor._new(w.astype(x.dtype).reshape((-1,) + trail))
        out = term if out is None else out + term
    return out


def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims: (N, C, *in) -> (N, C, *size), 1 to 3 spatial dims.

    ``size`` or ``scale_factor`` (then size = floor(n * scale)); ``mode`` 'nearest',
    'nearest-exact', 'area', 'linear' (3-D), 'bilinear' / 'bicubic' / 'lanczos' (4-D) or
    'trilinear' (5-D); ``align_corners`` only for the interpolating modes; ``antialias``
    (bilinear, bicubic; lanczos requires it) widens the filter when shrinking, as PyTorch
    and PIL do.
    """
    x = as_tensor(input)
    nd = x.ndim - 2
    if mode not in _SPATIAL or not 1 <= nd <= 3:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {x.ndim}D) for the modes: {' | '.join(_SPATIAL)} "
                                  f"(got {mode})")
    if antialias and not (mode in _AA_RADIUS and x.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if nd not in _SPATIAL[mode]:
        raise NotImplementedError(f"Got {x.ndim}D input, but {mode} mode needs "
                                  f"{_SPATIAL[mode][0] + 2}D input")
    if align_corners is not None and mode not in _INTERPOLATING:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if mode == "lanczos" and align_corners:
        raise ValueError("Lanczos mode does not support align_corners=True")
    if mode == "lanczos" and not antialias:
        raise ValueError("Lanczos mode requires antialias=True")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if x.dtype.kind != "f" and not (x.dtype == np.uint8 and mode.startswith("nearest")):
        raise NotImplementedError(f"interpolate: mode {mode!r} is not implemented for dtype "
                                  f"{x.dtype} (expected a floating point input)")
    outs, scales = _sizes(x.shape, nd, size, scale_factor)
    if recompute_scale_factor:
        scales = [None] * nd  # the kernel uses n_in / n_out, as with an explicit size
    if min(outs) <= 0 or min(x.shape[2:]) <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"{tuple(x.shape[2:])} output {tuple(outs)}")
    for k, (n_out, scale) in enumerate(zip(outs, scales)):
        x = _resize_axis(x, 2 + k, n_out, scale, mode, bool(align_corners), antialias)
    return x


def upsample(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated alias of ``interpolate`` (PyTorch warns the same way)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", UserWarning, stacklevel=user_stacklevel())
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Any, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(x, size, scale_factor, mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", UserWarning, stacklevel=user_stacklevel())
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Any, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(x, size, scale_factor, 'bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", UserWarning, stacklevel=user_stacklevel())
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _check_factor(factor: int, who: str, what: str) -> int:
    if int(factor) <= 0:
        raise RuntimeError(f"{who} expects a positive {what}, but got {factor}")
    return int(factor)


def _check_rank(x: Tensor, who: str) -> None:
    if x.ndim < 3:
        raise RuntimeError(f"{who} expects input to have at least 3 dimensions, but got input "
                           f"with {x.ndim} dimension(s)")


def pixel_shuffle(input: Any, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): y[c, h r + i, w r + j] = x[c r^2 + i r + j, h, w]."""
    x = as_tensor(input)
    _check_rank(x, "pixel_shuffle")
    r = _check_factor(upscale_factor, "pixel_shuffle", "upscale_factor")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    n = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    y = y.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return _own(y.reshape(*lead, c // (r * r), h * r, w * r), x)


def pixel_unshuffle(input: Any, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of ``pixel_shuffle``."""
    x = as_tensor(input)
    _check_rank(x, "pixel_unshuffle")
    r = _check_factor(downscale_factor, "pixel_unshuffle", "downscale_factor")
    *lead, c, h, w = x.shape
    for name, n_, d in (("height", h, -2), ("width", w, -1)):
        if n_ % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({d})={n_} is not divisible "
                               f"by {r}")
    n = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    y = y.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return _own(y.reshape(*lead, c * r * r, h // r, w // r), x)


def _own(y: Tensor, x: Tensor) -> Tensor:
    """``y`` in memory of its own: the reshapes are views of ``x`` where NumPy can make
    them (a factor of 1), and PyTorch's pixel (un)shuffle always gives new memory."""
    return y.clone() if np.may_share_memory(y._data, x._data) else y


def channel_shuffle(input: Any, groups: int) -> Tensor:
    """(N, C, *) -> (N, C, *): channel g (C / groups) + k moves to k groups + g."""
    x = as_tensor(input)
    if x.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(x.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    n, c, *rest = x.shape
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    y = x.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return y.reshape(x.shape)


native_channel_shuffle = channel_shuffle
