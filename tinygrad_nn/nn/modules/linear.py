"""PyTorch's ``torch.nn.modules.linear`` path: re-exports the classes defined in
``nn/linear.py``, ``nn/lazy.py``."""

from ..lazy import LazyLinear
from ..linear import Bilinear, Identity, Linear

__all__ = [
    "Bilinear",
    "Identity",
    "LazyLinear",
    "Linear",
]
