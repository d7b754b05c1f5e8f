"""PyTorch's ``torch.nn.modules.sparse`` path: re-exports the classes defined in
``nn/sparse.py``."""

from ..sparse import Embedding, EmbeddingBag

__all__ = [
    "Embedding",
    "EmbeddingBag",
]
