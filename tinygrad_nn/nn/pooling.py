"""Pooling modules: MaxPool1d / 2d / 3d, MaxUnpool2d, AvgPool1d / 2d / 3d,
AdaptiveAvgPool1d / 2d, AdaptiveMaxPool1d / 2d / 3d (see tinygrad_nn.functional.conv,
pool1d, pool3d and pool_adaptive)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .module import Module


class _MaxPoolNd(Module):
    """Shared set-up of MaxPool1d / 2d / 3d: PyTorch's arguments, attributes and repr."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation, self.ceil_mode = padding, dilation, bool(ceil_mode)
        self.return_indices = bool(return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPoolNd):
    """Max over k x k windows; x: (N, C, H, W) -> (N, C, OH, OW) (see ``F.max_pool2d``)."""

    def forward(self, x: Any) -> Any:
        """y, or (y, indices) with ``return_indices``."""
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """``MaxPool3d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``: max over (kd, kh, kw) windows; (N, C, D, H, W) -> (N, C, OD, OH, OW)
    (see ``F.max_pool3d``)."""

    def forward(self, input: Any) -> Any:
        """y, or (y, indices) with ``return_indices``."""
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class MaxUnpool2d(Module):
    """The partial inverse of MaxPool2d: x (N, C, h, w) and its indices -> (N, C, H, W)
    with zeros off the maxima (see ``F.max_unpool2d``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input: Any, indices: Any, output_size: Any = None) -> Tensor:  # noqa: A002
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(Module):
    """Shared set-up of AvgPool2d / 3d (AvgPool1d has no ``divisor_override``) and the repr
    of all three."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, bool(ceil_mode)
        self.count_include_pad, self.divisor_override = bool(count_include_pad), divisor_override

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """Mean over k x k windows; x: (N, C, H, W) -> (N, C, OH, OW) (see ``F.avg_pool2d``)."""

    def forward(self, x: Any) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool3d(_AvgPoolNd):
    """``AvgPool3d(kernel_size, stride=None, padding=0, ceil_mode=False,
    count_include_pad=True, divisor_override=None)``: mean over (kd, kh, kw) windows;
    (N, C, D, H, W) -> (N, C, OD, OH, OW) (see ``F.avg_pool3d``)."""

    def forward(self, input: Any) -> Tensor:
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool2d(Module):
    """Mean over adaptive windows to a fixed output size; (N, C, H, W) -> (N, C, oh, ow)."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Any) -> Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"




class MaxPool1d(_MaxPoolNd):
    """``MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``: ``F.max_pool1d``; (N, C, L) -> (N, C, OL)."""

    def forward(self, x: Any) -> Any:
        return F.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class AvgPool1d(_AvgPoolNd):
    """``AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False,
    count_include_pad=True)``: ``F.avg_pool1d``; (N, C, L) -> (N, C, OL)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        single = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,)  # noqa: E731
        super().__init__(single(kernel_size), single(kernel_size if stride is None else stride),
                         single(padding), ceil_mode, count_include_pad)

    def forward(self, x: Any) -> Tensor:
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AdaptiveAvgPool1d(Module):
    """``AdaptiveAvgPool1d(output_size)``: ``F.adaptive_avg_pool1d``."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Any) -> Tensor:
        return F.adaptive_avg_pool1d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolNd(Module):
    """``AdaptiveMaxPool{1,2,3}d(output_size, return_indices=False)``: the max over
    PyTorch's adaptive windows (``F.adaptive_max_pool{1,2,3}d``); y, or (y, indices)."""

    _pool: Any = None  # the functional form, set per subclass

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Any) -> Any:  # noqa: A002
        return type(self)._pool(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max over adaptive windows; (N, C, L) -> (N, C, output_size) (``F.adaptive_max_pool1d``)."""

    _pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max over adaptive windows; (N, C, H, W) -> (N, C, oh, ow) (``F.adaptive_max_pool2d``)."""

    _pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max over adaptive windows; (N, C, D, H, W) -> (N, C, od, oh, ow)
    (``F.adaptive_max_pool3d``)."""

    _pool = staticmethod(F.adaptive_max_pool3d)


__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
           "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "MaxPool1d", "MaxPool2d",
           "MaxPool3d", "MaxUnpool2d"]
