"""Convolution, pooling and padding layers with PyTorch's names, shapes and default init."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import functional as F
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import new_param


def _tuple(v: Any, n: int, name: str, layer: str) -> tuple[int, ...]:
    items = tuple(v) if isinstance(v, (tuple, list)) else (v,) * n
    if len(items) != n or not all(
        isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in items
    ):
        kind = "an int" if n == 1 else f"an int or a tuple of {n} ints"
        raise TypeError(f"{layer}: {name} must be {kind}, got {v!r}")
    return tuple(int(i) for i in items)


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _pad_pairs(padding: Any, kernel_size: tuple[int, ...],
               dilation: tuple[int, ...]) -> Any:
    """The layer's padding as ``F.pad``'s pairs, last dim first (PyTorch's
    ``_reversed_padding_repeated_twice``): a list for 'same' / 'valid' (the extra one of an
    odd total on the right), a tuple for ints."""
    if isinstance(padding, str):
        pairs = [0, 0] * len(kernel_size)
        if padding == "same":
            for i, (d, k) in enumerate(zip(reversed(dilation), reversed(kernel_size))):
                total = d * (k - 1)
                pairs[2 * i], pairs[2 * i + 1] = total // 2, total - total // 2
        return pairs
    return tuple(p for p in reversed(padding) for _ in range(2))


class _ConvNd(Module):
    """Shared set-up of Conv1d / 2d / 3d (and the transposed ones in conv_transpose.py):
    checks, parameters and PyTorch's default init."""

    _nd = 2
    _transposed = False  # weight (in_channels, out_channels / groups, *kernel_size)
    output_padding: tuple[int, ...] = ()  # set by the transposed layers

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
            raise ValueError(f"{name}: groups must be a positive int, got {groups!r}")
        for what, n in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"{name}: {what} must be a positive int, got {n!r}")
            if n % groups:
                raise ValueError(f"{name}: {what} ({n}) must be divisible by groups ({groups})")
        self.kernel_size = _tuple(kernel_size, nd, "kernel_size", name)
        self.stride = _tuple(stride, nd, "stride", name)
        self.dilation = _tuple(dilation, nd, "dilation", name)
        for what, v in (("kernel_size", self.kernel_size), ("stride", self.stride),
                        ("dilation", self.dilation)):
            if min(v) < 1:
                raise ValueError(f"{name}: {what} must be positive, got {v}")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'same', 'valid'}")
            if padding == "same" and max(self.stride) > 1:
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = _tuple(padding, nd, "padding", name)
            if min(self.padding) < 0:
                raise ValueError(f"{name}: padding must be >= 0, got {self.padding}")
        if padding_mode not in _PADDING_MODES:
            raise ValueError("padding_mode must be one of {'zeros', 'reflect', 'replicate', "
                             f"'circular'}}, but got padding_mode={padding_mode!r}")
        self._reversed_padding_repeated_twice = _pad_pairs(self.padding, self.kernel_size,
                                                           self.dilation)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.groups, self.padding_mode = int(groups), padding_mode
        c0, c1 = self.out_channels, self.in_channels
        if self._transposed:
            c0, c1 = c1, c0
        shape = (c0, c1 // self.groups, *self.kernel_size)
        self.weight = new_param(shape, dtype, device)
        if bias:
            self.bias = new_param((self.out_channels,), dtype, device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight ~ kaiming_uniform_(a=sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            if fan_in > 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        nd = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self._transposed and self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def forward(self, input: Any) -> Tensor:
        """The convolution of ``input`` with this layer's weight and bias."""
        return self._conv_forward(input, self.weight, self.bias)

    def _conv_forward(self, input: Any, weight: Any, bias: Any) -> Tensor:
        """The convolution with the given weight and bias (PyTorch's hook for subclasses that
        transform the weight). A non-'zeros' ``padding_mode`` pads with ``F.pad`` in that mode,
        then convolves without padding, as PyTorch does."""
        conv = (F.conv1d, F.conv2d, F.conv3d)[self._nd - 1]
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution y = xcorr(x, weight) + bias; (N, C_in, H, W) -> (N, C_out, OH, OW).

    Cross-correlation, as in PyTorch (see ``F.conv2d``). weight: (out_channels,
    in_channels / groups, kh, kw), bias: (out_channels,), both initialised like PyTorch's.
    ``padding`` is an int, a pair, 'valid' or 'same'; ``padding_mode`` is 'zeros' (default),
    'reflect', 'replicate' or 'circular' (``F.pad``'s modes).
    """


class Conv1d(_ConvNd):
    """1-D convolution y = xcorr(x, weight) + bias; (N, C_in, L) -> (N, C_out, OL).

    Cross-correlation, as in PyTorch (see ``F.conv1d``). weight: (out_channels,
    in_channels / groups, k), bias: (out_channels,), both initialised like PyTorch's.
    """

    _nd = 1


class Conv3d(_ConvNd):
    """3-D convolution y = xcorr(x, weight) + bias; (N, C_in, D, H, W) -> (N, C_out, OD, OH, OW).

    Cross-correlation, as in PyTorch (see ``F.conv3d``). weight: (out_channels,
    in_channels / groups, kd, kh, kw), bias: (out_channels,), both initialised like PyTorch's.
    """

    _nd = 3


__all__ = ["Conv1d", "Conv2d", "Conv3d"]
