"""Dropout: element-wise (dropout) and channel-wise (dropout1d/2d/3d), as PyTorch 2.x does it.

Inverted dropout: kept values are scaled by 1/(1-p) while training, so eval mode is the
identity. The channel-wise forms draw one keep/drop per (sample, channel) and broadcast it
over the spatial axes.
"""

from __future__ import annotations

import warnings
from typing import Any

from .._random import get_rng
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from .basic import as_tensor


def _check_p(p: float, who: str) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _masked(x: Tensor, p: float, mask_shape: tuple[int, ...]) -> Tensor:
    """x * keep / (1 - p) with keep ~ Bernoulli(1 - p) of ``mask_shape`` (broadcast to x)."""
    if p == 1.0:
        return x * 0.0
    keep = get_rng().random(mask_shape) >= p
    dt = x.dtype if x.dtype.kind == "f" else get_default_dtype()
    return x * (keep * (1.0 / (1.0 - p))).astype(dt)


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """y = x * m / (1 - p), m ~ Bernoulli(1 - p) per element while training; x: any -> same.

    ``inplace`` is accepted for compatibility; the result is always a new tensor.
    """
    input = as_tensor(input)
    p = _check_p(p, "dropout")
    if not training or p == 0.0:
        return input
    return _masked(input, p, input.shape)


def _feature_dropout(x: Tensor, p: float, training: bool, who: str) -> Tensor:
    """One draw per (N, C), broadcast over the trailing axes; x: (N, C, *) -> same."""
    if x.ndim < 2:
        raise RuntimeError(f"{who}: feature dropout requires at least 2 dimensions in the "
                           f"input, got shape {tuple(x.shape)}")
    if not training or p == 0.0:
        return x
    return _masked(x, p, x.shape[:2] + (1,) * (x.ndim - 2))


def dropout1d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels: x (N, C, L) or unbatched (C, L), one draw per channel."""
    input = as_tensor(input)
    p = _check_p(p, "dropout1d")
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs).")
    if input.ndim == 2 and training and p > 0.0:
        return _feature_dropout(input.unsqueeze(0), p, training, "dropout1d").squeeze(0)
    return _feature_dropout(input, p, training, "dropout1d")


def _warn_rank(x: Tensor, d: int) -> None:
    """PyTorch's deprecation warning for a dropout{d}d input that is not (N, C, *d) or (C, *d)."""
    if x.ndim not in (d + 1, d + 2):
        warnings.warn(
            f"dropout{d}d: Received a {x.ndim}-D input to dropout{d}d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            f"this warning, please use dropout instead. Note that dropout{d}d exists to provide "
            f"channel-wise dropout on inputs with {d} spatial dimensions, a channel dimension, "
            f"and an optional batch dimension (i.e. {d + 1}D or {d + 2}D inputs).", UserWarning,
            stacklevel=3)


def dropout2d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels: x (N, C, H, W), one draw per (N, C).

    As in PyTorch 2.x, a 3-D input is read as (N, C, L) (channel-wise 1-D dropout) with a
    UserWarning, and other ranks warn that they are deprecated.
    """
    input = as_tensor(input)
    p = _check_p(p, "dropout2d")
    _warn_rank(input, 2)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training, "dropout2d")


def dropout3d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels: x (N, C, D, H, W) or unbatched (C, D, H, W), one draw per channel."""
    input = as_tensor(input)
    p = _check_p(p, "dropout3d")
    _warn_rank(input, 3)
    if input.ndim == 5 or not training or p == 0.0:
        return _feature_dropout(input, p, training, "dropout3d")
    return _feature_dropout(input.unsqueeze(0), p, training, "dropout3d").squeeze(0)


__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d"]
