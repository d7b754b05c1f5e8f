"""PyTorch's ``torch.nn.modules.distance`` path: re-exports the classes defined in
``nn/distance.py``."""

from ..distance import CosineSimilarity, PairwiseDistance

__all__ = [
    "CosineSimilarity",
    "PairwiseDistance",
]
