"""PyTorch's ``torch.nn.modules.dropout`` path: re-exports the classes defined in
``nn/dropout.py``."""

from ..dropout import Dropout, Dropout1d, Dropout2d, Dropout3d

__all__ = [
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
]
