"""PyTorch's ``torch.utils.data._utils`` path (programs import ``_utils.collate``)."""

from . import collate

__all__ = ["collate"]
