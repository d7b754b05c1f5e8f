"""Losses, each with reduction='mean'|'sum'|'none', stable for logits up to |1e4|."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import ops as P
from .._scope import composite
from .._warn import user_stacklevel
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ..tensor_elementwise import _not_for, _torch_name
from ..tensor_functions import where
from .basic import as_tensor

_REDUCTIONS = ("mean", "sum", "none")


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """PyTorch's mapping of the deprecated ``size_average``/``reduce`` flags to ``reduction``
    (with its warning); ``reduction`` itself when both are None."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", UserWarning, stacklevel=user_stacklevel())
    return ret


def _check_reduction(reduction: str, name: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss: Tensor, reduction: str, name: str) -> Tensor:
    _check_reduction(reduction, name)
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _pair(x: Any, y: Any, name: str) -> tuple[Tensor, Tensor]:
    """Prediction and target of the same shape (otherwise the binary cross-entropies'
    ValueError, PyTorch's)."""
    x = x if isinstance(x, Tensor) else Tensor._new(x)
    y = y if isinstance(y, Tensor) else Tensor._new(y)
    # (the arrays' shapes: ``Tensor.shape`` makes a Size each time; the training step's path)
    if x._data.shape != y._data.shape and name == "binary_cross_entropy_with_logits":
        raise ValueError(f"{name}: Target size {tuple(y.shape)} must be the same as input size "
                         f"{tuple(x.shape)}")
    if x._data.shape != y._data.shape:
        raise ValueError(
            f"{name}: Using a target size {tuple(y.shape)} that is different to the input size "
            f"{tuple(x.shape)} is deprecated. Please ensure they have the same size."
        )
    _check_bce_target(x, y, name)
    return x, y


