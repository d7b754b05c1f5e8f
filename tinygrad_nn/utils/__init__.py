"""PyTorch's ``torch.utils`` path: ``tinygrad_nn.utils.data`` is ``tinygrad_nn.data``;
``tinygrad_nn.utils.checkpoint`` is activation checkpointing (without the memory saving);
``tinygrad_nn.utils.hooks.RemovableHandle`` is what registering a hook returns.

The same module object, with its submodules (``dataloader``, ``dataset``, ``sampler``,
``distributed``, ``_utils.collate``) registered under this path too, so
``from tinygrad_nn.utils.data.dataloader import DataLoader`` gives the one ``DataLoader``.
"""

from __future__ import annotations

import sys

from .. import data
from . import checkpoint, hooks

for _name, _module in list(sys.modules.items()):
    if _name.startswith(data.__name__ + "."):
        sys.modules[__name__ + ".data" + _name[len(data.__name__):]] = _module
sys.modules[__name__ + ".data"] = data

__all__ = ["checkpoint", "data", "hooks"]
