"""The library's one random generator: init, dropout and data shuffles all draw from it."""

from __future__ import annotations

import numpy as np

_state = {"rng": np.random.default_rng()}


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed every random draw of the library (init, dropout, shuffles); returns the generator."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    _state["rng"] = np.random.default_rng(int(seed))
    return _state["rng"]


def get_rng() -> np.random.Generator:
    """The generator behind every random draw of the library."""
    return _state["rng"]
