"""PyTorch's ``torch.autograd.graph``: the abstract ``Node`` every ``grad_fn`` is an instance
of, ``increment_version``, and the saved-tensor hook context managers.

``Node`` is an abstract base class; the engine's node protocol (``engine.Node``, which every
recorded op implements) and the leaves' ``AccumulateGrad`` are registered with it, so
``isinstance(t.grad_fn, Node)`` holds as in PyTorch without the core importing this module.

``saved_tensors_hooks`` sets the pack/unpack pair that ``Function.apply`` and a node's
``saved_tensors`` call (``_saved.pack_saved`` / ``unpack_saved``). Not supported yet, and
saying so when used: ``register_multi_grad_hook`` (it needs the engine to say which backward
pass is running and which nodes it will reach; docs/engine.md, section 10).
``save_on_cpu`` is accepted and does nothing: every tensor already lives in CPU memory.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .. import engine
from ..grad_mode import _mode
from ..tensor import Tensor
from ..tensor_base import AccumulateGrad

__all__ = ["Node", "disable_saved_tensors_hooks", "increment_version",
           "register_multi_grad_hook", "save_on_cpu", "saved_tensors_hooks"]


class Node(abc.ABC):
    """A node of the backward graph (``t.grad_fn``, or a leaf's ``AccumulateGrad`` in
    ``next_functions``): ``name()``, ``next_functions``, ``metadata``, ``register_hook``."""

    @abc.abstractmethod
    def name(self) -> str:
        """The node's name, as PyTorch prints it ('MulBackward0')."""

    @property
    @abc.abstractmethod
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """Per input, (its node or None, 0)."""

    @property
    @abc.abstractmethod
    def metadata(self) -> dict[str, Any]:
        """Free-form facts attached to the node."""

    @abc.abstractmethod
    def register_hook(self, fn: Callable[..., Any]) -> Any:
        """Call ``fn`` with the gradient of the node's output."""


Node.register(engine.Node)
Node.register(AccumulateGrad)


def increment_version(tensor: Tensor | Iterable[Tensor]) -> None:
    """Mark ``tensor`` (or each of several) as changed in place, so a backward that needs a
    value saved before the change raises instead of using the changed one."""
    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._vc[0] += 1


_disabled: list[str | None] = [None]  # the error message while hooks are disabled


class saved_tensors_hooks:
    """Inside, every op that records a node calls ``pack_hook(t)`` on each Tensor whose
    values it saves for backward (an input, its output, or a value computed in forward as
    a new Tensor) and keeps what it returns; backward calls ``unpack_hook(packed)`` at each
    read and uses the Tensor it returns (PyTorch's ``torch.autograd.graph``). The innermost
    of nested blocks applies."""

    def __init__(self, pack_hook: Callable[[Tensor], Any],
                 unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook
        self._prev: list[Any] = []  # a stack: the same object may be re-entered

    def __enter__(self) -> None:
        if _disabled[0] is not None:
            raise RuntimeError(_disabled[0])
        self._prev.append(_mode.saved_hooks)
        _mode.saved_hooks = (self.pack_hook, self.unpack_hook)

    def __exit__(self, *exc: object) -> None:
        _mode.saved_hooks = self._prev.pop()


class save_on_cpu(saved_tensors_hooks):
    """Keep saved values in CPU memory: they already are, so no hooks are installed (the
    values are kept as they are); entering still checks that saved tensor hooks are not
    disabled."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)
        self.pin_memory, self.device_type = pin_memory, device_type

    def __enter__(self) -> None:
        if _disabled[0] is not None:
            raise RuntimeError(_disabled[0])

    def __exit__(self, *exc: object) -> None:
        return None


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str) -> Iterator[None]:
    """Inside, entering ``saved_tensors_hooks`` / ``save_on_cpu`` raises RuntimeError with
    ``error_message``."""
    before = _disabled[0]
    _disabled[0] = error_message
    try:
        yield
    finally:
        _disabled[0] = before


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable[..., Any], *,
                             mode: str = "all") -> Any:
    """PyTorch's hook on the gradients of several tensors: not supported yet (the engine
    does not say which backward pass runs or which nodes it will reach)."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    raise NotImplementedError(
        "register_multi_grad_hook is not supported by tinygrad_nn's engine yet; register a "
        "hook on each tensor (Tensor.register_hook) instead")
