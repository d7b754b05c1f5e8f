"""More pools, as composites: ``adaptive_avg_pool3d`` (three averaging matrices),
``max_unpool1d`` / ``max_unpool3d`` (the ``MaxUnpool`` primitive on the flattened spatial
axes, as ``max_unpool2d``) and the power-average pools ``lp_pool1d/2d/3d`` (PyTorch's
formula on top of ``avg_pool``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._linalg_parts import dtype_name
from .._scope import composite
from ..ops.window import MaxUnpool
from ..tensor import Tensor
from ._adaptive_avg import adaptive_avg
from .basic import as_tensor, relu
from .conv import avg_pool2d, max_pool2d
from .pool1d import avg_pool1d, max_pool1d
from .pool3d import avg_pool3d, max_pool3d

_NAMES = {1: "L", 2: "H, W", 3: "D, H, W"}


@composite
def adaptive_avg_pool3d(input: Any, output_size: Any) -> Tensor:
    """y = x averaged over PyTorch's adaptive windows along D, H and W (an averaging matrix
    per axis); (N, C, D, H, W) -> (N, C, od, oh, ow) (or unbatched (C, D, H, W)).

    Window i along an axis of length L covers floor(i L / o) .. ceil((i + 1) L / o) - 1.
    ``output_size``: an int or a triple whose ``None`` keeps that input size.
    """
    return adaptive_avg("adaptive_avg_pool3d", as_tensor(input), output_size, 3)


def _ntuple(v: Any, n: int) -> tuple[int, ...]:
    """PyTorch's ``_single`` / ``_triple``: an int repeated, a sequence as it is."""
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _unpool_output_size(x: Tensor, k: tuple[int, ...], s: tuple[int, ...],
                        p: tuple[int, ...], output_size: Any) -> tuple[int, ...]:
    """PyTorch's ``_unpool_output_size``: (n - 1) s + k - 2 p per axis, or ``output_size``
    (optionally with N and C in front) within a stride of that."""
    nd = len(k)
    default = tuple((x.shape[i - nd] - 1) * s[i] + k[i] - 2 * p[i] for i in range(nd))
    if output_size is None:
        return default
    size = tuple(output_size)
    if len(size) == nd + 2:
        size = size[2:]
    if len(size) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                         f"elements, but it has a length of '{len(tuple(output_size))}'")
    for i in range(nd):
        lo, hi = default[i] - s[i], default[i] + s[i]
        if not lo < size[i] < hi:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {i} must be '
                             f"between {lo} and {hi})")
    return tuple(int(v) for v in size)


def _max_unpool(op: str, input: Any, indices: Any, nd: int, kernel_size: Any, stride: Any,
                padding: Any, output_size: Any) -> Tensor:
    """y[n, c].flatten()[indices[n, c]] = x[n, c], zeros elsewhere, for nd = 1 or 3."""
    x = as_tensor(input)
    idx = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    k = _ntuple(kernel_size, nd)
    s = k if stride is None else _ntuple(stride, nd)
    p = _ntuple(padding, nd)
    size = _unpool_output_size(x, k, s, p, output_size)
    kernel = "max_unpooling2d" if nd == 1 else "max_unpooling3d"  # (1-D is PyTorch's 2-D)
    if x.ndim not in (nd + 1, nd + 2):  # (1-D: PyTorch counts after an unsqueeze)
        raise RuntimeError(f"Input to {kernel} should be a {nd + 1 + (nd == 1)}d or "
                           f"{nd + 2 + (nd == 1)}d Tensor, but got a tensor with "
                           f"{x.ndim + (nd == 1)} dimensions: {op} input of shape "
                           f"{tuple(x.shape)}, expected (C, {_NAMES[nd]}) or (N, C, "
                           f"{_NAMES[nd]})")
    if nd == 3 and min(s) <= 0:
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(s)}")
    if idx.dtype != np.int64:
        raise RuntimeError(f"{op}: elements in indices should be type int64 but got: "
                           f"{dtype_name(idx.dtype)}")
    if idx.shape != tuple(x.shape):
        raise RuntimeError(f"{op}: Expected shape of indices to be same as that of the input "
                           f"tensor ({tuple(x.shape)}) but got indices tensor with shape: "
                           f"{tuple(idx.shape)}")
    unbatched = x.ndim == nd + 1
    if unbatched:
        x, idx = x.unsqueeze(0), idx[None]
    n, c = x.shape[:2]
    total = math.prod(size)
    if total and idx.size and (idx.min() < 0 or idx.max() >= total):
        bad = idx.min() if idx.min() < 0 else idx.max()
        volume = "x".join(str(v) for v in (size + (1,) if nd == 1 else size))
        raise RuntimeError(f"{op}: Found an invalid max index: {bad} (output volumes are of "
                           f"size {volume})")
    if not total:
        y = x.new_zeros((n, c, *size))
    else:
        y = MaxUnpool.apply(x.reshape(n, c, -1), idx=idx.reshape(n, c, -1), size=total)
        y = y.reshape(n, c, *size)
    return y.squeeze(0) if unbatched else y


