"""``torch.backends``: the flags PyTorch has on a CPU-only build (``cuda``, ``mps``,
``cudnn``, ``mkldnn``)."""

from __future__ import annotations

from . import cuda, cudnn, mkldnn, mps

__all__ = ["cuda", "cudnn", "mkldnn", "mps"]
