"""``torch.backends.mps``: Apple's GPU backend, absent here."""

from __future__ import annotations


def is_available() -> bool:
    """False: there is no MPS backend."""
    return False


def is_built() -> bool:
    """False: the library is not built with MPS."""
    return False


__all__ = ["is_available", "is_built"]
