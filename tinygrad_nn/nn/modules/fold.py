"""PyTorch's ``torch.nn.modules.fold`` path: re-exports the classes defined in ``nn/fold.py``."""

from ..fold import Fold, Unfold

__all__ = [
    "Fold",
    "Unfold",
]
