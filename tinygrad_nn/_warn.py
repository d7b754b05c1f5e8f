"""Where a warning of the library points: at the user's line, as PyTorch's warnings do.

``warnings.warn(msg, Category, stacklevel=user_stacklevel())`` names the first frame outside
the ``tinygrad_nn`` package, however deep inside it the warning is raised (a module's
``forward`` called through ``Module.__call__``, a function form calling a method ...).
"""

from __future__ import annotations

import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_stacklevel() -> int:
    """The ``stacklevel`` for a ``warnings.warn`` made by the caller of this function that
    points at the first frame outside the package (the caller itself is level 1)."""
    level = 1
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


_warned: set[str] = set()


def warn_once(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn once per process (PyTorch's ``TORCH_WARN_ONCE``), at the user's line."""
    if message in _warned:
        return
    _warned.add(message)
    warnings.warn(message, category, stacklevel=user_stacklevel())
