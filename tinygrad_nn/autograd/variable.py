"""PyTorch's ``torch.autograd.variable``: the legacy ``Variable`` (a plain Tensor since
PyTorch 0.4; also ``autograd.Variable``)."""

from __future__ import annotations

import warnings
from typing import Any

from ..tensor import Tensor


def Variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> Tensor:
    """Legacy ``Variable(t)``: a Tensor sharing ``t``'s values, a leaf with ``requires_grad``.
    ``volatile=True`` (removed in PyTorch 0.4) has no effect, with PyTorch's UserWarning."""
    if volatile:
        warnings.warn("volatile was removed and now has no effect. Use "
                      "`with tinygrad_nn.no_grad():` instead.", UserWarning, stacklevel=2)
    t = data.detach() if isinstance(data, Tensor) else Tensor._new(data)
    return t.requires_grad_(requires_grad) if requires_grad else t


__all__ = ["Variable"]
