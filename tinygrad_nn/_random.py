"""The library's one random generator: init, dropout and data shuffles all draw from it."""

from __future__ import annotations

from typing import Any

import numpy as np

# a fresh process starts from a non-deterministic seed, which ``initial_seed()`` reports
_seed = [int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))]
_rng = np.random.Generator(np.random.PCG64(_seed[0]))


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed every random draw of the library (init, dropout, shuffles); returns the generator.

    The generator is reseeded in place, so references taken earlier with ``get_rng()`` stay live.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    _rng.bit_generator.state = np.random.PCG64(int(seed)).state
    _seed[0] = int(seed)
    return _rng


def initial_seed() -> int:
    """The seed the generator was last seeded with (``manual_seed`` or ``seed``)."""
    return _seed[0]


def seed() -> int:
    """Reseed the generator from the operating system's entropy; returns the new seed."""
    new = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))
    manual_seed(new)
    return new


def get_rng() -> np.random.Generator:
    """The generator behind every random draw of the library."""
    return _rng


def get_rng_state() -> dict[str, Any]:
    """A snapshot of the generator's state (a dict of ints and strings: checkpointable)."""
    return dict(_rng.bit_generator.state)


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore a state returned by ``get_rng_state`` (e.g. when resuming from a checkpoint)."""
    if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
        raise ValueError(
            "set_rng_state: expected a state dict from get_rng_state() (bit_generator 'PCG64'), "
            f"got {type(state).__name__}"
        )
    _rng.bit_generator.state = state
