"""PyTorch's ``torch.nn.modules.upsampling`` path: re-exports the classes defined in
``nn/sampling.py``."""

from ..sampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = [
    "Upsample",
    "UpsamplingBilinear2d",
    "UpsamplingNearest2d",
]
