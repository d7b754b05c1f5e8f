"""PyTorch's ``torch.nn.modules.lazy`` path: re-exports the classes defined in ``nn/lazy.py``."""

from ..lazy import LazyModuleMixin

__all__ = [
    "LazyModuleMixin",
]
