"""PyTorch's ``torch.utils`` path: ``tinygrad_nn.utils.data`` is ``tinygrad_nn.data``;
``tinygrad_nn.utils.checkpoint`` is activation checkpointing (without the memory saving);
``tinygrad_nn.utils.hooks.RemovableHandle`` is what registering a hook returns;
``tinygrad_nn.utils.tensorboard.SummaryWriter`` logs to TensorBoard (imported on use).

The same module object, with its submodules (``dataloader``, ``dataset``, ``sampler``,
``distributed``, ``_utils.collate``) registered under this path too, so
``from tinygrad_nn.utils.data.dataloader import DataLoader`` gives the one ``DataLoader``.
"""

from __future__ import annotations

import sys
from typing import Any

from .. import data
from ..tensor_base import TensorBase
from . import checkpoint, hooks

for _name, _module in list(sys.modules.items()):
    if _name.startswith(data.__name__ + "."):
        sys.modules[__name__ + ".data" + _name[len(data.__name__):]] = _module
sys.modules[__name__ + ".data"] = data



def swap_tensors(t1: Any, t2: Any) -> None:
    """Swap everything two Tensors hold (values, dtype, ``requires_grad``, node, ``.grad``,
    attributes) while each keeps its identity (PyTorch's ``torch.utils.swap_tensors``)."""
    if not isinstance(t1, TensorBase) or not isinstance(t2, TensorBase):
        raise TypeError(f"swap_tensors: expected two Tensors, got {type(t1).__name__} and "
                        f"{type(t2).__name__}")
    for slot in ("_data", "requires_grad", "_ctx"):
        a, b = getattr(t1, slot), getattr(t2, slot)
        setattr(t1, slot, b)
        setattr(t2, slot, a)
    t1.__dict__, t2.__dict__ = t2.__dict__, t1.__dict__


__all__ = ["checkpoint", "data", "hooks", "swap_tensors"]
