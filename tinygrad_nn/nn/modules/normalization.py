"""PyTorch's ``torch.nn.modules.normalization`` path: re-exports the classes defined in
``nn/norm.py``, ``nn/cross_map_lrn.py``."""

from ..cross_map_lrn import CrossMapLRN2d
from ..norm import GroupNorm, LayerNorm, LocalResponseNorm, RMSNorm

__all__ = [
    "CrossMapLRN2d",
    "GroupNorm",
    "LayerNorm",
    "LocalResponseNorm",
    "RMSNorm",
]
