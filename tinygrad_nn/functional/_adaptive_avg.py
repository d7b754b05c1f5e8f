"""Adaptive average pooling over the last nd axes (``adaptive_avg_pool2d`` / ``3d``, and
``1d`` through ``2d``): one averaging matrix per axis, so every derivative is a matrix
product's; PyTorch's fast path (an all-ones output is a ``mean``) and its dtype rules."""

from __future__ import annotations

import numpy as np

from .._linalg_parts import dtype_name
from ..tensor import Tensor
from ._pool_checks import adaptive_sizes


def _adaptive_weights(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """(out, size) averaging matrix: row i averages x[floor(i size/out) : ceil((i+1) size/out)]."""
    a = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        lo, hi = (i * size) // out, -(-((i + 1) * size) // out)
        a[i, lo:hi] = 1.0 / (hi - lo)
    return a


def adaptive_avg(op: str, x: Tensor, output_size: object, nd: int) -> Tensor:
    """x averaged over PyTorch's adaptive windows along its last nd (2 or 3) axes."""
    sizes = adaptive_sizes(op, output_size, tuple(x.shape), nd, mean_path=True)
    axes = tuple(range(-nd, 0))
    if all(o == 1 for o in sizes):  # PyTorch's shortcut: a mean, for any number of dims
        if x.dtype.kind not in "fc":
            raise RuntimeError(f"{op}: mean(): could not infer output dtype. Input dtype must "
                               f"be either a floating point or complex dtype. Got: "
                               f"{dtype_name(x.dtype)}")
        if x.ndim < nd:
            raise IndexError(f"{op}: Dimension out of range: an all-ones output_size takes the "
                             f"mean over the last {nd} dims of an input of shape "
                             f"{tuple(x.shape)}")
        return x.mean(axes, keepdim=True)
    spatial = tuple(x.shape[-nd:])
    if 0 in sizes and nd == 2 and x.dtype.kind not in "fc":  # (PyTorch's 2-D kernel checks
        # no dtype when there is nothing to average)
        return x.new_zeros((*x.shape[:-nd], *sizes))
    if x.dtype.kind not in "fc":
        kernel = "adaptive_avg_pool3d_cpu" if nd == 3 else "adaptive_avg_pool2d"
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{dtype_name(x.dtype)}': expected a floating-point input")
    w = [_adaptive_weights(n, o, x.dtype) for n, o in zip(spatial, sizes)]
    y = w[-2] @ x @ w[-1].T  # (..., oh, ow)
    if nd == 3:
        head = x.shape[:-3]
        y = (w[0] @ y.reshape(*head, spatial[0], sizes[1] * sizes[2]))
        y = y.reshape(*head, *sizes)
    return y


__all__ = ["adaptive_avg"]
