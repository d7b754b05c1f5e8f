"""Anomaly mode (PyTorch's ``detect_anomaly`` / ``set_detect_anomaly``) over the engine's hook.

The check itself lives in the engine (``grad_mode.set_anomaly_enabled(flag, check_nan)``): while
it is on, a backward that produces NaN raises ``RuntimeError`` naming the op and where it was
created. This module only gives it PyTorch's public shapes: a context manager that is also a
decorator, and a setter that can be used as a context manager.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

from .. import grad_mode
from .._warn import user_stacklevel

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]

def _state() -> tuple[bool, bool, bool]:
    """The engine's anomaly settings (on, check_nan, check_forward), to restore later."""
    m = grad_mode._mode
    return m.anomaly, m.check_nan, m.check_forward


def _set(enabled: bool, check_nan: bool, check_forward: bool = False) -> None:
    grad_mode.set_anomaly_enabled(bool(enabled), bool(check_nan), bool(check_forward))


is_anomaly_enabled = grad_mode.is_anomaly_enabled


def is_anomaly_check_nan_enabled() -> bool:
    """True while anomaly detection also checks backward results for NaN."""
    enabled, check_nan, _ = _state()
    return enabled and check_nan


class detect_anomaly(contextlib.ContextDecorator):
    """``with detect_anomaly():`` (or ``@detect_anomaly()``): a NaN from a backward raises.

    The ``RuntimeError`` names the op whose backward produced it and where that op was
    created. Slows every op down (it records a traceback): a debugging tool.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = bool(check_nan)
        self.prev: list[tuple[bool, bool, bool]] = []
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and "
            "should only be enabled for debugging.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )

    def __enter__(self) -> None:
        self.prev.append(_state())
        _set(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _set(*self.prev.pop())


class set_detect_anomaly:
    """``set_detect_anomaly(mode, check_nan=True)`` turns anomaly detection on or off now;
    used as ``with set_detect_anomaly(mode):`` the previous state returns on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _state()
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _set(*self.prev)
