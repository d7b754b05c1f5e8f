"""PyTorch's ``torch.autograd.graph``: the abstract ``Node`` every ``grad_fn`` is an instance
of, ``increment_version``, and the saved-tensor hook context managers.

``Node`` is an abstract base class; the engine's node protocol (``engine.Node``, which every
recorded op implements) and the leaves' ``AccumulateGrad`` are registered with it, so
``isinstance(t.grad_fn, Node)`` holds as in PyTorch without the core importing this module.

``saved_tensors_hooks`` sets the pack/unpack pair that ``Function.apply`` and a node's
``saved_tensors`` call (``_saved.pack_saved`` / ``unpack_saved``).
``register_multi_grad_hook`` (one call per backward pass, over tensor hooks) asks the engine
which pass is running and whether it will reach a tensor's node (``engine.current_pass``).
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
    """A hook on the gradients of several tensors, once per backward pass (PyTorch's).

    ``mode="all"``: ``fn(grads)`` once the pass has computed the gradient of every tensor
    it reaches, a sequence in the order of ``tensors`` with None for those it does not
    reach (not in the graph, or not needed for the ``inputs`` of ``grad()`` /
    ``backward(inputs=...)``). ``mode="any"``: ``fn(grad)`` with the first of their
    gradients the pass computes. ``fn`` must not change its arguments; its return value is
    ignored. Returns a handle whose ``remove()`` takes the hook off every tensor."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    if mode == "any":
        fired: set[int] = set()  # ids of the passes in which fn has run

        def first(grad: Any) -> None:
            current = _pass("register_multi_grad_hook")
            if current.id not in fired:
                fired.add(current.id)
                fn(grad)

        return _MultiHandle([t.register_hook(first) for t in tensors if t.requires_grad])

    for k, t in enumerate(tensors):
        if not t.requires_grad:  # (PyTorch's type: its gradient function is not set)
            raise AssertionError(f"register_multi_grad_hook: tensor {k} does not require grad "
                                 "(expected every tensor to have a gradient function)")
    nodes = [t._ctx if t._ctx is not None else t for t in tensors]
    pending: dict[int, list[Any]] = {}  # per pass id: [gradients so far, how many to come]

    def one(slot: int) -> Callable[[Any], None]:
        def hook(grad: Any) -> None:
            current = _pass("register_multi_grad_hook")
            state = pending.get(current.id)
            if state is None:
                state = pending[current.id] = [
                    [None] * len(nodes), sum(map(current.will_run, nodes))]
            state[0][slot] = grad
            state[1] -= 1
            if state[1] == 0:
                del pending[current.id]
                fn(state[0])
        return hook

    return _MultiHandle([t.register_hook(one(k)) for k, t in enumerate(tensors)])


def _pass(who: str) -> Any:
    current = engine.current_pass()
    if current is None:
        raise AssertionError(f"{who}: expected this hook to be called inside a backward call")
    return current


class _MultiHandle:
    """The handle of a multi-grad hook: ``remove()`` takes it off every tensor."""

    def __init__(self, handles: Sequence[Any]) -> None:
        self.handles = tuple(handles)

    def remove(self) -> None:
        for h in self.handles:
            h.remove()

    def __enter__(self) -> _MultiHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


