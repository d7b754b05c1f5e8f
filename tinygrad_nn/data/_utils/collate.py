"""PyTorch's ``torch.utils.data._utils.collate`` path: the collate functions of
``tinygrad_nn.data.collate``."""

from ..collate import default_collate, default_convert

__all__ = ["default_collate", "default_convert"]
