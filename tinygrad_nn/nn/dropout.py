"""Dropout modules (see tinygrad_nn.functional for the functions)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..functional.dropout import _check_p
from ..tensor import Tensor
from .module import Module


class _DropoutNd(Module):
    """Shared set-up of the dropout layers: ``p`` (checked) and ``inplace``, and the repr."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p, self.inplace = _check_p(p, type(self).__name__), inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Inverted dropout: zero each element with probability p, scale the rest by 1/(1-p)
    while training; the identity in eval mode."""

    def forward(self, input: Any) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels: x (N, C, L) or (C, L), one draw per channel (``F.dropout1d``)."""

    def forward(self, input: Any) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels: x (N, C, H, W), one draw per channel (``F.dropout2d``).

    A 3-D input is read as (N, C, L) with PyTorch 2.x's UserWarning.
    """

    def forward(self, input: Any) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels: x (N, C, D, H, W) or (C, D, H, W) (``F.dropout3d``)."""

    def forward(self, input: Any) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks (``F.alpha_dropout``): dropped elements take SELU's
    saturation value and an affine map keeps zero mean and unit variance while training;
    the identity in eval mode."""

    def forward(self, input: Any) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    """``AlphaDropout`` over whole channels: one draw per (N, C) of x (N, C, *)
    (``F.feature_alpha_dropout``)."""

    def forward(self, input: Any) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training,
                                       self.inplace)
