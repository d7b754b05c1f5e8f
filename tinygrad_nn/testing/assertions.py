"""Assertions for users' gradient tests (no Hypothesis needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..gradcheck import GradcheckError, gradcheck

__all__ = ["GradcheckError", "assert_grads_match"]


def assert_grads_match(
    fn: Callable[..., Any],
    *arrays: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Assert ∂fn/∂x_i == (fn(x_i + eps) - fn(x_i - eps)) / (2 eps) for every input x_i.

    Parameters
    ----------
    fn : callable
        Maps Tensors (one per array, in order) to a scalar Tensor.
    *arrays : array_like or Tensor
        Floating-point arrays (or Tensors) become float64 Tensors that require grad and
        are all checked, entry by entry; integer and bool arrays are passed as constant
        Tensors (indices, masks). The caller's arrays are never modified.
    eps, atol, rtol : float
        As in ``tinygrad_nn.gradcheck``: an entry passes when
        ``|analytic - numeric| <= atol + rtol * |numeric|``.

    Raises
    ------
    GradcheckError
        (an ``AssertionError``) naming the input, the worst element's index, the analytic
        and numeric values.
    ValueError
        If ``fn`` does not return a scalar floating-point Tensor.
    """
    from ..tensor import Tensor  # lazy, like every leaf module

    if not arrays:
        raise ValueError("assert_grads_match: pass at least one array to differentiate")
    inputs = []
    for a in arrays:
        x = np.asarray(a._data if isinstance(a, Tensor) else a)
        name = a.name if isinstance(a, Tensor) else None
        if x.dtype.kind == "f":
            inputs.append(Tensor._new(x.astype(np.float64), requires_grad=True, name=name))
        elif x.dtype.kind in "iub":
            inputs.append(Tensor._new(x.copy(), name=name))
        else:
            raise TypeError(f"assert_grads_match: unsupported array dtype {x.dtype}")
    if not any(t.requires_grad for t in inputs):
        raise ValueError("assert_grads_match: no floating-point array to differentiate")
    out = fn(*inputs)
    if not isinstance(out, Tensor) or out._data.size != 1 or out._data.dtype.kind != "f":
        got = (f"a Tensor of shape {tuple(out.shape)} and dtype {out.dtype}"
               if isinstance(out, Tensor) else type(out).__name__)
        raise ValueError(f"assert_grads_match: fn must return a scalar float Tensor, got {got}")
    gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=True, mode="full")
