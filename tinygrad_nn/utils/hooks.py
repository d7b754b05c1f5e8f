"""PyTorch's ``torch.utils.hooks``: ``RemovableHandle``, what registering a hook returns."""

from __future__ import annotations

from .._handles import RemovableHandle

__all__ = ["RemovableHandle"]
