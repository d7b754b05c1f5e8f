"""PyTorch's ``torch.utils`` path: ``tinygrad_nn.utils.data`` is ``tinygrad_nn.data``."""

from __future__ import annotations

from . import data

__all__ = ["data"]
