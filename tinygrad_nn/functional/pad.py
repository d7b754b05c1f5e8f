"""PyTorch's ``F.pad``: pairs for the last dims first; constant, reflect, replicate, circular.

Constant padding is the ``Pad`` primitive (a negative pad crops: a slice). The other modes
are indexing with one integer array per padded axis, so their gradients are the adjoint
of indexing (border elements used twice accumulate), exact to every order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops as P
from .._shapes import pad_source_index
from ..tensor import Tensor
from .basic import as_tensor

_MODES = ("constant", "reflect", "replicate", "circular")


def pad_width(x: Tensor, widths: tuple[tuple[int, int], ...], value: float = 0.0) -> Tensor:
    """Constant padding with NumPy's per-axis ``((before, after), ...)`` (widths >= 0).

    The internal form that convolution, pooling and ``ZeroPad2d`` use.
    """
    if x.ndim == 0 or not any(b or a for b, a in widths):
        return x
    return P.Pad.apply(x, pad_width=tuple((int(b), int(a)) for b, a in widths), value=value)


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad) // 2 dims; ``pad`` = (left, right, top, bottom, ...), last dim first.

    (…, H, W) with pad (l, r, t, b) -> (…, H + t + b, W + l + r). ``mode`` is 'constant'
    (``value``, 0 by default; negative pads crop), 'reflect', 'replicate' or 'circular'.
    """
    x = as_tensor(input)
    pads = tuple(int(p) for p in pad)
    if len(pads) % 2:
        raise RuntimeError(f"pad: padding length must be even, got {len(pads)} ({pads})")
    k = len(pads) // 2
    if k > x.ndim:
        raise RuntimeError(f"pad: padding of length {len(pads)} pads {k} dims, but the input "
                         f"has only {x.ndim} (shape {tuple(x.shape)})")
    if mode not in _MODES:
        raise NotImplementedError(f"pad: mode must be one of {_MODES}, got {mode!r}")
    axes = [(x.ndim - 1 - i, pads[2 * i], pads[2 * i + 1]) for i in range(k)]
    if mode == "constant":
        widths = [(0, 0)] * x.ndim
        crop: list[Any] = [slice(None)] * x.ndim
        for a, b, e in axes:
            widths[a] = (max(b, 0), max(e, 0))
            crop[a] = slice(max(-b, 0), x.shape[a] - max(-e, 0))
            if x.shape[a] + b + e < 0:
                raise RuntimeError(f"pad: padding {pads} gives a negative size for dim {a} of "
                                 f"shape {tuple(x.shape)}")
        if any(s != slice(None) for s in crop):
            x = x[tuple(crop)]
        # (not pad_width: with nothing to add it returns x itself, and PyTorch's result is
        # always new memory)
        return P.Pad.apply(x, pad_width=tuple(widths), value=0.0 if value is None else value)
    if not (1 <= k <= 3 and k + 1 <= x.ndim <= k + 2):
        raise NotImplementedError(f"pad: mode={mode!r} pads the last 1, 2 or 3 dims of a batch "
                                  f"(2-3, 3-4 or 4-5 dims); got a padding of length {len(pads)} "
                                  f"for an input of shape {tuple(x.shape)}")
    if value not in (None, 0, 0.0):
        raise ValueError(f"pad: value is only used by mode='constant', got {value} with "
                         f"mode={mode!r}")
    srcs = {}  # padded axis -> the source position of each output position
    for a, b, e in axes:
        n = x.shape[a]
        if n == 0 or n + b + e < 0 or (mode == "reflect" and max(b, e) >= n) or (
                mode == "circular" and max(b, e) > n):
            limit = f"less than {n}" if mode == "reflect" else f"at most {n}"
            raise RuntimeError(f"pad: {mode} padding ({b}, {e}) of dim {a} must be {limit} "
                               f"and leave a size >= 0 (input shape {tuple(x.shape)})")
        if mode == "circular" and min(b, e) < 0:
            # PyTorch crops first, then wraps around what is left
            x = x.narrow(a, max(-b, 0), n + min(b, 0) + min(e, 0))
            n, b, e = x.shape[a], max(b, 0), max(e, 0)
            if max(b, e) > n:
                raise RuntimeError(f"pad: circular padding ({b}, {e}) of dim {a} wraps around "
                                   f"the cropped size {n} more than once")
        srcs[a] = pad_source_index(n, b, e, mode)
    # one indexing node over the last k axes (adjacent, so they keep their places)
    first = x.ndim - k
    grids = np.ix_(*(srcs[a] for a in range(first, x.ndim)))
    op = {"reflect": P.ReflectionPad, "replicate": P.ReplicationPad}.get(mode, P.GetItem)
    return op.apply(x, idx=(slice(None),) * first + grids)
