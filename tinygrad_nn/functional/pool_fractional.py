"""Fractional max pooling (Graham, 2014): ``fractional_max_pool2d/3d`` and their
``_with_indices`` forms.

Along an axis of length L pooled to o outputs with windows of k, window i starts at
trunc((i + u) a) - trunc(u a) with a = (L - k) / (o - 1) (the last at L - k), u one
random sample per (batch, channel, axis), computed in the input's dtype exactly as
PyTorch's kernel does, so the same ``_random_samples`` give PyTorch's result. The pick of
each window's maximum (the first, or the last NaN) is made in NumPy (piecewise constant in
x); y is a gather of x there, so every derivative is gather's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._linalg_parts import dtype_name
from .._random import get_rng
from .._scope import composite
from ..tensor import Tensor
from .basic import as_tensor
from .pool_adaptive import _pick

_AXIS_NAMES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _intervals(u: np.ndarray, size: int, out: int, k: int) -> np.ndarray:
    """Window starts (..., out) along one axis for samples u (...), in u's dtype."""
    starts = np.empty(u.shape + (out,), dtype=np.int64)
    if out > 1:
        alpha = np.asarray(size - k, dtype=u.dtype) / np.asarray(out - 1, dtype=u.dtype)
        i = np.arange(out - 1).astype(u.dtype)
        starts[..., :-1] = (np.trunc((i + u[..., None]) * alpha).astype(np.int64)
                            - np.trunc(u * alpha).astype(np.int64)[..., None])
    if out > 0:
        starts[..., -1] = size - k
    return starts


