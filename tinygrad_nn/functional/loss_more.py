"""More of PyTorch's losses: divergences, likelihoods, margin and embedding losses, CTC.

Each is a composite of Tensor ops (gradients and second derivatives come from the engine),
except CTC, whose alpha-beta recursion is the primitive ``ops.ctc.CtcLoss``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._scope import composite
from .._warn import user_stacklevel
from ..grad_mode import is_grad_enabled
from ..ops.ctc import CtcLoss, plan
from ..tensor import Tensor
from ..tensor_base import data_of
from ..tensor_functions import where
from .basic import as_tensor
from .loss import _pairwise_distance, _reduce, _triplet, legacy_reduction

_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release.")


def _array(x: Any) -> np.ndarray:
    """The values of a Tensor or array-like, as an array (a constant: no gradient)."""
    return np.asarray(data_of(x))


def _check_valid(reduction: str) -> None:
    """PyTorch's check (and message) for the reductions that are not 'batchmean'."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


@composite
def kl_div(input: Any, target: Any, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Pointwise KL divergence y (log y - x) (x log-probabilities; y probabilities, or
    log-probabilities when ``log_target``: e^y (y - x)); x, y broadcast.

    'batchmean' divides the sum by x.shape[0] (the KL divergence per sample); 'mean' divides
    by every element and warns, as PyTorch does.
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=user_stacklevel())
    x, y = as_tensor(input), as_tensor(target)
    if reduction != "batchmean":
        _check_valid(reduction)
    loss = y.exp() * (y - x) if log_target else y.xlogy(y) - y * x
    if reduction == "batchmean":
        total = loss.sum()
        return total / x.shape[0] if x.ndim else total
    return _reduce(loss, reduction, "kl_div")


