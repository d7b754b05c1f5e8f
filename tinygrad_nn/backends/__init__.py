"""``torch.backends``: the flags PyTorch has on a CPU-only build (``mps``, ``cudnn``,
``mkldnn``)."""

from __future__ import annotations

from . import cudnn, mkldnn, mps

__all__ = ["cudnn", "mkldnn", "mps"]
