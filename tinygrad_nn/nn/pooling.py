"""Pooling modules: MaxPool1d / 2d / 3d, MaxUnpool1d / 2d / 3d, AvgPool1d / 2d / 3d,
AdaptiveAvgPool1d / 2d / 3d, AdaptiveMaxPool1d / 2d / 3d, LPPool1d / 2d / 3d,
FractionalMaxPool2d / 3d (see tinygrad_nn.functional.conv, pool1d, pool3d, pool_adaptive,
pool_more and pool_fractional)."""

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

    def forward(self, input: Any) -> Any:
        """y, or (y, indices) with ``return_indices``."""
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """``MaxPool3d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``: max over (kd, kh, kw) windows; (N, C, D, H, W) -> (N, C, OD, OH, OW)
    (see ``F.max_pool3d``)."""

    def forward(self, input: Any) -> Any:
        """y, or (y, indices) with ``return_indices``."""
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


def _ntuple(v: Any, n: int) -> tuple[Any, ...]:
    """PyTorch's ``_single`` / ``_pair`` / ``_triple``: a sequence as a tuple, else n copies."""
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _MaxUnpoolNd(Module):
    """``MaxUnpool{1,2,3}d(kernel_size, stride=None, padding=0)``: the partial inverse of
    MaxPool: x (N, C, *s) and its indices -> (N, C, *S) with zeros off the maxima
    (``F.max_unpool{1,2,3}d``); arguments stored as tuples, as PyTorch."""

    _nd = 2
    _unpool: Any = None  # the functional form, set per subclass

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, self._nd)
        self.stride = _ntuple(kernel_size if stride is None else stride, self._nd)
        self.padding = _ntuple(padding, self._nd)

    def forward(self, input: Any, indices: Any, output_size: Any = None) -> Tensor:  # noqa: A002
        return type(self)._unpool(input, indices, self.kernel_size, self.stride, self.padding,
                                  output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d: (N, C, l) and its indices -> (N, C, L)
    (``F.max_unpool1d``)."""

    _nd = 1
    _unpool = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d: x (N, C, h, w) and its indices -> (N, C, H, W)
    with zeros off the maxima (see ``F.max_unpool2d``)."""

    _nd = 2
    _unpool = staticmethod(F.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d: (N, C, d, h, w) and its indices -> (N, C, D, H, W)
    (``F.max_unpool3d``)."""

    _nd = 3
    _unpool = staticmethod(F.max_unpool3d)


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

    def forward(self, input: Any) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool3d(_AvgPoolNd):
    """``AvgPool3d(kernel_size, stride=None, padding=0, ceil_mode=False,
    count_include_pad=True, divisor_override=None)``: mean over (kd, kh, kw) windows;
    (N, C, D, H, W) -> (N, C, OD, OH, OW) (see ``F.avg_pool3d``)."""

    def forward(self, input: Any) -> Tensor:
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class MaxPool1d(_MaxPoolNd):
    """``MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
    ceil_mode=False)``: ``F.max_pool1d``; (N, C, L) -> (N, C, OL)."""

    def forward(self, input: Any) -> Any:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class AvgPool1d(_AvgPoolNd):
    """``AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False,
    count_include_pad=True)``: ``F.avg_pool1d``; (N, C, L) -> (N, C, OL)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        single = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,)  # noqa: E731
        super().__init__(single(kernel_size), single(kernel_size if stride is None else stride),
                         single(padding), ceil_mode, count_include_pad)

    def forward(self, input: Any) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class _AdaptiveAvgPoolNd(Module):
    """``AdaptiveAvgPool{1,2,3}d(output_size)``: the mean over PyTorch's adaptive windows
    (``F.adaptive_avg_pool{1,2,3}d``); ``output_size`` may hold ``None`` (keep that size)."""

    _pool: Any = None  # the functional form, set per subclass

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Any) -> Tensor:  # noqa: A002
        return type(self)._pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Mean over adaptive windows; (N, C, L) -> (N, C, output_size)."""

    _pool = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Mean over adaptive windows to a fixed output size; (N, C, H, W) -> (N, C, oh, ow)."""

    _pool = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Mean over adaptive windows; (N, C, D, H, W) -> (N, C, od, oh, ow)."""

    _pool = staticmethod(F.adaptive_avg_pool3d)


class _LPPoolNd(Module):
    """``LPPool{1,2,3}d(norm_type, kernel_size, stride=None, ceil_mode=False)``: the p-norm
    of each window, (sum x^p)^(1/p) (``F.lp_pool{1,2,3}d``)."""

    _pool: Any = None  # the functional form, set per subclass

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Any) -> Tensor:  # noqa: A002
        return type(self)._pool(input, float(self.norm_type), self.kernel_size, self.stride,
                                self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling; (N, C, L) -> (N, C, OL) (``F.lp_pool1d``)."""

    _pool = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling; (N, C, H, W) -> (N, C, OH, OW) (``F.lp_pool2d``)."""

    _pool = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling; (N, C, D, H, W) -> (N, C, OD, OH, OW) (``F.lp_pool3d``)."""

    _pool = staticmethod(F.lp_pool3d)


class _FractionalMaxPoolNd(Module):
    """``FractionalMaxPool{2,3}d(kernel_size, output_size=None, output_ratio=None,
    return_indices=False, _random_samples=None)``: max pooling at pseudo-random fractional
    strides (``F.fractional_max_pool{2,3}d``); the samples are a buffer (None: new ones
    each call)."""

    _nd = 2
    _pool: Any = None  # the functional form, set per subclass

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        if self._nd == 3 and min(_ntuple(kernel_size, 3)) <= 0:
            raise ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _ntuple(kernel_size, self._nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else _ntuple(output_size, self._nd)
        self.output_ratio = None if output_ratio is None else _ntuple(output_ratio, self._nd)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a "
                             "pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{name}: only one of output_size and output_ratio may be "
                             f"specified (got {output_size!r} and {output_ratio!r})")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must be between 0 and 1 (got "
                             f"{output_ratio})")

    def forward(self, input: Any) -> Any:  # noqa: A002
        return type(self)._pool(input, self.kernel_size, self.output_size, self.output_ratio,
                                self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling; (N, C, H, W) -> (N, C, oh, ow) (``F.fractional_max_pool2d``)."""

    _nd = 2
    _pool = staticmethod(F.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling; (N, C, T, H, W) -> (N, C, ot, oh, ow)
    (``F.fractional_max_pool3d``)."""

    _nd = 3
    _pool = staticmethod(F.fractional_max_pool3d)


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


__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "FractionalMaxPool2d", "FractionalMaxPool3d", "LPPool1d", "LPPool2d", "LPPool3d",
           "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]
