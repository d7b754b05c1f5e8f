"""Parameter (a leaf Tensor a Module registers), Buffer (a Tensor marked as a buffer), the one
helper layers make parameters with, and zeroing gradients (shared by ``Module.zero_grad``
and ``Optimizer.zero_grad``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..dtypes import as_dtype, get_default_dtype
from ..grad_mode import _mode
from ..tensor import Tensor, _to_array, require_cpu
from ..tensor_base import INFERENCE_REQUIRES_GRAD


class Parameter(Tensor):
    """A leaf Tensor that requires grad and that a Module registers as a parameter.

    ``Parameter(data=None, requires_grad=True)``: ``data`` is an array (its float dtype is
    kept), a Tensor (its array is shared) or a nested list (the default dtype).
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=np.float32)
        inference = getattr(data, "_inference", False)  # (a Tensor's array is shared)
        if requires_grad and inference and not _mode.inference:
            raise RuntimeError(INFERENCE_REQUIRES_GRAD)
        self._init(_to_array(data, None), requires_grad, None)
        if inference:
            self._inference = True

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` is True for any Tensor that ``Buffer(...)`` marked (PyTorch's
    ``_BufferMeta``): ``Buffer`` returns a plain Tensor, so the mark is what is checked."""

    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer and isinstance(instance, Tensor) and getattr(instance, "_is_buffer",
                                                                      False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """A Tensor marked as a module buffer: ``module.name = Buffer(t, persistent=True)``
    registers it as ``module.register_buffer(name, t, persistent)`` would (PyTorch >= 2.5).

    ``Buffer(data=None, *, persistent=True)`` returns ``data.detach()`` (a plain Tensor sharing
    ``data``'s array, with its ``requires_grad``), carrying ``persistent``: whether the buffer
    goes into ``state_dict``. ``data`` None is an empty tensor of the default dtype.
    """

    __slots__ = ()

    def __new__(cls, data: Any = None, *, persistent: bool = True) -> Any:
        if data is None:
            data = Tensor._new(np.empty(0, dtype=get_default_dtype()))
        if not isinstance(data, Tensor):  # PyTorch's data.detach() fails the same way
            raise AttributeError(f"Buffer: expected a Tensor as data, got "
                                 f"{type(data).__name__} (it has no attribute 'detach')")
        t: Any = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t


def new_param(shape: tuple[int, ...], dtype: Any = None, device: Any = None,
              fill: float = 0.0) -> Parameter:
    """A Parameter of ``shape`` filled with ``fill`` (the default dtype unless ``dtype``).

    The one place layers make their parameters; ``device`` may only be 'cpu' (anything
    else raises, as there is no other backend).
    """
    if device is not None:
        require_cpu(device)
    dt = get_default_dtype() if dtype is None else as_dtype(dtype)
    return Parameter(np.full(shape, fill, dtype=dt))


def zero_grads(params: Iterable[Tensor], set_to_none: bool = True) -> None:
    """``p.grad = None`` for each of ``params``, or fill the existing ``.grad`` with 0."""
    for p in params:
        g = p.grad
        if g is None:
            continue
        if set_to_none:
            p.grad = None
        elif g._ctx is not None or not g._data.flags.writeable:
            # a gradient built under create_graph is part of a graph (zeroing it in place
            # would corrupt that graph), and a read-only one cannot be written: new zeros.
            # (A leaf gradient is zeroed in place even if it requires grad: the version
            # bump makes any graph that saved it refuse to run backward.)
            p.grad = Tensor._new(np.zeros_like(g._data))
        else:
            g._data.fill(0)
            g._bump_version()


__all__ = ["Buffer", "Parameter", "new_param", "zero_grads"]