@composite
def poisson_nll_loss(input: Any, target: Any, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Poisson negative log-likelihood e^x - y x (``log_input``) or x - y log(x + eps);
    ``full`` adds Stirling's y log y - y + log(2 pi y) / 2 where y > 1; x, y broadcast."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_valid(reduction)
    x, y = as_tensor(input), as_tensor(target)
    loss = x.exp() - y * x if log_input else x - y * (x + eps).log()
    if full:
        big = _array(y) > 1
        # the term is masked to 0 where y <= 1; evaluating it at y = 2 there keeps log 0 (and
        # a NaN target gradient at y = 0) out of a value that is thrown away
        ys = where(big, y, 2.0)
        stirling = ys * ys.log() - ys + 0.5 * (ys * (2 * math.pi)).log()
        loss = loss + where(big, stirling, 0.0)
    return _reduce(loss, reduction, "poisson_nll_loss")


@composite
def gaussian_nll_loss(input: Any, target: Any, var: Any, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Gaussian negative log-likelihood (log max(v, eps) + (x - y)^2 / max(v, eps)) / 2
    (+ log(2 pi) / 2 when ``full``); v: x's shape, x's shape with one dim 1, x's shape
    without its last dim, or a float.

    The clamp of v at ``eps`` changes the value only: the gradient flows to v unclamped,
    as PyTorch's in-place clamp under no_grad does.
    """
    x, y = as_tensor(input), as_tensor(target)
    if isinstance(var, numbers.Real) and not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        v = Tensor._new(np.full(x.shape, var, dtype=x.dtype))
    else:
        v = as_tensor(var)
        if np.any(v._data < 0):
            raise ValueError("var has negative entry/entries")
    if v.shape != x.shape:
        if x.shape[:-1] == v.shape:  # one variance per sample: broadcast over the last dim
            v = v.unsqueeze(-1)
        elif not (x.ndim == v.ndim and
                  sum(b for a, b in zip(x.shape, v.shape) if a != b) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(reduction + " is not valid")
    v = v + (v.clamp_min(eps) - v).detach()  # value max(v, eps), gradient of v itself
    d = x - y
    loss = 0.5 * (v.log() + d * d / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")


@composite
def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -y (x1 - x2) + margin), y in {1, -1}; x1, x2, y: same number of dims,
    broadcast."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    x1, x2, y = as_tensor(input1), as_tensor(input2), as_tensor(target)
    if not x1.ndim == x2.ndim == y.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {tuple(x1.shape)}, input2: {tuple(x2.shape)}, target: {tuple(y.shape)} ")
    _check_valid(reduction)
    return _reduce((-y * (x1 - x2) + margin).clamp_min(0), reduction, "margin_ranking_loss")


@composite
def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1 (both terms where y is neither, as
    PyTorch); x, y broadcast."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_valid(reduction)
    x, y = as_tensor(input), _array(target)
    loss = where(y != 1, (margin - x).clamp_min(0), 0.0) + where(y != -1, x, 0.0)
    return _reduce(loss, reduction, "hinge_embedding_loss")


@composite
def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1 (0 otherwise);
    x1, x2: (N, D) with y: (N,), or (D,) with a 0-d y."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    x1, x2, y = as_tensor(input1), as_tensor(input2), _array(target)
    if y.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if not x1.ndim == x2.ndim == y.ndim + 1:
        raise RuntimeError(
            f"{y.ndim}D target tensor expects {y.ndim + 1}D input tensors, but found inputs "
            f"with sizes {list(x1.shape)} and {list(x2.shape)}.")
    _check_valid(reduction)
    axis, tiny = y.ndim, 1e-12  # PyTorch's EPSILON on each squared norm
    cos = (x1 * x2).sum(axis) / (((x1 * x1).sum(axis) + tiny) * ((x2 * x2).sum(axis) + tiny)).sqrt()
    loss = where(y == 1, 1 - cos, 0.0) + where(y == -1, (cos - margin).clamp_min(0), 0.0)
    return _reduce(loss, reduction, "cosine_embedding_loss")


@composite
def soft_margin_loss(input: Any, target: Any, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Logistic loss log(1 + e^(-y x)), y in {1, -1}; x, y broadcast.

    Computed as softplus(-y x): finite at |x| = 1e4, where PyTorch's log1p(exp(-y x))
    overflows to inf (and a NaN gradient).
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_valid(reduction)
    x, y = as_tensor(input), as_tensor(target)
    if y.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect "
                           "to argument 'target'. This input cannot have requires_grad True.")
    yx = -x * y  # (PyTorch's order: a bool or integer target multiplies the negated input)
    if yx.dtype != x.dtype:  # (PyTorch's -x *= y: the product at the promoted dtype, stored
        yx = yx.astype(x.dtype)  # at the input's, so the loss has the input's dtype)
    loss = yx.softplus()
    if loss.shape != x.shape:  # PyTorch writes the loss into an array of the input's shape
        raise RuntimeError(f"output with shape {list(x.shape)} doesn't match the broadcast "
                           f"shape {list(loss.shape)}")
    return _reduce(loss, reduction, "soft_margin_loss")


@composite
def multilabel_soft_margin_loss(input: Any, target: Any, weight: Any = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """-mean_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c)); x, y: (N, C) or
    (C,), y in {0, 1}; w broadcast over x; 'none' gives (N,)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    x, y = as_tensor(input), as_tensor(target)
    loss = -(y * x.log_sigmoid() + (1 - y) * (-x).log_sigmoid())
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(x.ndim - 1) / x.shape[-1]
    _check_valid(reduction)
    return _reduce(loss, reduction, "multilabel_soft_margin_loss")


def _class_rows(x: Tensor) -> Tensor:
    """x as (N, C) rows; PyTorch's check: a non-empty vector, or a matrix with C > 0."""
    if not ((x.ndim == 2 and x.shape[1] != 0) or (x.ndim == 1 and x.shape[0] != 0)
            or x.ndim == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(x.shape)}")
    return x.reshape(1, -1) if x.ndim < 2 else x


def _long_target(target: Any) -> np.ndarray:
    t = _array(target)
    if t.dtype != np.int64:
        name = _TORCH_NAMES.get(t.dtype.name, t.dtype.name)
        raise RuntimeError(f"expected scalar type Long but found {name}")
    return t


_TORCH_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


