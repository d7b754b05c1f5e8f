"""Linear, Bilinear, Identity, Flatten and Unflatten (F.linear's module family)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import functional as F
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import new_param


def _weight_and_bias(m: Any, shape: tuple[int, ...], bias: bool, dtype: Any,
                     device: Any) -> None:
    """Register ``weight`` of ``shape`` and ``bias`` (shape[0],) or None, then initialise."""
    m.weight = new_param(shape, dtype, device)
    if bias:
        m.bias = new_param(shape[:1], dtype, device)
    else:
        m.register_parameter("bias", None)
    m.reset_parameters()


class Identity(Module):
    """y = x (arguments are accepted and ignored, like PyTorch's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:
        return input


class Linear(Module):
    """Affine map y = x @ weight.T + bias; x: (*, in_features) -> (*, out_features).

    weight (out, in) and bias (out,) start as U(-1/sqrt(in), 1/sqrt(in)), like PyTorch's.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        _weight_and_bias(self, (self.out_features, self.in_features), bias, dtype, device)

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None and self.in_features > 0:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Any) -> Tensor:
        shape = np.shape(input)
        if not shape or shape[-1] != self.in_features:
            raise RuntimeError(f"Linear(in_features={self.in_features}): expected input of shape "
                             f"(*, {self.in_features}), got {tuple(shape)}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Flatten(Module):
    """Merge axes start_dim..end_dim: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Any) -> Tensor:
        return F.as_tensor(input).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size``: (N, 12) -> (N, 3, 4)."""

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Any) -> Tensor:
        x = F.as_tensor(input)
        d = self.dim % x.ndim
        return x.reshape(x.shape[:d] + self.unflattened_size + x.shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Bilinear(Module):
    """y = x1^T W x2 + b per output: x1 (*, in1), x2 (*, in2) -> (*, out).

    weight (out, in1, in2) and bias (out,) start as U(-1/sqrt(in1), 1/sqrt(in1)), like
    PyTorch's.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = int(in1_features), int(in2_features)
        self.out_features = int(out_features)
        _weight_and_bias(self, (self.out_features, self.in1_features, self.in2_features), bias,
                         dtype, device)

    def reset_parameters(self) -> None:
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features="
                             f"{self.in1_features})")
        bound = 1 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Any, input2: Any) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
