"""Adaptive max pooling (``adaptive_max_pool1d/2d/3d`` and their ``_with_indices`` forms).

Output position i along a spatial axis of size L pools the window
floor(i L / out) .. ceil((i + 1) L / out) - 1 (PyTorch's rule; windows may overlap). The
choice of each window's maximum is made in NumPy (piecewise constant in x), then y is a
gather of the input at those positions, so the gradient and every higher derivative are
gather's: g goes to the chosen element, summed where windows overlap (as PyTorch).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._linalg_parts import dtype_name
from .._scope import composite
from ..tensor import Tensor
from .basic import as_tensor

_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _output_size(op: str, output_size: Any, nd: int, spatial: tuple[int, ...],
                 ndim: int) -> tuple[int, ...]:
    """Per spatial axis, the output length (``None``: that axis's input length)."""
    if nd == 1:  # PyTorch's 1-D form takes no None
        items = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,)
        if not all(_is_int(v) for v in items):
            raise TypeError(f"{op}: output_size must be an int or a 1-tuple of ints, got "
                            f"{output_size!r}")
        if len(items) != 1:
            raise RuntimeError(f"{op}: output_size should contain one int (got {len(items)})")
    elif isinstance(output_size, (tuple, list)):
        if ndim <= len(output_size):  # (PyTorch checks this before the input's dims)
            raise ValueError(f"{op}: Input dimension should be at least {len(output_size) + 1}, "
                             f"got a {ndim}-D input for output_size {tuple(output_size)}")
        items = tuple(output_size)
        if not all(v is None or _is_int(v) for v in items):
            raise TypeError(f"{op}: output_size must hold ints or None, got {output_size!r}")
        if len(items) != nd:
            raise RuntimeError(f"{op}: output_size must have {nd} entries, got {len(items)}")
        items = tuple(s if v is None else v for v, s in zip(items, spatial))
    else:
        if not _is_int(output_size):
            raise TypeError(f"{op}: output_size must be an int or a tuple of {nd} ints or None, "
                            f"got {output_size!r}")
        items = (output_size,) * nd
    if min(items) < 0:
        raise RuntimeError(f"{op}: output_size must be non-negative, got {items}")
    return tuple(int(v) for v in items)


def _windows(size: int, out: int) -> np.ndarray:
    """(out, K) positions of each window along one axis, K the longest window; a shorter
    window repeats its last position (a repeat is never the first maximum, nor the last
    NaN's stand-in for another element: see ``_pick``)."""
    i = np.arange(out)
    start, end = (i * size) // out, -(-((i + 1) * size) // out)
    k = int((end - start).max()) if out else 1
    return np.minimum(start[:, None] + np.arange(k), end[:, None] - 1)


def _pick(windows: np.ndarray) -> np.ndarray:
    """Per window (last axis, row-major), the offset PyTorch's kernel picks: the first
    maximum, or the last NaN (its test ``val > max || isnan(val)``)."""
    pick = np.argmax(windows, axis=-1)  # (a NaN counts as the maximum: the first one)
    if windows.dtype.kind == "f":
        nan = np.isnan(windows)
        has = nan.any(axis=-1)
        if has.any():
            last = windows.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
            pick = np.where(has, last, pick)
    return pick


@composite
def _adaptive_max(input: Any, output_size: Any, nd: int, op: str) -> tuple[Tensor, Tensor]:
    x = as_tensor(input)
    if isinstance(output_size, (tuple, list)) and nd > 1:
        _output_size(op, output_size, nd, (0,) * nd, x.ndim)  # PyTorch's first check
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{op}: expected a {nd + 1}-D (C, {_AXES[nd]}) or {nd + 2}-D "
                           f"(N, C, {_AXES[nd]}) input, got shape {tuple(x.shape)}")
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f'"{op}" not implemented for \'{dtype_name(x.dtype)}\': '
                                  "expected a floating-point input")
    unbatched = x.ndim == nd + 1
    lead = x.shape[:x.ndim - nd]
    for axis, n in enumerate(x.shape):
        if n == 0 and (unbatched or axis > 0):
            raise RuntimeError(f"{op}: Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(x.shape)} with dimension "
                               f"{axis} being empty")
    spatial = tuple(x.shape[-nd:])
    out = _output_size(op, output_size, nd, spatial, x.ndim)
    # positions[o, k]: flat plane index of window o's k-th element (windows row-major)
    per_axis = [_windows(s, o) for s, o in zip(spatial, out)]
    strides = [math.prod(spatial[a + 1:]) for a in range(nd)]
    positions = np.zeros((1,) * (2 * nd), dtype=np.int64)
    for a, (w, st) in enumerate(zip(per_axis, strides)):
        shape = [1] * (2 * nd)
        shape[a], shape[nd + a] = w.shape
        positions = positions + (w * st).reshape(shape)
    positions = np.broadcast_to(positions, [w.shape[i] for i in (0, 1) for w in per_axis])
    positions = positions.reshape(math.prod(out), math.prod(w.shape[1] for w in per_axis))
    xf = x.reshape(*lead, math.prod(spatial))
    values = xf._data
    pick = _pick(values[..., positions])
    idx = positions[np.arange(len(positions)), pick]  # (*lead, O)
    y = xf.gather(-1, idx).reshape(*lead, *out)
    return y, y._new(idx.reshape(*lead, *out))


def adaptive_max_pool1d_with_indices(input: Any, output_size: Any,
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``adaptive_max_pool1d`` whatever ``return_indices`` says (PyTorch's)."""
    return _adaptive_max(input, output_size, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input: Any, output_size: Any,
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``adaptive_max_pool2d`` whatever ``return_indices`` says (PyTorch's)."""
    return _adaptive_max(input, output_size, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input: Any, output_size: Any,
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``adaptive_max_pool3d`` whatever ``return_indices`` says (PyTorch's)."""
    return _adaptive_max(input, output_size, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """y[n, c, i] = max of x[n, c, floor(i L / o) : ceil((i + 1) L / o)]; (N, C, L) -> (N, C, o)
    (or (C, L) -> (C, o)). ``output_size``: an int (or 1-tuple). ``return_indices``: also
    each maximum's position in L (int64; of ties the first, of NaNs the last)."""
    y, idx = _adaptive_max(input, output_size, 1, "adaptive_max_pool1d")
    return (y, idx) if return_indices else y


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max over PyTorch's adaptive windows; (N, C, H, W) -> (N, C, oh, ow) (or unbatched).

    ``output_size``: an int or an (oh, ow) pair whose ``None`` keeps that input size.
    ``return_indices``: also each maximum's flat index h * W + w in its plane (int64)."""
    y, idx = _adaptive_max(input, output_size, 2, "adaptive_max_pool2d")
    return (y, idx) if return_indices else y


def adaptive_max_pool3d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max over PyTorch's adaptive windows; (N, C, D, H, W) -> (N, C, od, oh, ow) (or
    unbatched). ``output_size``: an int or a triple whose ``None`` keeps that input size.
    ``return_indices``: also each maximum's flat index (d H + h) W + w in its volume."""
    y, idx = _adaptive_max(input, output_size, 3, "adaptive_max_pool3d")
    return (y, idx) if return_indices else y


__all__ = [
    "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices",
]
