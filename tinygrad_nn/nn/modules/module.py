"""PyTorch's ``torch.nn.modules.module`` path: re-exports the classes defined in
``nn/module.py``, ``nn/_state.py``."""

from .._state import _IncompatibleKeys, _WrappedHook
from ..module import Module

__all__ = [
    "Module",
    "_IncompatibleKeys",
    "_WrappedHook",
]
