"""Normalisation as composites (the engine derives backward): batch_norm, instance_norm,
group_norm, layer_norm, rms_norm and local_response_norm."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._scope import composite
from ..tensor import Tensor
from .basic import as_tensor
from .pad import pad_width


def _array(t: Any) -> np.ndarray:
    return t._data if isinstance(t, Tensor) else np.asarray(t)


def _update_running(stat: Any, batch: np.ndarray, momentum: float) -> None:
    """running = (1 - momentum) running + momentum batch, in place (no graph)."""
    arr = _array(stat)
    arr *= 1.0 - momentum
    arr += (momentum * batch).astype(arr.dtype, copy=False)
    if isinstance(stat, Tensor):
        stat._bump_version()


@composite
def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight + bias per channel; x: (N, C, *) -> same.

    Training uses the batch's mean and biased variance over every axis but 1, and (when
    given) updates ``running_mean`` / ``running_var`` in place with the unbiased variance:
    running = (1 - momentum) running + momentum batch. Otherwise the running statistics
    are used.
    """
    input = as_tensor(input)
    if input.ndim < 2:  # (PyTorch's errors: RuntimeError from the running-mean check, else
        # IndexError from reading dim 1)
        raise (RuntimeError if running_mean is not None else IndexError)(
            f"batch_norm: expected input of shape (N, C, *), got shape {tuple(input.shape)}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and _array(t).size != c:
            raise RuntimeError(f"batch_norm: input has {c} channels (shape "
                               f"{tuple(input.shape)}) but {name} has {_array(t).size} elements")
        if t is not None and name.startswith("running") and _array(t).ndim != 1:
            raise RuntimeError(f"batch_norm: {name} must be 1-D ({c},), got shape "
                               f"{tuple(_array(t).shape)}")
    shape = (1, c) + (1,) * (input.ndim - 2)
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        n = input._data.size // c if c else 0
        if n <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input shape {tuple(input.shape)}")
        mean = input.mean(axes, keepdims=True)
        d = input - mean
        var = (d * d).mean(axes, keepdims=True)
        if running_mean is not None:
            _update_running(running_mean, mean._data.reshape(c), momentum)
        if running_var is not None:
            # (sum / (n - 1) as PyTorch: var * n is the sum; one rounding fewer than
            # var * (n / (n - 1)), which put 6.0000005 where PyTorch keeps 6)
            _update_running(running_var, var._data.reshape(c) * n / (n - 1), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var must be defined in "
                               "evaluation mode (training=False)")
        d = input - _array(running_mean).astype(input.dtype, copy=False).reshape(shape)
        var = _array(running_var).astype(input.dtype, copy=False).reshape(shape)
    y = d * ((var + eps).rsqrt() if training else 1.0 / np.sqrt(var + eps))
    return _affine(y, weight, bias, shape)


def _trailing_axes(op: str, input: Tensor, normalized_shape: Any,
                   params: dict[str, Any]) -> tuple[int, ...]:
    """The axes of the trailing ``normalized_shape`` of input, checked with the params
    (PyTorch's exceptions: TypeError for a size that is not an int, else RuntimeError)."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in ns):
        raise TypeError(f"{op}: normalized_shape must be an int or a tuple of ints, got "
                        f"{normalized_shape!r}")
    k = len(ns)
    if k == 0 or input.ndim < k or input.shape[input.ndim - k:] != ns:
        raise RuntimeError(f"{op}: normalized_shape={ns} expects input of shape (*, "
                  f"{', '.join(map(str, ns))}), got {tuple(input.shape)}")
    for name, t in params.items():
        if t is not None and tuple(np.shape(_array(t))) != ns:
            raise RuntimeError(f"{op}: {name} must have shape {ns}, got {np.shape(_array(t))}")
    return tuple(range(input.ndim - k, input.ndim))


def _standardize(x: Tensor, axes: tuple[int, ...], eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps) over ``axes`` (biased variance)."""
    mean = x.mean(axes, keepdims=True)
    d = x - mean
    var = (d * d).sum(axes, keepdims=True) * (1.0 / math.prod(x.shape[a] for a in axes))
    return d * (var + eps).rsqrt()


def _affine(y: Tensor, weight: Any, bias: Any, shape: tuple[int, ...] | None = None) -> Tensor:
    """y * weight + bias, each reshaped to ``shape`` when given (per-channel parameters)."""
    if weight is not None:
        y = y * (weight if shape is None else as_tensor(weight).reshape(shape))
    if bias is not None:
        y = y + (bias if shape is None else as_tensor(bias).reshape(shape))
    return y


@composite
def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the trailing
    ``normalized_shape`` axes (biased var); x: (*, *normalized_shape) -> same."""
    input = as_tensor(input)
    axes = _trailing_axes("layer_norm", input, normalized_shape,
                          {"weight": weight, "bias": bias})
    return _affine(_standardize(input, axes, eps), weight, bias)


@composite
def rms_norm(input: Any, normalized_shape: Any, weight: Any = None,
             eps: float | None = None) -> Tensor:
    """y = x / sqrt(mean(x^2) + eps) * weight over the trailing ``normalized_shape`` axes;
    x: (*, *normalized_shape) -> same. ``eps=None`` is ``finfo(x.dtype).eps``, as in PyTorch."""
    input = as_tensor(input)
    axes = _trailing_axes("rms_norm", input, normalized_shape, {"weight": weight})
    if eps is None:
        eps = float(np.finfo(input.dtype if input.dtype.kind == "f" else np.float32).eps)
    y = input * ((input * input).mean(axes, keepdims=True) + eps).rsqrt()
    if weight is not None:
        weight = as_tensor(weight)
        # PyTorch keeps the input's dtype whatever the weight's
        y = y * (weight if weight.dtype == y.dtype else weight.to(y.dtype))
    return y


def _check_channels(op: str, input: Tensor, params: dict[str, Any]) -> int:
    """C, after checking each given per-channel tensor: C elements, and for weight and bias
    (PyTorch's CPU rule, instead of a silent promotion) the floating input's dtype."""
    c = input.shape[1]
    for name, t in params.items():
        if t is None:
            continue
        a = _array(t)
        if a.size != c:
            raise RuntimeError(f"{op}: input has {c} channels (shape {tuple(input.shape)}) but "
                               f"{name} "
                               f"has {a.size} elements")
        mixed = input.dtype.kind == "f" and a.dtype.kind == "f" and a.dtype != input.dtype
        if mixed and name in ("weight", "bias"):  # (running statistics may differ, as in torch)
            raise RuntimeError(f"{op}: mixed dtype: expected {name} to have the input's dtype "
                               f"{input.dtype}, got {a.dtype}")
    return c


@composite
def group_norm(input: Any, num_groups: int, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """y = (x - mean_g) / sqrt(var_g + eps) * weight + bias; x: (N, C, *) -> same.

    The channels are split into ``num_groups`` groups of C / num_groups; mean_g and the
    biased var_g are taken over each sample's group (its channels and all spatial axes);
    weight and bias (C,) are per channel.
    """
    input = as_tensor(input)
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: expected at least 2 dimensions (N, C, *) for input, "
                           f"got shape {tuple(input.shape)}")
    n, c = input.shape[:2]
    if num_groups < 1 or c % num_groups:
        raise RuntimeError(f"group_norm: expected the number of channels in input to be "
                           f"divisible by num_groups, but got input of shape "
                           f"{tuple(input.shape)} and "
                           f"num_groups={num_groups}")
    _check_channels("group_norm", input, {"weight": weight, "bias": bias})
    # PyTorch's check: the batch (N*C/G, G, *spatial) must hold more than one value per channel
    if n * (c // num_groups) * math.prod(input.shape[2:]) == 1:
        raise ValueError(f"group_norm: expected more than 1 value per channel when training, "
                         f"got input size {tuple(input.shape)}")
    groups = input.reshape(n, num_groups, -1)
    y = _standardize(groups, (2,), eps).reshape(input.shape)
    return _affine(y, weight, bias, (1, c) + (1,) * (input.ndim - 2))


@composite
def instance_norm(input: Any, running_mean: Any = None, running_var: Any = None,
                  weight: Any = None, bias: Any = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight + bias per sample and channel; x: (N, C, *).

    With ``use_input_stats`` mean and biased var are each (sample, channel)'s over the spatial
    axes, and given running statistics (C,) are updated in place with their average over the
    batch (the variance unbiased): running = (1 - momentum) running + momentum batch.
    Otherwise the running statistics normalise, as ``batch_norm`` in eval mode.
    """
    input = as_tensor(input)
    if input.ndim < 2:
        raise ValueError(f"instance_norm: expected input of shape (N, C, *), got shape "
                         f"{tuple(input.shape)}")
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("instance_norm: expected running_mean and running_var to be "
                               "defined when use_input_stats is false")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    c = _check_channels("instance_norm", input, {"running_mean": running_mean,
                                                 "running_var": running_var,
                                                 "weight": weight, "bias": bias})
    m = math.prod(input.shape[2:])
    if m == 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element when training, "
                         f"got input size {tuple(input.shape)}")
    axes = tuple(range(2, input.ndim))
    y = _standardize(input, axes, eps)
    if running_mean is not None or running_var is not None:
        x = input._data
        if running_mean is not None:
            _update_running(running_mean, x.mean(axes).mean(0).reshape(c), momentum)
        if running_var is not None:
            _update_running(running_var, x.var(axes, ddof=1).mean(0).reshape(c), momentum)
    return _affine(y, weight, bias, (1, c) + (1,) * (input.ndim - 2))


@composite
def local_response_norm(input: Any, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """y = x / (k + alpha / size * sum_{c' near c} x[:, c']^2) ** beta; x: (N, C, *) -> same.

    The sum runs over ``size`` neighbouring channels c - size//2 .. c + (size-1)//2 (zeros past
    the edges), as PyTorch's (an average over a zero-padded channel window).
    """
    input = as_tensor(input)
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: expected 3D or higher dimensionality input "
                         f"(N, C, *), got {input.ndim} dimensions (shape {tuple(input.shape)})")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"local_response_norm: size must be an int, got {size!r}")
    if size < 1:
        raise RuntimeError(f"local_response_norm: size must be positive, got {size}")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = pad_width(input * input, ((0, 0), (size // 2, (size - 1) // 2))
                   + ((0, 0),) * (input.ndim - 2))
    total = sq[:, 0:c]
    for i in range(1, size):  # one shifted slice per window offset (size is small: 2-5)
        total = total + sq[:, i:i + c]
    return input / (total * (alpha / size) + k) ** beta
