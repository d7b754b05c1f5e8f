"""Gradient clipping and parameter/vector conversion (``tinygrad_nn.nn.utils``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import functional as F
from ..grad_mode import no_grad
from ..tensor import Tensor


def _params(parameters: Any) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"expected an iterable of Tensors, item {i} is {type(p).__name__}")
    return params


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale the gradients in place so their joint norm ||(g_1, ..., g_k)||_p is at most
    ``max_norm``; returns the norm before clipping (a 0-d Tensor).

    As in PyTorch, every gradient is multiplied by min(1, max_norm / (norm + 1e-6)).
    """
    grads = [p.grad for p in _params(parameters) if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return Tensor(np.array(0.0, dtype=np.float32))
    dtype = np.result_type(*[g.dtype for g in grads])
    if math.isinf(norm_type):
        total = max(float(np.abs(g._data).max(initial=0.0)) for g in grads)
    elif norm_type == 2.0:  # one BLAS dot per gradient (the common case, on the hot path)
        per = [float(np.dot(g._data.ravel(), g._data.ravel())) for g in grads]
        total = math.sqrt(sum(per))
    else:
        per = [np.sum(np.abs(g._data.astype(np.float64)) ** norm_type) for g in grads]
        total = float(np.sum(per)) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           f"gradients is non-finite ({total}), so it cannot be clipped; "
                           "pass error_if_nonfinite=False to scale anyway")
    coef = max_norm / (total + 1e-6)
    if not coef >= 1:  # a NaN norm scales by NaN, as in PyTorch, instead of passing silently
        with no_grad():
            for g in grads:
                g.mul_(coef)
    return Tensor(np.array(total, dtype=dtype))


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _params(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Any) -> Tensor:
    """Concatenate the flattened parameters into one 1-D Tensor (differentiable)."""
    params = _params(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return F.concatenate([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Any, parameters: Any) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place."""
    arr = np.asarray(vec._data if isinstance(vec, Tensor) else vec)
    params = _params(parameters)
    need = sum(p._data.size for p in params)
    if arr.ndim != 1 or arr.size != need:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector of {need} elements "
                         f"(the parameters' total size), got shape {arr.shape}")
    start = 0
    for p in params:
        n = p._data.size
        p._data[...] = arr[start:start + n].reshape(p.shape)
        p._bump_version()
        start += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]