@composite
def max_unpool1d(input: Any, indices: Any, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The partial inverse of max_pool1d: y[n, c, indices[n, c, i]] = x[n, c, i], zeros
    elsewhere; (N, C, l) -> (N, C, L), L = (l - 1) * stride - 2 * padding + kernel (or
    ``output_size``). Of repeated indices the last write wins; each x gets the gradient at
    its index (as PyTorch)."""
    return _max_unpool("max_unpool1d", input, indices, 1, kernel_size, stride, padding,
                       output_size)


@composite
def max_unpool3d(input: Any, indices: Any, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The partial inverse of max_pool3d: y[n, c].flatten()[indices[n, c]] = x[n, c], zeros
    elsewhere; (N, C, d, h, w) -> (N, C, D, H, W), each D = (d - 1) * stride - 2 * padding +
    kernel (or ``output_size``); indices are flat positions (d H + h) W + w."""
    return _max_unpool("max_unpool3d", input, indices, 3, kernel_size, stride, padding,
                       output_size)


def _lp_pool(nd: int, input: Any, norm_type: float, kernel_size: Any, stride: Any,
             ceil_mode: bool) -> Tensor:
    max_pool = (max_pool1d, max_pool2d, max_pool3d)[nd - 1]
    avg_pool: Any = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    x = as_tensor(input)
    if nd == 1 and isinstance(kernel_size, (tuple, list)):  # (PyTorch multiplies by it)
        raise TypeError(f"lp_pool1d: mul(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(kernel_size).__name__}: kernel_size must be an int, got "
                        f"{kernel_size!r}")
    if nd > 1 and isinstance(kernel_size, (tuple, list)) and len(kernel_size) != nd:
        raise ValueError(f"lp_pool{nd}d: kernel_size must be an int or a tuple of {nd} ints, "
                         f"got {tuple(kernel_size)}")
    if norm_type == float("inf"):
        return max_pool(x.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -float("inf"):
        return -max_pool(-x.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool(x.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    numel = math.prod(_ntuple(kernel_size, nd))
    return (out.sign() * relu(out.abs()) * numel).pow(1.0 / norm_type)


@composite
def lp_pool1d(input: Any, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """y = (sum over each window of x^p)^(1/p), PyTorch's formula: (sign(a) relu(|a|) k)^(1/p)
    with a = avg_pool1d(x^p); (N, C, L) -> (N, C, OL). p = +-inf: the max of |x| (or minus
    the max of -|x|)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


@composite
def lp_pool2d(input: Any, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """y = (sum over each (kh, kw) window of x^p)^(1/p) (PyTorch's formula, as ``lp_pool1d``);
    (N, C, H, W) -> (N, C, OH, OW)."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


@composite
def lp_pool3d(input: Any, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """y = (sum over each (kd, kh, kw) window of x^p)^(1/p) (PyTorch's formula, as
    ``lp_pool1d``); (N, C, D, H, W) -> (N, C, OD, OH, OW)."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


__all__ = ["adaptive_avg_pool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d",
           "max_unpool3d"]
