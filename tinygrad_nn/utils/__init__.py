"""PyTorch's ``torch.utils`` path: ``tinygrad_nn.utils.data`` is ``tinygrad_nn.data``;
``tinygrad_nn.utils.checkpoint`` is activation checkpointing (without the memory saving)."""

from __future__ import annotations

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
