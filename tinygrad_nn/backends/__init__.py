"""``torch.backends``: the flags PyTorch has on a CPU-only build (``mps``, ``cudnn``)."""

from __future__ import annotations

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
