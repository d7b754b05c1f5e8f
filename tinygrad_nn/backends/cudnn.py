"""``torch.backends.cudnn``: the attributes programs set (``deterministic``, ``benchmark``);
they change nothing here, as on PyTorch's CPU builds."""

from __future__ import annotations

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available() -> bool:
    """False: there is no cuDNN."""
    return False


def version() -> None:
    """None: no cuDNN is linked (PyTorch's CPU builds answer the same)."""
    return None


__all__ = ["allow_tf32", "benchmark", "deterministic", "enabled", "is_available", "version"]