@composite
def multi_margin_loss(input: Any, target: Any, p: int = 1, margin: float = 1.0,
                      weight: Any = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C; x: (N, C) or (C,),
    y: (N,) class indices (int64); p in {1, 2}; 'none' gives (N,) (0-d for a 0-d target)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    w = None if weight is None else _array(weight)
    if w is not None and w.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    x0 = as_tensor(input)
    x = _class_rows(x0)
    n, c = x.shape
    t = _long_target(target)
    if not (t.ndim <= 1 and t.size == n):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{n}], but got {list(t.shape)}. "
            f"Input has shape {list(x0.shape)}.")
    if w is not None and w.size != c:
        raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(w.shape)}")
    t = t.reshape(n)
    if np.any((t < 0) | (t >= c)):
        raise RuntimeError("target out of range")
    _check_valid(reduction)
    others = np.arange(c) != t[:, None]  # the sum skips j = y
    z = (x - x.gather(1, t[:, None]) + margin).relu()  # PyTorch adds only where z > 0
    h = z if p == 1 else z * z
    if w is not None:
        h = h * w.astype(x.dtype, copy=False)[t][:, None]
    loss = (h * others).sum(1) / c
    if _array(target).ndim == 0:  # PyTorch: a 0-d target gives a 0-d 'none' loss
        loss = loss.reshape(())
    return _reduce(loss, reduction, "multi_margin_loss")


@composite
def multilabel_margin_loss(input: Any, target: Any, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """sum_{j in Y} sum_{i not in Y} max(0, 1 - (x_j - x_i)) / C, with Y the classes listed
    in y before its first -1; x, y: (N, C) or (C,), y int64; 'none' gives (N,) or 0-d."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    x0 = as_tensor(input)
    x = _class_rows(x0)
    n, c = x.shape
    t = _array(target)
    fits = (t.ndim <= 1 and t.size == c) if x0.ndim <= 1 else t.shape == (n, c)
    if not fits:
        raise RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: "
                           f"{list(x0.shape)}")
    t = _long_target(t).reshape(n, c)
    if np.any((t < -1) | (t >= c)):
        raise RuntimeError("argument #2 'target' is out of range")
    listed = np.cumprod(t != -1, axis=1).astype(bool)  # entries before the first -1
    rows = np.repeat(np.arange(n), c)[listed.reshape(-1)]
    count = np.zeros((n, c), dtype=x.dtype)  # how often class j is listed (repeats count)
    np.add.at(count, (rows, t[listed]), 1)
    pairs = count[:, :, None] * (count == 0)[:, None, :]  # j listed, i not
    z = (1 - x.unsqueeze(2) + x.unsqueeze(1)).relu()  # z[n, j, i]; PyTorch adds where z > 0
    loss = (z * pairs).sum((1, 2)) / c
    if x0.ndim <= 1:
        loss = loss.reshape(())
    _check_valid(reduction)
    return _reduce(loss, reduction, "multilabel_margin_loss")


def _pairwise(x1: Any, x2: Any) -> Tensor:
    """PyTorch's default distance: ||x1 - x2 + 1e-6||_2 over the last dim."""
    return _pairwise_distance(as_tensor(x1), as_tensor(x2), 2, 1e-6)


@composite
def triplet_margin_with_distance_loss(anchor: Any, positive: Any, negative: Any, *,
                                      distance_function: Callable[[Any, Any], Any] | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)) with any distance d (default: the pairwise
    2-norm distance over the last dim); a, p, n: same number of dims."""
    _check_valid(reduction)
    return _triplet(as_tensor(anchor), as_tensor(positive), as_tensor(negative),
                    distance_function or _pairwise, margin, swap, reduction)


@composite
def ctc_loss(log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification: -log sum over the alignments of the target;
    log_probs (T, N, C) or (T, C), targets (N, S) padded or 1-D concatenated, lengths (N,).

    'mean' divides each sample's loss by its target length (at least 1), then averages;
    ``zero_infinity`` turns impossible alignments' inf losses (and their gradients) to 0.
    """
    lp = as_tensor(log_probs)
    _check_valid(reduction)
    unbatched = lp.ndim == 2
    if unbatched:
        lp = lp.unsqueeze(1)
    if lp.ndim != 3:
        raise RuntimeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C), got "
                           f"{tuple(lp.shape)}")
    t_max, n, c = lp.shape
    in_len = np.atleast_1d(_array(input_lengths)).astype(np.int64)
    tg_len = np.atleast_1d(_array(target_lengths)).astype(np.int64)
    p = plan(_array(targets), in_len, tg_len, blank, n, t_max, c, zero_infinity)
    loss = CtcLoss.apply(lp, p=p)
    if reduction == "mean":
        return (loss / np.maximum(tg_len, 1).astype(loss.dtype)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(()) if unbatched else loss
