"""``F.interpolate``: nearest and (bi)linear resizing, as PyTorch computes the source points.

Both modes are composites of indexing (the gradient scatters back to the source pixels)
and, for linear modes, a weighted sum of the two neighbours along each resized axis.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from .basic import as_tensor

_SPATIAL = {"nearest": (1, 2), "linear": (1,), "bilinear": (2,)}


def _sizes(shape: tuple[int, ...], nd: int, size: Any, scale_factor: Any) -> tuple[list[int],
                                                                                list[Any]]:
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    ins = list(shape[-nd:])
    if size is not None:
        outs = [int(s) for s in (size if isinstance(size, (tuple, list)) else [size] * nd)]
        if len(outs) != nd:
            raise ValueError(f"interpolate: size {size} has {len(outs)} entries, the input "
                             f"has {nd} spatial dims (shape {shape})")
        return outs, [None] * nd
    scales = list(scale_factor if isinstance(scale_factor, (tuple, list)) else [scale_factor] * nd)
    if len(scales) != nd:
        raise ValueError(f"interpolate: scale_factor {scale_factor} has {len(scales)} entries, "
                         f"the input has {nd} spatial dims (shape {shape})")
    return [math.floor(n * float(s)) for n, s in zip(ins, scales)], [float(s) for s in scales]


def _nearest(n_in: int, n_out: int, scale: float | None) -> np.ndarray:
    ratio = 1.0 / scale if scale is not None else n_in / n_out
    # float32 arithmetic, as PyTorch's CPU kernel computes the source index
    src = np.floor(np.arange(n_out, dtype=np.float32) * np.float32(ratio)).astype(np.int64)
    return np.minimum(src, n_in - 1)


def _linear(n_in: int, n_out: int, scale: float | None,
            align_corners: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left / right source indices and the right neighbour's weight for each output point."""
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        ratio = 1.0 / scale if scale is not None else n_in / n_out
        src = np.maximum((dst + 0.5) * ratio - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, src - i0


def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims: (N, C, L) or (N, C, H, W) -> (N, C, *size).

    ``size`` or ``scale_factor`` (then size = floor(n * scale)); ``mode`` 'nearest',
    'linear' (3-D) or 'bilinear' (4-D); ``align_corners`` only for the linear modes.
    """
    x = as_tensor(input)
    if mode not in _SPATIAL:
        raise NotImplementedError(f"interpolate: mode must be one of {sorted(_SPATIAL)}, got "
                                  f"{mode!r}")
    nd = x.ndim - 2
    if nd not in _SPATIAL[mode]:
        raise NotImplementedError(f"interpolate: mode {mode!r} expects a "
                                  f"{' or '.join(str(d + 2) for d in _SPATIAL[mode])}-D input, "
                                  f"got shape {x.shape}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners can only be set with the linear modes")
    outs, scales = _sizes(x.shape, nd, size, scale_factor)
    if recompute_scale_factor:
        scales = [None] * nd
    if min(outs) <= 0:
        raise ValueError(f"interpolate: output size {outs} must be positive")
    for k, (n_out, scale) in enumerate(zip(outs, scales)):
        a = x.ndim - nd + k
        n_in = x.shape[a]
        lead = (slice(None),) * a
        if mode == "nearest":
            x = x[lead + (_nearest(n_in, n_out, scale),)]
            continue
        i0, i1, w = _linear(n_in, n_out, scale, bool(align_corners))
        w = w.astype(x.dtype).reshape((-1,) + (1,) * (x.ndim - a - 1))
        x = x[lead + (i0,)] * (1 - w) + x[lead + (i1,)] * w
    return x