def _broadcast_pair(x: Any, y: Any, name: str) -> tuple[Tensor, Tensor]:
    """Prediction and target broadcast to one shape, as PyTorch's regression losses do: a
    different shape warns (UserWarning), a shape that does not broadcast is a RuntimeError."""
    x, y = as_tensor(x), as_tensor(y)
    if x.shape != y.shape:
        warnings.warn(
            f"{name}: Using a target size {tuple(y.shape)} that is different to the input size "
            f"{tuple(x.shape)}. This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=4)  # (past this helper, the loss and its @composite)
        nd = max(x.ndim, y.ndim)
        a, b = (1,) * (nd - x.ndim) + tuple(x.shape), (1,) * (nd - y.ndim) + tuple(y.shape)
        for dim, (m, n) in enumerate(zip(a, b)):
            if m != n and 1 not in (m, n):
                raise RuntimeError(
                    f"{name}: The size of tensor a ({m}) must match the size of tensor b ({n}) "
                    f"at non-singleton dimension {dim} (input {tuple(x.shape)}, target "
                    f"{tuple(y.shape)})")
        shape = tuple(max(m, n) if 0 not in (m, n) else 0 for m, n in zip(a, b))
        x = x if x.shape == shape else x.expand(shape)
        y = y if y.shape == shape else y.expand(shape)
    if y.dtype.kind == "b" and name == "l1_loss":  # (PyTorch's l1 subtracts the bool target)
        raise RuntimeError(_BOOL_TARGET.format(name=name))
    if y.dtype.kind not in "fc":  # (PyTorch computes with an int or bool target)
        y = y.astype(x.dtype)
    return x, y


_BOOL_TARGET = ("{name}: Subtraction, the `-` operator, with a bool tensor is not supported; "
                "give a floating-point target (target.float())")


def _check_bce_target(x: Tensor, y: Tensor, name: str) -> None:
    """The binary cross-entropies' target dtype rules, PyTorch's RuntimeErrors: BCE's kernel
    takes only the input's dtype; with logits, a bool target fails at ``1 - target`` and an
    integer one cannot hold the float result."""
    dx, dy = x._data.dtype, y._data.dtype
    if name == "binary_cross_entropy" and dy != dx:
        raise RuntimeError(f"{name}: Found dtype {_torch_name(dy)} but expected "
                           f"{_torch_name(dx)} (the target must have the input's dtype)")
    if dy.kind == "b":
        raise RuntimeError(_BOOL_TARGET.format(name=name))
    if dy.kind not in "fc":
        raise RuntimeError(f"{name}: result type {_torch_name(dx)} can't be cast to the "
                           f"desired output type {_torch_name(dy)} (give a floating-point "
                           "target)")


@composite
def mse_loss(input: Any, target: Any, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Any = None) -> Tensor:
    """Mean squared error (x - y)^2; x, y: same shape; ``weight`` (same shape) gives
    sum(w (x - y)^2) / sum(w) under 'mean', as PyTorch."""
    shape = as_tensor(input).shape
    input, target = _broadcast_pair(input, target, "mse_loss")
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input.dtype.kind == "c":  # (PyTorch's kernel has no complex version)
        raise _not_for("mse_cpu", input.dtype)
    if weight is None:  # one node, PyTorch's MseLossBackward0
        _check_reduction(reduction, "mse_loss")
        return P.MseLoss.apply(input, target, reduction=reduction)
    d = input - target
    return _weighted(d * d, weight, reduction, "mse_loss", mean_by_weight=True, shape=shape)


def _weighted(loss: Tensor, weight: Any, reduction: str, name: str,
              mean_by_weight: bool, shape: tuple[int, ...]) -> Tensor:
    """Elementwise ``weight * loss`` reduced; 'mean' divides by sum(weight) when asked. The
    weight has the input's ``shape`` (before broadcasting with the target, as PyTorch)."""
    if weight is None:
        return _reduce(loss, reduction, name)
    w = weight if isinstance(weight, Tensor) else Tensor._new(np.asarray(weight, dtype=loss.dtype))
    if w.shape != shape:
        raise ValueError("Weights and input must have the same size.")
    wl = w * loss
    if reduction == "mean" and mean_by_weight:
        return wl.sum() / w.sum()
    return _reduce(wl, reduction, name)


@composite
def l1_loss(input: Any, target: Any, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Any = None) -> Tensor:
    """Mean absolute error |x - y|; x, y: same shape; ``weight`` as in ``mse_loss``."""
    shape = as_tensor(input).shape
    input, target = _broadcast_pair(input, target, "l1_loss")
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _weighted((input - target).abs(), weight, reduction, "l1_loss", mean_by_weight=True,
                     shape=shape)


@composite
def smooth_l1_loss(input: Any, target: Any, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = x - y)."""
    input, target = _broadcast_pair(input, target, "smooth_l1_loss")
    reduction = legacy_reduction(size_average, reduce, reduction)
    d = input - target
    a = d.abs()
    if beta == 0:
        return _reduce(a, reduction, "smooth_l1_loss")
    return _reduce(
        where(a._data < beta, d * d * (0.5 / beta), a - 0.5 * beta), reduction, "smooth_l1_loss"
    )


@composite
def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0,
               weight: Any = None) -> Tensor:
    """0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta); ``weight`` scales each
    element (its 'mean' is the plain mean of the weighted losses, as PyTorch).

    The loss has the input's dtype, as PyTorch's kernel writes it: with a target of another
    float dtype, a reduced loss (no weight) is computed with the target cast to the input's
    dtype, an elementwise one at the promoted dtype and then cast (PyTorch's two paths)."""
    shape = as_tensor(input).shape
    input, target = _broadcast_pair(input, target, "huber_loss")
    dtype = input.dtype
    if target.dtype != dtype and weight is None and reduction != "none":
        target = target.astype(dtype)
    d = input - target
    a = d.abs()
    loss = where(a._data <= delta, d * d * 0.5, (a - 0.5 * delta) * delta)
    if loss.dtype != dtype:
        loss = loss.astype(dtype)
    return _weighted(loss, weight, reduction, "huber_loss", mean_by_weight=False, shape=shape)


@composite
def binary_cross_entropy(input: Any, target: Any, weight: Any = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """-w (y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1] (logs clamped at -100);
    p, y: same shape, ``weight`` broadcast to it (no gradient, as PyTorch); one node."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    input, target = _pair(input, target, "binary_cross_entropy")
    _check_reduction(reduction, "binary_cross_entropy")
    w = None if weight is None else _bce_weight(weight, input)
    # (the weight goes by keyword: a constant, so the node has PyTorch's two inputs)
    return P.BinaryCrossEntropy.apply(input, target, w=w, reduction=reduction)


def _bce_weight(weight: Any, input: Tensor) -> np.ndarray:
    """The weight as an array of the input's dtype that broadcasts to its shape (PyTorch's
    rules: a weight that requires grad is refused, its dtype follows the input's)."""
    if isinstance(weight, Tensor):
        if weight.requires_grad and is_grad_enabled():
            raise RuntimeError(
                "The function 'binary_cross_entropy' is not differentiable with respect to "
                "argument 'weight'. This input cannot have requires_grad True."
            )
        weight = weight._data
    w = np.asarray(weight, dtype=input.dtype)
    try:
        fits = np.broadcast_shapes(w.shape, input.shape) == input.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"binary_cross_entropy: weight of shape {tuple(w.shape)} does not broadcast to the "
            f"input's shape {tuple(input.shape)}"
        )
    return w


@composite
def binary_cross_entropy_with_logits(
    input: Any, target: Any, weight: Any = None, size_average: bool | None = None,
    reduce: bool | None = None, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """BCE of sigmoid(z) computed from logits: (1 - y) z + (1 + (w_pos - 1) y) softplus(-z)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    input, target = _pair(input, target, "binary_cross_entropy_with_logits")
    sp = (-input).softplus()
    if pos_weight is None:
        loss = (1 - target) * input + sp
    else:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def _class_last(x: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N * d1 * ..., C); (C,) -> (1, C)."""
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 2:
        return x
    axes = (0,) + tuple(range(2, x.ndim)) + (1,)
    return x.permute(axes).reshape(-1, x.shape[1])


def _check_targets(t: np.ndarray, logp: Tensor, ignore_index: int, name: str) -> None:
    c = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
    expected = (logp.shape[0],) + logp.shape[2:] if logp.ndim > 1 else ()
    if t.shape != expected:
        raise ValueError(
            f"{name}: input of shape {tuple(logp.shape)} needs class-index targets of shape "
            f"{expected}, got {tuple(t.shape)}"
        )
    bad = t[(t != ignore_index) & ((t < 0) | (t >= c))]
    if bad.size:
        raise IndexError(f"{name}: target {int(bad.flat[0])} is out of range for {c} classes")


@composite
def nll_loss(
    input: Any, target: Any, weight: Any = None, size_average: bool | None = None,
    ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean"
) -> Tensor:
    """-w[t] logp[n, t] with t = target[n]; logp: (N, C, *) log-probabilities, target: (N, *).

    The mean divides by the summed weights of the targets that are not ``ignore_index``.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _nll(input, target, weight, ignore_index, reduction, "nll_loss")


def _nll(logp: Any, target: Any, weight: Any, ignore_index: int, reduction: str,
         name: str) -> Tensor:
    logp = as_tensor(logp)
    t = np.asarray(target._data if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold integer class indices, got dtype {t.dtype}")
    _check_targets(t, logp, ignore_index, name)
    _check_reduction(reduction, name)
    flat = _class_last(logp)
    w = None if weight is None else np.asarray(
        weight._data if isinstance(weight, Tensor) else weight, dtype=flat.dtype)
    loss = P.NllLoss.apply(flat, t=t.reshape(-1), w=w, ignore_index=ignore_index,
                           reduction=reduction)
    if reduction == "none" and loss.shape != t.shape:  # (N, *) targets: back to their shape
        return loss.reshape(t.shape)
    return loss


@composite
def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy -sum_c t_c log softmax(x)_c; logits (N, C, *) or (C,), target
    class indices (N, *) (``ignore_index`` skipped) or probabilities shaped like the logits.

    ``label_smoothing`` e mixes the target with the uniform distribution: (1 - e) t + e / C.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    input = as_tensor(input)
    if input.ndim == 0:
        raise ValueError("cross_entropy: logits must have a class axis, got a 0-d tensor")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    axis = 1 if input.ndim > 1 else 0
    c = input.shape[axis]
    logp = input.log_softmax(axis)
    t = target._data if isinstance(target, Tensor) else np.asarray(target)
    wshape = (c,) + (1,) * (input.ndim - axis - 1)
    w = None if weight is None else np.asarray(weight, logp.dtype)
    if t.dtype.kind == "f":  # class probabilities: the target gets a gradient too
        if t.shape != input.shape:
            raise ValueError(
                f"cross_entropy: probability targets must have the logits' shape "
                f"{tuple(input.shape)}, "
                f"got {tuple(t.shape)}"
            )
        tt = as_tensor(target).astype(logp.dtype)
        if label_smoothing:
            tt = tt * (1 - label_smoothing) + label_smoothing / c
        wl = logp if w is None else logp * w.reshape(wshape)
        loss = -(wl * tt).sum(axis)
        if reduction == "mean":
            return loss.sum() * (1.0 / loss._data.size if loss._data.size else np.nan)
        return _reduce(loss, reduction, "cross_entropy")
    nll = _nll(logp, t, weight, ignore_index, reduction, "cross_entropy")
    if not label_smoothing:
        return nll
    keep = t != ignore_index
    wl = logp if w is None else logp * w.reshape(wshape)
    smooth = -wl.sum(axis) * keep
    if reduction == "mean":
        denom = keep.sum() if w is None else (w[np.where(keep, t, 0)] * keep).sum()
        smooth = smooth.sum() * float(1.0 / denom)  # a Python float keeps float32 float32
    else:
        smooth = _reduce(smooth, reduction, "cross_entropy")
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / c)


def _pairwise_distance(x1: Tensor, x2: Tensor, p: float, eps: float) -> Tensor:
    d = x1 - x2 + eps
    if p == 2:
        return (d * d).sum(-1).sqrt()
    if p == 1:
        return d.abs().sum(-1)
    return (d.abs() ** p).sum(-1) ** (1.0 / p)


@composite
def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with d the p-norm distance ||u - v + eps||_p over
    the last axis; a, p, n: same number of dims, broadcast."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction, "triplet_margin_loss")
    return _triplet(as_tensor(anchor), as_tensor(positive), as_tensor(negative),
                    lambda u, v: _pairwise_distance(u, v, p, eps), margin, swap, reduction)


def _triplet(a: Tensor, pos: Tensor, neg: Tensor, distance: Callable[[Any, Any], Any],
             margin: float, swap: bool, reduction: str) -> Tensor:
    """max(0, margin + d(a, pos) - d(a, neg)), d(a, neg) replaced by d(pos, neg) where
    smaller when ``swap``; PyTorch's checks (a positive margin, one number of dims)."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not a.ndim == pos.ndim == neg.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a.ndim}D, positive {pos.ndim}D, and negative "
            f"{neg.ndim}D inputs")
    d_pos, d_neg = distance(a, pos), distance(a, neg)
    if swap:
        d_neg = d_neg.minimum(distance(pos, neg))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction, "triplet_margin_loss")
