"""Gradient clipping (PyTorch's ``torch.nn.utils.clip_grad``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...grad_mode import no_grad
from ...tensor import Tensor


def _params(parameters: Any) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"expected an iterable of Tensors, item {i} is {type(p).__name__}")
    return params


def get_total_norm(tensors: Any, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Any = None) -> Tensor:
    """The norm ||(t_1, ..., t_k)||_p of all elements of ``tensors`` together (a 0-d Tensor
    of their common dtype; 0 for none); p may be ``inf``."""
    arrays = [t._data for t in ([tensors] if isinstance(tensors, Tensor) else tensors)
              if t is not None]
    norm_type = float(norm_type)
    if not arrays:
        return Tensor._new(np.array(0.0, dtype=np.float32))
    dtype = np.result_type(*arrays)
    if math.isinf(norm_type):
        reduce = np.max if norm_type > 0 else np.min
        total = float(reduce([np.abs(a).max(initial=0.0) if norm_type > 0 else np.abs(a).min()
                              for a in arrays]))
    elif norm_type == 2.0:  # one BLAS dot per tensor (the common case, on the hot path)
        total = math.sqrt(sum(float(np.dot(a.ravel(), a.ravel())) for a in arrays))
    else:
        per = [np.sum(np.abs(a.astype(np.float64)) ** norm_type) for a in arrays]
        total = float(np.sum(per)) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    return Tensor._new(np.array(total, dtype=dtype))


def clip_grads_with_norm_(parameters: Any, max_norm: float, total_norm: Any,
                          foreach: Any = None) -> None:
    """Scale every gradient in place by min(1, max_norm / (total_norm + 1e-6)), with the
    norm already computed (``get_total_norm``), as PyTorch's."""
    coef = float(max_norm) / (float(total_norm) + 1e-6)
    if not coef >= 1:  # a NaN norm scales by NaN, as in PyTorch, instead of passing silently
        with no_grad():
            for p in _params(parameters):
                if p.grad is not None:
                    p.grad.mul_(coef)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale the gradients in place so their joint norm ||(g_1, ..., g_k)||_p is at most
    ``max_norm``; returns the norm before clipping (a 0-d Tensor).

    As in PyTorch, every gradient is multiplied by min(1, max_norm / (norm + 1e-6)).
    """
    params = _params(parameters)
    total = get_total_norm([p.grad for p in params], norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


clip_grad_norm = clip_grad_norm_  # PyTorch's deprecated spelling


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _params(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
           "get_total_norm"]
