"""Padding layers (PyTorch's ``torch.nn.modules.padding``): each calls ``F.pad``.

``padding`` is an int (the same on every side) or a tuple (left, right, top, bottom,
front, back), last dim first, as in ``F.pad``; negative values crop.
"""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .module import Module


def _padding(padding: Any, nd: int) -> tuple[int, ...]:
    """An int -> the same on all 2 * nd sides; a sequence is kept as given (F.pad checks it)."""
    if isinstance(padding, (tuple, list)):
        return tuple(padding)
    return (padding,) * (2 * nd)


class _PadNd(Module):
    """A padding layer: mode and rank are set by each subclass."""

    _mode = "constant"
    _nd = 1

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _padding(padding, self._nd)

    def forward(self, input: Any) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Any) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``: (*, W) -> (*, W + left + right)."""


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value``: (*, H, W) -> (*, H + top + bottom, W + left + right)."""

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value``: (*, D, H, W) -> (*, D + front + back, ...)."""

    _nd = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros: (*, W) -> (*, W + left + right)."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last 2 dims with zeros: (*, H, W) -> (*, H + top + bottom, W + left + right)."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    extra_repr = ZeroPad1d.extra_repr


class ZeroPad3d(ConstantPad3d):
    """Pad the last 3 dims with zeros: (*, D, H, W) -> (*, D + front + back, ...)."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    extra_repr = ZeroPad1d.extra_repr


class ReflectionPad1d(_PadNd):
    """Mirror the last dim at its ends (edge not repeated): (C, W) or (N, C, W)."""

    _mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirror the last 2 dims at their ends: (C, H, W) or (N, C, H, W)."""

    _nd = 2


class ReflectionPad3d(ReflectionPad1d):
    """Mirror the last 3 dims at their ends: (C, D, H, W) or (N, C, D, H, W)."""

    _nd = 3


class ReplicationPad1d(_PadNd):
    """Repeat the edge values of the last dim: (C, W) or (N, C, W)."""

    _mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Repeat the edge values of the last 2 dims: (C, H, W) or (N, C, H, W)."""

    _nd = 2


class ReplicationPad3d(ReplicationPad1d):
    """Repeat the edge values of the last 3 dims: (C, D, H, W) or (N, C, D, H, W)."""

    _nd = 3


class CircularPad1d(_PadNd):
    """Wrap the last dim around (periodic): (C, W) or (N, C, W)."""

    _mode = "circular"

    def forward(self, input: Any) -> Tensor:
        x = F.as_tensor(input)
        if x.ndim not in (self._nd + 1, self._nd + 2):
            raise ValueError(f"expected {self._nd + 1}D or {self._nd + 2}D input (got "
                             f"{x.ndim}D input)")
        return F.pad(x, self.padding, "circular")


class CircularPad2d(CircularPad1d):
    """Wrap the last 2 dims around (periodic): (C, H, W) or (N, C, H, W)."""

    _nd = 2


class CircularPad3d(CircularPad1d):
    """Wrap the last 3 dims around (periodic): (C, D, H, W) or (N, C, D, H, W)."""

    _nd = 3


__all__ = [
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
    "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
    "ZeroPad3d",
]
