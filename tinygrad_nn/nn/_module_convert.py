"""Module's bulk conversions, PyTorch's names (a base class of ``Module``): dtype casts,
devices (only the CPU exists: the others raise), ``to_empty``, ``_apply``, ``compile``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor, require_cpu
from . import _state


class ModuleConvert:
    """Casts and device moves of every parameter and buffer of a Module's tree."""

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """Cast floating parameters (in place: same objects) and buffers (replaced, as in
        PyTorch) through ``_apply`` (``to(float64)``); ``to('cpu')`` keeps them; any other
        device raises."""
        _state.to(self, *args, **kwargs)
        return self

    def float(self) -> Any:
        return self.to(np.float32)

    def double(self) -> Any:
        return self.to(np.float64)

    def half(self) -> Any:
        return self.to(np.float16)

    def bfloat16(self) -> Any:
        """PyTorch casts to bfloat16; there is no such dtype here (NumPy has none): a
        TypeError that names the alternatives."""
        raise TypeError("Module.bfloat16: there is no bfloat16 dtype in tinygrad_nn (NumPy has "
                        "none); use .half() (float16) or .float()")

    def to_empty(self, *, device: Any, recurse: bool = True) -> Any:
        """Give every parameter and buffer (of submodules too unless ``recurse=False``) new,
        uninitialised memory of the same shape and dtype on ``device`` (only the CPU here),
        as PyTorch's; values must be set afterwards (``reset_parameters``, a state_dict)."""
        require_cpu(device)
        me: Any = self  # a Module
        for m in me.modules() if recurse else [me]:
            for t in [*m._parameters.values(), *m._buffers.values()]:
                if t is None:
                    continue
                t._data = np.empty_like(t._data)
                t._bump_version()
                if t.grad is not None:
                    t.grad = Tensor._new(np.empty_like(t.grad._data))
        return self

    def type(self, dst_type: Any) -> Any:
        """Cast floating parameters and buffers to ``dst_type`` (as ``to(dtype)``)."""
        return self.to(dst_type)

    def cpu(self) -> Any:
        return self

    def cuda(self, device: Any = None) -> Any:
        """Raises the library's clear error: there is no GPU backend."""
        return self._device("cuda", device)

    def xpu(self, device: Any = None) -> Any:
        """Raises as ``cuda()``: there is no XPU backend."""
        return self._device("xpu", device)

    def ipu(self, device: Any = None) -> Any:
        """Raises as ``cuda()``: there is no IPU backend."""
        return self._device("ipu", device)

    def mtia(self, device: Any = None) -> Any:
        """Raises as ``cuda()``: there is no MTIA backend."""
        return self._device("mtia", device)

    def _device(self, kind: str, device: Any) -> Any:
        return self.to(kind if device is None else f"{kind}:{getattr(device, 'index', device)}")

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Any:
        """Map every parameter and buffer through ``fn`` (submodules first unless
        ``recurse=False``; a submodule's own ``_apply`` override is called), as PyTorch: a
        parameter keeps its identity and takes ``fn(p)``'s data (its grad ``fn(grad)``'s), a
        buffer is replaced by ``fn(buffer)``; ``fn`` runs without grad recording."""
        todo: list[tuple[Any, bool]] = []  # (module, call its own _apply?)
        stack: list[tuple[Any, bool]] = [(self, False)]
        while recurse and stack:
            m, done = stack.pop()
            if done or m is not self and type(m)._apply is not ModuleConvert._apply:
                todo.append((m, not done))
                continue
            stack.append((m, True))
            stack.extend((c, False) for c in reversed(list(m.children())))
        for m, call in todo or [(self, False)]:
            if call:
                m._apply(fn)
                continue
            with no_grad():
                for p in m._parameters.values():
                    if p is not None:
                        _set_data(p, fn(p))
                        if p.grad is not None:
                            _set_data(p.grad, fn(p.grad))
                for k, b in m._buffers.items():
                    if b is not None:
                        m._buffers[k] = fn(b)
        return self

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """PyTorch compiles the module's forward in place (``torch.compile``'s arguments);
        there is no compiler here: nothing is compiled, the module keeps running eagerly, and
        the arguments are accepted and ignored. Returns None, as PyTorch's."""
        return None

    def share_memory(self) -> Any:
        """Nothing to do: worker processes get the arrays by fork or pickle."""
        return self


def _set_data(t: Tensor, new: Tensor) -> None:
    """``t.data = new`` (``_apply``): ``t`` keeps its identity and takes ``new``'s array."""
    t._data = new._data
    t._bump_version()
