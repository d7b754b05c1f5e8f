"""PyTorch's ``torch.nn.modules.flatten`` path: re-exports the classes defined in
``nn/linear.py``."""

from ..linear import Flatten, Unflatten

__all__ = [
    "Flatten",
    "Unflatten",
]
