"""Parameter initialisation (``tinygrad_nn.nn.init``), PyTorch's formulas and names.

Every function fills its tensor in place (no graph is recorded), draws from the
library generator (``tinygrad_nn.manual_seed`` makes it repeatable) or the ``Generator``
passed as ``generator=``, and returns the tensor. Fans follow PyTorch: for a weight
(out, in, *kernel), fan_in = in * prod(kernel) and fan_out = out * prod(kernel).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._warn import user_stacklevel
from ..tensor import Tensor
from ..tensor_random import draw_rng

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def _fill(tensor: Any, values: Any) -> Any:
    """Write ``values`` into the tensor's array in place (cast to its dtype); return it."""
    arr = tensor._data if isinstance(tensor, Tensor) else tensor
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"nn.init: expected a Tensor, got {type(tensor).__name__}")
    np.copyto(arr, values, casting="unsafe")
    if isinstance(tensor, Tensor):
        tensor._bump_version()
    return tensor


def _shape(tensor: Any) -> tuple[int, ...]:
    return tuple(tensor.shape)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended std gain for a nonlinearity: 1 (linear, conv, sigmoid: the int, as
    PyTorch's), 5/3 (tanh), sqrt(2) (relu), sqrt(2 / (1 + slope^2)) (leaky_relu), 3/4 (selu)."""
    if nonlinearity in _LINEAR:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; expected one of "
                     f"{(*_LINEAR, 'tanh', 'relu', 'leaky_relu', 'selu')}")


def _calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    """(fan_in, fan_out) = (in * receptive field, out * receptive field) of a weight
    of shape (out, in, *kernel); needs at least 2 dimensions."""
    shape = _shape(tensor)
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for a tensor with fewer than 2 "
                         f"dimensions (got shape {shape})")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


calculate_fan_in_and_fan_out = _calculate_fan_in_and_fan_out


def _calculate_correct_fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Any:
    """Fill with draws from U(a, b)."""
    return _fill(tensor, draw_rng(generator).uniform(a, b, _shape(tensor)))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Any:
    """Fill with draws from N(mean, std^2)."""
    return _fill(tensor, draw_rng(generator).normal(mean, std, _shape(tensor)))


def trunc_normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None) -> Any:
    """Fill with draws from N(mean, std^2) restricted to [a, b] (redrawn until inside)."""
    rng = draw_rng(generator)
    out = rng.normal(mean, std, _shape(tensor))
    bad = (out < a) | (out > b)
    while bad.any():
        out[bad] = rng.normal(mean, std, int(bad.sum()))
        bad = (out < a) | (out > b)
    return _fill(tensor, out)


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``."""
    return _fill(tensor, val)


def ones_(tensor: Any) -> Any:
    """Fill with 1."""
    return _fill(tensor, 1)


def zeros_(tensor: Any) -> Any:
    """Fill with 0."""
    return _fill(tensor, 0)


def eye_(tensor: Any) -> Any:
    """The identity matrix, for a 2-D (n, m) tensor."""
    shape = _shape(tensor)
    if len(shape) != 2:
        raise ValueError(f"eye_: expected a 2-D tensor, got shape {shape}")
    return _fill(tensor, np.eye(*shape))


def dirac_(tensor: Any, groups: int = 1) -> Any:
    """The Dirac delta: a conv weight (out, in, *kernel) that passes min(out / groups, in)
    channels of each group through unchanged (1 at the kernel's centre)."""
    shape = _shape(tensor)
    if len(shape) not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = shape[0] // groups
    out = np.zeros(shape)
    centre = tuple(k // 2 for k in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            out[(g * per_group + d, d, *centre)] = 1
    return _fill(tensor, out)


def sparse_(tensor: Any, sparsity: float, std: float = 0.01, generator: Any = None) -> Any:
    """A 2-D (rows, cols) matrix of N(0, std^2) draws with ceil(sparsity * rows) zeros at
    random rows of each column."""
    shape = _shape(tensor)
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = shape
    rng = draw_rng(generator)
    out = rng.normal(0.0, std, shape)
    zeros = math.ceil(sparsity * rows)
    for c in range(cols):
        out[rng.permutation(rows)[:zeros], c] = 0
    return _fill(tensor, out)


def xavier_uniform_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """Glorot: U(-a, a) with a = gain sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """Glorot: N(0, std^2) with std = gain sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor: Any, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None) -> Any:
    """He: U(-b, b) with b = gain(nonlinearity, a) sqrt(3 / fan); PyTorch's Linear and
    Conv weights use a=sqrt(5), i.e. b = 1 / sqrt(fan_in)."""
    if 0 in _shape(tensor):
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning,
                      stacklevel=user_stacklevel())
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Any, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None) -> Any:
    """He: N(0, std^2) with std = gain(nonlinearity, a) / sqrt(fan)."""
    if 0 in _shape(tensor):
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning,
                      stacklevel=user_stacklevel())
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


def orthogonal_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """A (semi-)orthogonal matrix (rows, prod(rest)) from the QR of a Gaussian, times gain."""
    shape = _shape(tensor)
    if len(shape) < 2:
        raise ValueError(f"orthogonal_: expected at least 2 dimensions, got shape {shape}")
    if 0 in shape:
        return tensor
    rows, cols = shape[0], math.prod(shape[1:])
    flat = draw_rng(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))  # makes the draw uniform over orthogonal matrices
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(shape))


def _deprecated(new: Callable[..., Any]) -> Callable[..., Any]:
    """PyTorch's old name (``orthogonal`` for ``orthogonal_`` ...): the same function behind
    its FutureWarning, so programs written against the old API run unchanged."""
    old = new.__name__[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)

    deprecated_init.__name__ = deprecated_init.__qualname__ = old
    deprecated_init.__doc__ = f"``{old}(...)``: deprecated, ``{new.__name__}(...)`` with a warning."
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)


__all__ = [
    "calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_", "kaiming_uniform_",
    "normal_", "ones_", "orthogonal_", "sparse_", "trunc_normal_", "uniform_", "xavier_normal_",
    "xavier_uniform_", "zeros_",
    # the deprecated names, as PyTorch lists them
    "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
]
