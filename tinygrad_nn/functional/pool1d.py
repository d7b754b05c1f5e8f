"""1-D pooling (``max_pool1d``, ``avg_pool1d``, ``adaptive_avg_pool1d``): the 2-D pools
on a height-1 image, so windows, padding, ceil_mode, indices and gradients are theirs."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .basic import as_tensor
from .conv import adaptive_avg_pool2d, avg_pool2d, max_pool2d


def _one(value: Any, name: str, op: str) -> int:
    """An int, or a 1-tuple of one (PyTorch's ``_single``)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{op}: {name} must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return value


def _as_image(x: Tensor, op: str) -> Tensor:
    if x.ndim not in (2, 3):
        raise RuntimeError(f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape "
                           f"{tuple(x.shape)}")
    return x.unsqueeze(-2)


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """y[n, c, p] = max_i x[n, c, ps - pad + id]; (N, C, L) -> (N, C, OL) (or (C, L));
    ``return_indices``: also each maximum's position in L (int64)."""
    x = _as_image(as_tensor(input), "max_pool1d")
    k = _one(kernel_size, "kernel_size", "max_pool1d")
    s = k if stride is None or stride == () else _one(stride, "stride", "max_pool1d")
    out = max_pool2d(x, (1, k), (1, s), (0, _one(padding, "padding", "max_pool1d")),
                     (1, _one(dilation, "dilation", "max_pool1d")), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """y[n, c, p] = mean_i x[n, c, ps - pad + i]; (N, C, L) -> (N, C, OL) (or (C, L))."""
    x = _as_image(as_tensor(input), "avg_pool1d")
    k = _one(kernel_size, "kernel_size", "avg_pool1d")
    s = k if stride is None or stride == () else _one(stride, "stride", "avg_pool1d")
    return avg_pool2d(x, (1, k), (1, s), (0, _one(padding, "padding", "avg_pool1d")),
                      ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Tensor:
    """Average over PyTorch's adaptive windows; (N, C, L) -> (N, C, output_size)."""
    x = _as_image(as_tensor(input), "adaptive_avg_pool1d")
    size = _one(output_size, "output_size", "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(x, (1, size)).squeeze(-2)


__all__ = ["adaptive_avg_pool1d", "avg_pool1d", "max_pool1d"]
