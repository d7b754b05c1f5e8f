"""Test helpers for users' own ops: Hypothesis ``strategies`` and ``assert_grads_match``.

``strategies`` imports Hypothesis (a test-time dependency) on first access, so
``assert_grads_match`` works without it and ``import tinygrad_nn`` never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any

from .assertions import GradcheckError, assert_grads_match

__all__ = ["GradcheckError", "assert_grads_match", "strategies"]


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
