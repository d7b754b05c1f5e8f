"""Normalisation as composites: batch_norm and layer_norm (the engine derives backward)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._scope import composite
from ..tensor import Tensor
from .basic import as_tensor


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
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, *), got shape {input.shape}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and _array(t).size != c:
            raise ValueError(f"batch_norm: input has {c} channels (shape {input.shape}) but {name} "
                             f"has {_array(t).size} elements")
    shape = (1, c) + (1,) * (input.ndim - 2)
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        n = input._data.size // c if c else 0
        if n <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input shape {input.shape}")
        mean = input.mean(axes, keepdims=True)
        d = input - mean
        var = (d * d).mean(axes, keepdims=True)
        if running_mean is not None:
            _update_running(running_mean, mean._data.reshape(c), momentum)
        if running_var is not None:
            _update_running(running_var, var._data.reshape(c) * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when not "
                             "training")
        d = input - _array(running_mean).astype(input.dtype, copy=False).reshape(shape)
        var = _array(running_var).astype(input.dtype, copy=False).reshape(shape)
    y = d * ((var + eps).rsqrt() if training else 1.0 / np.sqrt(var + eps))
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


@composite
def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the trailing
    ``normalized_shape`` axes (biased var); x: (*, *normalized_shape) -> same."""
    input = as_tensor(input)
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(ns)
    if k == 0 or input.ndim < k or input.shape[input.ndim - k:] != ns:
        raise ValueError(f"layer_norm: normalized_shape={ns} expects input of shape (*, "
                         f"{', '.join(map(str, ns))}), got {input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(np.shape(_array(t))) != ns:
            raise ValueError(f"layer_norm: {name} must have shape {ns}, got {np.shape(_array(t))}")
    axes = tuple(range(input.ndim - k, input.ndim))
    mean = input.mean(axes, keepdims=True)
    d = input - mean
    var = (d * d).sum(axes, keepdims=True) * (1.0 / math.prod(ns))
    y = d * (var + eps).rsqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
