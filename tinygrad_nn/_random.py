"""The library's one random generator: init, dropout and data shuffles all draw from it."""

from __future__ import annotations

from typing import Any

import numpy as np

# a fresh process starts from a non-deterministic seed, which ``initial_seed()`` reports
_seed = [int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))]
_rng = np.random.Generator(np.random.PCG64(_seed[0]))


def manual_seed(seed: int) -> Generator:
    """Reseed every random draw of the library (init, dropout, shuffles); returns the default
    ``Generator`` (``default_generator``, as PyTorch's ``torch.manual_seed``), so
    ``random_split(..., generator=torch.manual_seed(42))`` works.

    The generator is reseeded in place, so references taken earlier with ``get_rng()`` stay live.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    _rng.bit_generator.state = np.random.PCG64(int(seed)).state
    _seed[0] = int(seed)
    return default_generator


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


def _is_cpu(device: Any) -> bool:
    """True for the CPU given as "cpu", "cpu:0" or a device object of type cpu."""
    kind = getattr(device, "type", device)
    return isinstance(kind, str) and kind.split(":")[0] == "cpu"


class Generator:
    """A seeded random-number generator (``torch.Generator``) for ``DataLoader(generator=)``,
    ``random_split`` and the ``generator=`` of random functions: ``Generator().manual_seed(3)``
    gives the same draws every time."""

    def __init__(self, device: Any = "cpu") -> None:
        if not _is_cpu(device):
            raise RuntimeError(f"Generator: device {str(device)!r} is not available: "
                               "tinygrad_nn runs on the CPU only")
        self.manual_seed(67280421310721)  # PyTorch's default seed of a new Generator

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        self.manual_seed(int(np.random.default_rng().integers(2**63)))
        return self._seed


class _DefaultGenerator(Generator):
    """The library's global generator as a ``Generator`` (PyTorch's ``default_generator``):
    its methods are the module's ``manual_seed`` / ``initial_seed`` / ``seed``."""

    def __init__(self) -> None:  # (no seeding: it reads the global state)
        pass

    @property
    def _rng(self) -> np.random.Generator:  # type: ignore[override]
        return _rng

    def manual_seed(self, seed: int) -> Generator:
        return manual_seed(seed)

    def initial_seed(self) -> int:
        return initial_seed()

    def seed(self) -> int:
        return seed()

    def __repr__(self) -> str:
        return f"<tinygrad_nn default Generator (seed {_seed[0]})>"


default_generator = _DefaultGenerator()
