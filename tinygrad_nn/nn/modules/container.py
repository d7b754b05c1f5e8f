"""PyTorch's ``torch.nn.modules.container`` path: re-exports the classes defined in
``nn/containers.py``, ``nn/parameter_containers.py``."""

from ..containers import Container, ModuleDict, ModuleList, Sequential
from ..parameter_containers import ParameterDict, ParameterList

__all__ = [
    "Container",
    "ModuleDict",
    "ModuleList",
    "ParameterDict",
    "ParameterList",
    "Sequential",
]
