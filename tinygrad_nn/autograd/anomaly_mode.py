"""Anomaly mode (PyTorch's ``detect_anomaly`` / ``set_detect_anomaly``) over the engine's hook.

The check itself lives in the engine (``engine.set_anomaly_enabled(flag, check_nan)``): while
it is on, a backward that produces NaN raises ``RuntimeError`` naming the op and where it was
created. This module only gives it PyTorch's public shapes: a context manager that is also a
decorator, and a setter that can be used as a context manager.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

from .. import engine

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]

# mirrors the engine's state for engines without the hook (kept in step when it has one)
_state = {"enabled": False, "check_nan": True}


def _set(enabled: bool, check_nan: bool) -> None:
    _state["enabled"], _state["check_nan"] = bool(enabled), bool(check_nan)
    hook = getattr(engine, "set_anomaly_enabled", None)
    if hook is not None:
        hook(bool(enabled), check_nan=bool(check_nan))


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    query = getattr(engine, "is_anomaly_enabled", None)
    return bool(query()) if query is not None else _state["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    """True while anomaly detection also checks backward results for NaN."""
    return _state["enabled"] and _state["check_nan"]


class detect_anomaly(contextlib.ContextDecorator):
    """``with detect_anomaly():`` (or ``@detect_anomaly()``): a NaN from a backward raises.

    The ``RuntimeError`` names the op whose backward produced it and where that op was
    created. Slows every op down (it records a traceback): a debugging tool.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = bool(check_nan)
        self.prev: list[tuple[bool, bool]] = []
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and "
            "should only be enabled for debugging.",
            UserWarning,
            stacklevel=2,
        )

    def __enter__(self) -> None:
        self.prev.append((is_anomaly_enabled(), _state["check_nan"]))
        _set(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _set(*self.prev.pop())


class set_detect_anomaly:
    """``set_detect_anomaly(mode, check_nan=True)`` turns anomaly detection on or off now;
    used as ``with set_detect_anomaly(mode):`` the previous state returns on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (is_anomaly_enabled(), _state["check_nan"])
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _set(*self.prev)
