"""PyTorch's ``torch.nn.modules.normalization`` path: re-exports the classes defined in
``nn/norm.py``."""

from ..norm import GroupNorm, LayerNorm, LocalResponseNorm, RMSNorm

__all__ = [
    "GroupNorm",
    "LayerNorm",
    "LocalResponseNorm",
    "RMSNorm",
]
