"""1-D pooling (``max_pool1d``, ``avg_pool1d``, ``adaptive_avg_pool1d``): the 2-D pools
on a height-1 image, so windows, padding, ceil_mode, indices and gradients are theirs."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from ._pool_checks import adaptive_sizes, check_pool1d
from .basic import as_tensor
from .conv import adaptive_avg_pool2d, avg_pool2d, max_pool2d


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """y[n, c, p] = max_i x[n, c, ps - pad + id]; (N, C, L) -> (N, C, OL) (or (C, L));
    ``return_indices``: also each maximum's position in L (int64)."""
    x = as_tensor(input)
    k, s, p, d = check_pool1d("max_pool1d", tuple(x.shape), kernel_size, stride, padding,
                              dilation, ceil_mode)
    out = max_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def max_pool1d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """(y, indices) of ``max_pool1d(..., return_indices=True)``, whatever ``return_indices``
    says (PyTorch's)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """y[n, c, p] = mean_i x[n, c, ps - pad + i]; (N, C, L) -> (N, C, OL) (or (C, L))."""
    x = as_tensor(input)
    k, s, p, _ = check_pool1d("avg_pool1d", tuple(x.shape), kernel_size, stride, padding, 1,
                              ceil_mode)
    return avg_pool2d(x.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                      count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Tensor:
    """Average over PyTorch's adaptive windows; (N, C, L) -> (N, C, output_size)."""
    x = as_tensor(input)
    (size,) = adaptive_sizes("adaptive_avg_pool1d", output_size, tuple(x.shape), 1)
    return adaptive_avg_pool2d(x.unsqueeze(-2), (1, size)).squeeze(-2)


__all__ = ["adaptive_avg_pool1d", "avg_pool1d", "max_pool1d", "max_pool1d_with_indices"]
