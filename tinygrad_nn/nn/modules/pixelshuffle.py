"""PyTorch's ``torch.nn.modules.pixelshuffle`` path: re-exports the classes defined in
``nn/sampling.py``."""

from ..sampling import PixelShuffle, PixelUnshuffle

__all__ = [
    "PixelShuffle",
    "PixelUnshuffle",
]
