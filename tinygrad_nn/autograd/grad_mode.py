"""PyTorch's ``torch.autograd.grad_mode``: the grad-mode switches (the package's own:
``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``) and
``set_multithreading_enabled``.

The engine runs every backward pass on the calling thread, so the multithreading switch
changes no computation here: it is kept, with PyTorch's semantics (a plain call switches at
once; a ``with`` block or a decorated function restores the previous mode), for programs
that set it and read it back with ``is_multithreading_enabled()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._torch_functions import inference_mode, set_grad_enabled
from ..grad_mode import enable_grad, no_grad

_multithreading = [True]  # (PyTorch's default: on)


def is_multithreading_enabled() -> bool:
    """Whether backward may use several threads (always run on one here; see the module)."""
    return _multithreading[0]


class set_multithreading_enabled:  # noqa: N801 - PyTorch's name
    """Switch multithreaded backward on or off: at once when called, and back to the
    previous mode when a ``with`` block or a decorated call ends."""

    def __init__(self, mode: bool) -> None:
        self.prev = _multithreading[0]
        self.mode = bool(mode)
        _multithreading[0] = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _multithreading[0] = self.prev

    def clone(self) -> set_multithreading_enabled:
        return type(self)(self.mode)

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return fn(*args, **kwargs)

        return call


__all__ = ["enable_grad", "inference_mode", "is_multithreading_enabled", "no_grad",
           "set_grad_enabled", "set_multithreading_enabled"]