def _sizes(op: str, v: Any, nd: int, name: str) -> tuple[int, ...]:
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(items) not in (1, nd):
        raise RuntimeError(f"{op}: {name} must either be a single Int or tuple of Ints, "
                           f"got {v!r}")
    return tuple(int(i) for i in items) * (nd // len(items))


def _fractional(op: str, nd: int, input: Any, kernel_size: Any, output_size: Any,
                output_ratio: Any, samples: Any) -> tuple[Tensor, Tensor]:
    x = as_tensor(input)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if nd == 2 and len(output_ratio) > 2:
            raise ValueError(f"{op} requires output_ratio to either be a single Int or tuple "
                             "of Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else \
            (output_ratio,) * nd
        if len(ratio) == 1:
            ratio *= nd
        if x.ndim < nd:
            raise IndexError(f"{op}: Dimension out of range: a {x.ndim}-D input of shape "
                             f"{tuple(x.shape)} has no {nd} spatial dims")
        output_size = [int(x.shape[i - nd] * ratio[i]) for i in range(nd)]
    if samples is None:
        if x.ndim < nd + 1:
            raise IndexError(f"{op}: Dimension out of range: expected a {nd + 1}-D or "
                             f"{nd + 2}-D input, got shape {tuple(x.shape)}")
        if x.dtype.kind != "f":
            raise NotImplementedError(f'"check_uniform_bounds" not implemented for '
                                      f"'{dtype_name(x.dtype)}' ({op} needs a floating-point "
                                      "input)")
        n_batch = 1 if x.ndim == nd + 1 else x.shape[0]
        samples = get_rng().random((n_batch, x.shape[-nd - 1], nd)).astype(x.dtype)
    u = samples._data if isinstance(samples, Tensor) else np.asarray(samples)
    k = _sizes(op, kernel_size, nd, "kernel_size")
    out = _sizes(op, output_size, nd, "output_size")
    kind = "3D or 4D" if nd == 2 else "4D or 5D"
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{op}(): Expected {kind} tensor, but got shape {tuple(x.shape)}")
    for axis, n in enumerate(x.shape):
        if n == 0 and (x.ndim == nd + 1 or axis > 0):
            raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but got shape {tuple(x.shape)} with dimension "
                               f"{axis} being empty.")
    if min(k) <= 0:
        raise RuntimeError(f"{op}: kernel_size must be greater than zero, got {k}")
    spatial = tuple(x.shape[-nd:])
    where = "fractional_max_pool3d_out()" if nd == 3 else f"{op}()"
    for name, o, ki, n in zip(_AXIS_NAMES[nd], out, k, spatial):
        if o + ki - 1 > n or (nd == 3 and o + ki - 1 == n):  # (PyTorch's 3-D check is strict)
            raise RuntimeError(f"{where}: pool {name} {ki} too large relative to input {name} "
                               f"{n} (output_size {out})")
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x.unsqueeze(0)
    n, c = x.shape[:2]
    if u.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {u.ndim} "
                           f"(shape {tuple(u.shape)})")
    if u.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {u.shape[2]}.")
    if u.shape[1] != c:
        raise RuntimeError(f"Expect _random_samples.size(1) equals to input channel size. "
                           f"(got {u.shape[1]}, input has {c} channels)")
    if u.dtype != x.dtype:
        raise RuntimeError(f"Expect _random_samples to have the same dtype as input (got "
                           f"{dtype_name(u.dtype)}, input is {dtype_name(x.dtype)})")
    if u.shape[0] < n:
        raise RuntimeError(f"Expect _random_samples to have at least the input's batch size "
                           f"{n}, got shape {tuple(u.shape)}")
    u = u[:n]
    # PyTorch's sample order per plane: (W, H) for 2-D, (T, H, W) for 3-D
    axis_sample = (1, 0) if nd == 2 else (0, 1, 2)
    strides = [math.prod(spatial[a + 1:]) for a in range(nd)]
    # positions[n, c, o..., k...]: flat index of each window element, windows row-major
    positions = np.zeros((n, c) + (1,) * (2 * nd), dtype=np.int64)
    for a in range(nd):
        starts = _intervals(u[:, :, axis_sample[a]], spatial[a], out[a], k[a])  # (n, c, o)
        along = (starts[..., None] + np.arange(k[a])) * strides[a]  # (n, c, o, k)
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + a], shape[2 + nd + a] = out[a], k[a]
        positions = positions + along.reshape(shape)
    positions = positions.reshape(n, c, math.prod(out), math.prod(k))
    xf = x.reshape(n, c, math.prod(spatial))
    values = np.take_along_axis(xf._data, positions.reshape(n, c, -1), axis=-1)
    pick = _pick(values.reshape(positions.shape))
    idx = np.take_along_axis(positions, pick[..., None], axis=-1)[..., 0]  # (n, c, O)
    y = xf.gather(-1, idx).reshape(n, c, *out)
    indices = y._new(idx.reshape(n, c, *out))
    return (y.squeeze(0), indices.squeeze(0)) if unbatched else (y, indices)


@composite
def fractional_max_pool2d_with_indices(input: Any, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Any = None) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``fractional_max_pool2d`` whatever ``return_indices`` says."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size,
                       output_ratio, _random_samples)


@composite
def fractional_max_pool3d_with_indices(input: Any, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Any = None) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``fractional_max_pool3d`` whatever ``return_indices`` says."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool2d(input: Any, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None) -> Any:
    """Max over (kh, kw) windows at pseudo-random fractional strides; (N, C, H, W) ->
    (N, C, oh, ow) (or unbatched). ``output_size`` (int or pair) or ``output_ratio`` (a pair
    in (0, 1): o = int(H r)); ``_random_samples`` (N, C, 2) in [0, 1) fixes the windows
    (drawn from the library's generator otherwise). ``return_indices``: also each
    maximum's flat index h W + w (int64), what ``max_unpool2d`` takes."""
    y, idx = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                                return_indices, _random_samples)
    return (y, idx) if return_indices else y


def fractional_max_pool3d(input: Any, kernel_size: Any, output_size: Any = None,
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None) -> Any:
    """Max over (kt, kh, kw) windows at pseudo-random fractional strides; (N, C, T, H, W) ->
    (N, C, ot, oh, ow) (or unbatched). As ``fractional_max_pool2d``, with triples and
    ``_random_samples`` (N, C, 3); indices are flat (t H + h) W + w."""
    y, idx = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                                return_indices, _random_samples)
    return (y, idx) if return_indices else y


__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d", "fractional_max_pool3d_with_indices"]
