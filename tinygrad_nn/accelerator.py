"""``torch.accelerator``: there is no accelerator, only the CPU."""

from __future__ import annotations


def is_available() -> bool:
    """False: tinygrad_nn runs on the CPU only."""
    return False


def device_count() -> int:
    """0: no accelerators."""
    return 0


def current_accelerator(check_available: bool = False) -> None:
    """None, as PyTorch answers when there is no accelerator."""
    return None


__all__ = ["current_accelerator", "device_count", "is_available"]
