"""The per-parameter step counter, ``state['step']``, kept as PyTorch keeps it.

PyTorch's optimisers (Adam, AdamW, Adamax, NAdam, RAdam, ASGD, Adagrad, Adadelta, RMSprop,
Rprop) hold the count in a 0-d tensor of the "scalar dtype" (float32; float64 when the
default dtype is float64; float32 always for ``fused=True``), not requiring grad, which
each update increments in place (``step_t += 1``) and then reads once as a Python number
(``_get_value``: ``step_t.item()``) for the bias corrections, computed in double precision.
The same here: the count is changed in place on the tensor's array (no new tensor per
step), and float32's rounding stops it at 2**24 as it stops PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor


def scalar_dtype(fused: bool = False) -> type[np.floating[Any]]:
    """PyTorch's ``_get_scalar_dtype``: float32, or float64 under a float64 default dtype
    (never for ``fused``, whose kernels take a float32 step)."""
    if not fused and get_default_dtype() == np.float64:
        return np.float64
    return np.float32


def new_step(group: dict[str, Any], value: float = 0.0) -> Tensor:
    """A parameter's counter before its first update: ``tensor(0.)`` of the scalar dtype."""
    return Tensor._make(np.array(value, dtype=scalar_dtype(bool(group.get("fused")))), None)


def bump_step(state: dict[str, Any]) -> Any:
    """``state['step'] += 1`` in place, and the new count as a Python number (a float for a
    float counter, as PyTorch's ``.item()``). A number put in the state by user code becomes
    a 0-d float32/float64 tensor first, as PyTorch's ``__setstate__`` makes it."""
    step = state["step"]
    if not isinstance(step, Tensor):
        step = state["step"] = Tensor._make(np.array(float(step), dtype=scalar_dtype()), None)
    arr = step._data
    # (one rounding to the counter's dtype, as its own += 1; a NumPy ufunc on a 0-d array
    # costs several times this assignment)
    arr[()] = arr.item() + 1
    return arr.item()


def step_count(state: dict[str, Any]) -> Any:
    """The count in ``state`` as a Python number (None when there is none)."""
    step = state.get("step")
    return step._data.item() if isinstance(step, Tensor) else step


def spread_step(value: Tensor, states: list[dict[str, Any]]) -> None:
    """After one update of a whole group counted on ``value`` (the first parameter's counter,
    or a new one when the group had no state): every other parameter counts the step on its
    own counter, each a tensor of its own, as in PyTorch."""
    src = value._data
    count = src.item()
    for i, st in enumerate(states):
        own = st.get("step")
        if own is value:
            continue
        if own is None:
            st["step"] = value if i == 0 else Tensor._make(src.copy(), None)
        elif isinstance(own, Tensor) and own._data.dtype == src.dtype:
            own._data[()] = count  # (the same count before: the same count after)
        else:
            bump_step(st)


def load_step(value: Any, group: dict[str, Any], where: str) -> Tensor:
    """A checkpoint's step as PyTorch's ``load_state_dict`` leaves it: a Tensor keeps its
    dtype and shape (cast to float32 for a fused group), a number (an older checkpoint's int)
    becomes a counter of the scalar dtype. Copied: later steps do not write into the caller's
    state dict."""
    fused = bool(group.get("fused") or group.get("capturable"))
    if isinstance(value, Tensor):
        arr = value._data
        if arr.size != 1:
            raise ValueError(f"{where}: 'step' must hold one number, got a tensor of shape "
                             f"{tuple(arr.shape)}")
        arr = arr.astype(np.float32) if fused else arr.copy()
        return Tensor._make(arr, None)
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"{where}: 'step' must be one number, got {value!r}")
    return Tensor._make(np.array(float(arr.reshape(())), dtype=scalar_dtype(fused)), None)


__all__ = ["bump_step", "load_step", "new_step", "scalar_dtype", "spread_step", "step_count"]
