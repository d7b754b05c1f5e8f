"""``torch.cuda``'s availability questions, answered for a CPU-only library, and
``torch.cuda.amp`` (the deprecated GradScaler / autocast spellings, which disable themselves)."""

from __future__ import annotations

import sys

from . import _cuda_amp as amp

sys.modules[__name__ + ".amp"] = amp  # ``from torch.cuda.amp import GradScaler``


def is_available() -> bool:
    """False: tinygrad_nn has no GPU backend."""
    return False


def device_count() -> int:
    """0: no GPU devices."""
    return 0


def manual_seed(seed: int) -> None:
    """Accepted and ignored (there is no CUDA generator), as on PyTorch's CPU builds."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored, as ``manual_seed``."""


__all__ = ["amp", "device_count", "is_available", "manual_seed", "manual_seed_all"]
