"""Dropout: element-wise (dropout) and channel-wise (dropout1d/2d/3d), as PyTorch 2.x does it;
alpha dropout for SELU networks (alpha_dropout, feature_alpha_dropout).

Inverted dropout: kept values are scaled by 1/(1-p) while training, so eval mode is the
identity. The channel-wise forms draw one keep/drop per (sample, channel) and broadcast it
over the spatial axes.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._random import get_rng
from .._warn import user_stacklevel
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from .basic import _result, _source, as_tensor


def _check_p(p: float, who: str) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _keep(p: float, mask_shape: tuple[int, ...]) -> np.ndarray:
    """keep ~ Bernoulli(1 - p), a boolean array of ``mask_shape`` (from the library's RNG)."""
    return get_rng().random(mask_shape) >= p


def _masked(x: Tensor, p: float, mask_shape: tuple[int, ...]) -> Tensor:
    """x * keep / (1 - p) with keep ~ Bernoulli(1 - p) of ``mask_shape`` (broadcast to x)."""
    if p == 1.0:
        return x * 0.0
    dt = x.dtype if x.dtype.kind == "f" else get_default_dtype()
    return x * (_keep(p, mask_shape) * (1.0 / (1.0 - p))).astype(dt)


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """y = x * m / (1 - p), m ~ Bernoulli(1 - p) per element while training; x: any -> same.

    ``inplace=True`` writes the result into ``input`` and returns it (PyTorch's rule).
    """
    input = as_tensor(input)
    p = _check_p(p, "dropout")
    if not training or p == 0.0:
        return input
    return _result(input, _masked(_source(input, inplace), p, input.shape), inplace)


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
    if not training or p == 0.0:
        return input
    x = _source(input, inplace)
    if input.ndim == 2:
        return _result(input, _feature_dropout(x.unsqueeze(0), p, True, "dropout1d").squeeze(0),
                       inplace)
    return _result(input, _feature_dropout(x, p, True, "dropout1d"), inplace)


def _warn_rank(x: Tensor, d: int) -> None:
    """PyTorch's deprecation warning for a dropout{d}d input that is not (N, C, *d) or (C, *d)."""
    if x.ndim not in (d + 1, d + 2):
        warnings.warn(
            f"dropout{d}d: Received a {x.ndim}-D input to dropout{d}d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            f"this warning, please use dropout instead. Note that dropout{d}d exists to provide "
            f"channel-wise dropout on inputs with {d} spatial dimensions, a channel dimension, "
            f"and an optional batch dimension (i.e. {d + 1}D or {d + 2}D inputs).", UserWarning,
            stacklevel=user_stacklevel())


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
            UserWarning, stacklevel=user_stacklevel())
    if not training or p == 0.0:
        return _feature_dropout(input, p, training, "dropout2d")
    return _result(input, _feature_dropout(_source(input, inplace), p, True, "dropout2d"),
                   inplace)


def dropout3d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels: x (N, C, D, H, W) or unbatched (C, D, H, W), one draw per channel."""
    input = as_tensor(input)
    p = _check_p(p, "dropout3d")
    _warn_rank(input, 3)
    if not training or p == 0.0:
        return _feature_dropout(input, p, training, "dropout3d")
    x = _source(input, inplace)
    if input.ndim == 5:
        return _result(input, _feature_dropout(x, p, True, "dropout3d"), inplace)
    return _result(input, _feature_dropout(x.unsqueeze(0), p, True, "dropout3d").squeeze(0),
                   inplace)


# minus SELU's saturation value (its scale * alpha): a dropped unit takes -_SATURATION
_SATURATION = 1.7580993408473766


def _alpha_masked(x: Tensor, p: float, mask_shape: tuple[int, ...]) -> Tensor:
    """PyTorch's alpha dropout: y = a x + alpha a p where kept, alpha a (p - 1) where dropped,
    a = ((alpha^2 p + 1)(1 - p))^(-1/2); computed in x's dtype in PyTorch's order."""
    if x.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{x.dtype.name}")
    if p == 1.0:
        return x * 0.0
    a = 1.0 / math.sqrt((_SATURATION * _SATURATION * p + 1) * (1 - p))
    noise = _keep(p, mask_shape).astype(x.dtype)
    shift = (noise - 1) * (_SATURATION * a) + _SATURATION * a * p
    return x * (noise * a) + shift


def alpha_dropout(input: Any, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """SELU's dropout: y = a (x m - alpha (1 - m)) + a alpha p, m ~ Bernoulli(1 - p) per
    element, alpha = 1.7581 (SELU's scale * alpha: a dropped unit takes SELU's saturation
    value), a = ((alpha^2 p + 1)(1 - p))^(-1/2), which keep zero mean and unit variance.
    The identity unless ``training`` (default False, as in PyTorch); ``inplace=True`` writes
    the result into ``input``."""
    input = as_tensor(input)
    p = _check_p(p, "alpha_dropout")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    return _result(input, _alpha_masked(_source(input, inplace), p, input.shape), inplace)


def feature_alpha_dropout(input: Any, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` with one draw per (N, C), broadcast over the trailing axes (whole
    channels set to the saturation value); x: (N, C, *) -> same."""
    input = as_tensor(input)
    p = _check_p(p, "feature_alpha_dropout")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _result(input, _alpha_masked(_source(input, inplace), p,
                                        input.shape[:2] + (1,) * (input.ndim - 2)), inplace)


__all__ = ["alpha_dropout", "dropout", "dropout1d", "dropout2d", "dropout3d",
           "feature_alpha_dropout"]
