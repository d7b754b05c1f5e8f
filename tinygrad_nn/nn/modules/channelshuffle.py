"""PyTorch's ``torch.nn.modules.channelshuffle`` path: re-exports the classes defined in
``nn/sampling.py``."""

from ..sampling import ChannelShuffle

__all__ = [
    "ChannelShuffle",
]
