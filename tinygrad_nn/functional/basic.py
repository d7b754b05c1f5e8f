"""Functional forms of the elementwise ops, softmax, linear, dropout, one_hot, embedding."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._scope import composite
from ..tensor import Tensor


def as_tensor(x: Any) -> Tensor:
    """A Tensor view of ``x`` (Tensors pass through; arrays and numbers are wrapped)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def relu(x: Any) -> Tensor:
    """max(x, 0)."""
    return as_tensor(x).relu()


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + exp(-x)), without overflow."""
    return as_tensor(x).sigmoid()


def tanh(x: Any) -> Tensor:
    return as_tensor(x).tanh()


def exp(x: Any) -> Tensor:
    return as_tensor(x).exp()


def log(x: Any) -> Tensor:
    return as_tensor(x).log()


def sqrt(x: Any) -> Tensor:
    return as_tensor(x).sqrt()


def sin(x: Any) -> Tensor:
    return as_tensor(x).sin()


def cos(x: Any) -> Tensor:
    return as_tensor(x).cos()


def abs(x: Any) -> Tensor:  # noqa: A001 - mirrors torch.nn.functional / NumPy naming
    return as_tensor(x).abs()


def leaky_relu(x: Any, slope: float = 0.01, *, negative_slope: float | None = None) -> Tensor:
    """x where x > 0, else slope * x."""
    return as_tensor(x).leaky_relu(slope, negative_slope=negative_slope)


@composite
def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x where x > 0, else alpha (exp(x) - 1)."""
    return as_tensor(x).elu(alpha)


@composite
def gelu(x: Any, approximate: str = "none") -> Tensor:
    """x Phi(x) (exact erf form by default)."""
    return as_tensor(x).gelu(approximate)


@composite
def silu(x: Any) -> Tensor:
    return as_tensor(x).silu()


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta."""
    return as_tensor(x).softplus(beta, threshold)


@composite
def logsigmoid(x: Any) -> Tensor:
    return as_tensor(x).log_sigmoid()


def clip(x: Any, lo: Any = None, hi: Any = None) -> Tensor:
    return as_tensor(x).clip(lo, hi)


clamp = clip


@composite
def softmax(x: Any, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis``, stable for any logits."""
    return as_tensor(x).softmax(axis, dim=dim)


@composite
def log_softmax(x: Any, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """x - logsumexp(x) along ``axis``."""
    return as_tensor(x).log_softmax(axis, dim=dim)


@composite
def logsumexp(
    x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """log(sum(exp(x))) without overflow."""
    return as_tensor(x).logsumexp(dim, keepdim, axis=axis, keepdims=keepdims)


def linear(x: Any, w: Any, b: Any = None) -> Tensor:
    """Affine map y = x @ w.T + b; x: (..., in), w: (out, in) -> (..., out)."""
    x, w = as_tensor(x), as_tensor(w)
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out, in), got shape {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input has {x.shape[-1] if x.ndim else 0} features (shape {x.shape}), "
            f"weight expects {w.shape[1]} (weight shape {w.shape})"
        )
    # one 2-D product (and one for each gradient), not a batched one per row
    rows = x.reshape(-1, w.shape[1]) if x.ndim > 2 else x
    if b is None:
        y = rows @ w.T
    else:
        b = as_tensor(b)
        if b.ndim > 1 or b.numel() not in (1, w.shape[0]):
            raise ValueError(f"linear: bias must have shape ({w.shape[0]},), got {b.shape}")
        y = rows @ w.T + b if x.ndim == 1 else b.addmm(rows, w.T)  # bias and product: one op
    return y.reshape(x.shape[:-1] + (w.shape[0],)) if x.ndim > 2 else y


def one_hot(idx: Any, num_classes: int = -1) -> Tensor:
    """(…,) integer class indices -> (…, num_classes) int64 one-hot rows."""
    a = np.asarray(idx._data if isinstance(idx, Tensor) else idx)
    if a.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class indices, got dtype {a.dtype}")
    n = int(a.max()) + 1 if num_classes == -1 and a.size else max(num_classes, 0)
    if a.size and (a.min() < 0 or a.max() >= n):
        raise ValueError(
            f"one_hot: class indices must be in [0, {n}), got values in [{a.min()}, {a.max()}]"
        )
    return Tensor((a[..., None] == np.arange(n)).astype(np.int64))


def embedding(idx: Any, weight: Any) -> Tensor:
    """Rows of ``weight`` (num, dim) picked by integer ``idx`` (…,) -> (…, dim)."""
    w = as_tensor(weight)
    a = np.asarray(idx._data if isinstance(idx, Tensor) else idx)
    if a.dtype.kind not in "iu":
        raise TypeError(f"embedding: expected integer indices, got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() >= w.shape[0]):
        raise IndexError(
            f"embedding: indices must be in [0, {w.shape[0]}), got values in [{a.min()}, {a.max()}]"
        )
    return w[a]
