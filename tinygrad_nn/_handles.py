"""PyTorch's ``RemovableHandle``: what registering a hook returns (``torch.utils.hooks``).

Pure bookkeeping, below the engine: tensors, graph nodes and modules all return one.
"""

from __future__ import annotations

from typing import Any


class RemovableHandle:
    """A registered hook: ``remove()`` takes it off; ``with handle:`` removes it on exit.

    ``hooks_dict`` holds the hook under ``handle.id`` (PyTorch's form; ``extra_dict``: more
    dicts, or one, to clear the same key from). The engine keeps a node's or a tensor's
    hooks in a list instead: ``RemovableHandle.of_list(hooks, hook)``."""

    next_id: int = 0

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        extra = () if extra_dict is None else (
            tuple(extra_dict) if isinstance(extra_dict, (list, tuple)) else (extra_dict,))
        self._dicts = (hooks_dict, *extra)
        self._list: list[Any] | None = None
        self._hook: Any = None

    @classmethod
    def of_list(cls, hooks: list[Any], hook: Any) -> RemovableHandle:
        """The handle of ``hook`` in the list ``hooks`` (removed by identity)."""
        h = cls({})
        h._list, h._hook = hooks, hook
        return h

    def remove(self) -> None:
        """Unregister the hook (again: nothing happens)."""
        if self._list is not None:
            if any(x is self._hook for x in self._list):
                self._list.remove(self._hook)
            return
        for d in self._dicts:
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<RemovableHandle id={self.id}>"
