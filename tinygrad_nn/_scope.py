"""Which composite call is running: a level of the scope every recorded op keeps.

``Module.__call__`` pushes a weak reference to the module onto ``grad_mode._mode.scope``
while it runs, and ``Function.apply`` records the scope on every node (``_scope``), so a
drawing can box a module's ops. ``@composite`` does the same for a function built from
several ops (a loss, softmax, layer_norm ...): its ops are drawn in one box labelled with
the function's name. Weak, so that a node never keeps a module alive: a module that keeps
its own output (``self.out = ...``) makes no reference cycle through the graph, and nodes
can stay off the cyclic GC's lists (``function._untrack``); ``function.scope_levels`` reads
the modules back. The scope tuples and ``Call`` levels leave those lists too (nothing in
them refers to anything): an unrolled loop of module calls adds no tracked object per step.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .function import gc_untrack
from .grad_mode import _mode

F = TypeVar("F", bound=Callable[..., Any])


class Call:
    """One call of a composite function: a level of the scope (one per call)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<call of {self.name}>"


def composite(fn: F) -> F:
    """Decorator: record the ops of each call of ``fn`` under a scope level ``Call(name)``.

    Costs one tuple per call, and nothing when grad mode is off (nothing is recorded).
    """
    name = fn.__name__

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if not _mode.enabled:
            return fn(*args, **kwargs)
        prev: Any = _mode.scope
        _mode.scope = gc_untrack((prev or ()) + (gc_untrack(Call(name)),))
        try:
            return fn(*args, **kwargs)
        finally:
            _mode.scope = prev

    return call  # type: ignore[return-value]


__all__ = ["Call", "composite"]
