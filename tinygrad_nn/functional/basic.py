"""Functional forms of the elementwise ops, softmax, linear, dropout, one_hot."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._scope import composite
from .._shapes import ShapeError
from .._warn import user_stacklevel
from ..tensor import Tensor


def as_tensor(x: Any) -> Tensor:
    """A Tensor view of ``x`` (Tensors pass through; arrays and numbers are wrapped)."""
    return x if isinstance(x, Tensor) else Tensor._new(x)


def _result(input: Any, out: Tensor, inplace: bool) -> Tensor:
    """PyTorch's ``inplace=True``: the input tensor itself is changed to hold the result."""
    return as_tensor(input).copy_(out) if inplace else out


def _source(input: Any, inplace: bool) -> Tensor:
    """The tensor to compute from: with ``inplace`` and a graph, a copy, so the values a
    backward saves are not the ones the in-place write then replaces."""
    x = as_tensor(input)
    return x.clone() if inplace and x.requires_grad else x


def relu(input: Any, inplace: bool = False) -> Tensor:
    """max(x, 0); ``inplace`` is ``input.relu_()`` (as PyTorch's: recorded as ReluBackward0,
    not as a copy of an out-of-place result)."""
    if inplace and isinstance(input, Tensor):
        return input.relu_()
    return _result(input, _source(input, inplace).relu(), inplace)


def sigmoid(input: Any) -> Tensor:
    """1 / (1 + exp(-x)), without overflow."""
    return as_tensor(input).sigmoid()


def tanh(input: Any) -> Tensor:
    return as_tensor(input).tanh()


def exp(input: Any) -> Tensor:
    return as_tensor(input).exp()


def log(input: Any) -> Tensor:
    return as_tensor(input).log()


def sqrt(input: Any) -> Tensor:
    return as_tensor(input).sqrt()


def sin(input: Any) -> Tensor:
    return as_tensor(input).sin()


def cos(input: Any) -> Tensor:
    return as_tensor(input).cos()


def abs(input: Any) -> Tensor:  # noqa: A001 - mirrors torch.nn.functional / NumPy naming
    return as_tensor(input).abs()


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x."""
    return _result(input, _source(input, inplace).leaky_relu(negative_slope), inplace)


@composite
def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha (exp(x) - 1)."""
    return _result(input, _source(input, inplace).elu(alpha), inplace)


@composite
def gelu(input: Any, *, approximate: str = "none") -> Tensor:
    """x Phi(x) (exact erf form by default)."""
    return as_tensor(input).gelu(approximate)


@composite
def silu(input: Any, inplace: bool = False) -> Tensor:
    """x sigmoid(x)."""
    return _result(input, _source(input, inplace).silu(), inplace)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta."""
    return as_tensor(input).softplus(beta, threshold)


@composite
def logsigmoid(input: Any) -> Tensor:
    return as_tensor(input).log_sigmoid()


def clip(x: Any, lo: Any = None, hi: Any = None) -> Tensor:
    return as_tensor(x).clip(lo, hi)


clamp = clip


def softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None, *,
            axis: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``, stable for any logits."""
    x = _cast(input, dtype)
    return x.softmax(_softmax_dim("softmax", x.ndim, dim if axis is None else axis))


def log_softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None, *,
                axis: int | None = None) -> Tensor:
    """x - log(sum(exp(x))) along ``dim``, stable for any logits."""
    x = _cast(input, dtype)
    return x.log_softmax(_softmax_dim("log_softmax", x.ndim, dim if axis is None else axis))


def _cast(input: Any, dtype: Any) -> Tensor:
    x = as_tensor(input)
    return x if dtype is None else x.to(dtype)


def _softmax_dim(name: str, ndim: int, dim: int | None) -> int:
    """PyTorch's rule for a softmax called without ``dim``: 0 for 0-, 1- and 3-D, else 1."""
    if dim is not None:
        return dim
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", UserWarning,
                  stacklevel=user_stacklevel())
    return 0 if ndim in (0, 1, 3) else 1


def logsumexp(
    x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """log(sum(exp(x))) without overflow."""
    return as_tensor(x).logsumexp(dim, keepdim, axis=axis, keepdims=keepdims)


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """Affine map y = x @ w.T + b; x: (..., in), w: (out, in) -> (..., out)."""
    input, weight = as_tensor(input), as_tensor(weight)
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out, in), got shape {tuple(weight.shape)}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"linear: input has {input.shape[-1] if input.ndim else 0} features "
            f"(shape {tuple(input.shape)}), "
            f"weight expects {weight.shape[1]} (weight shape {tuple(weight.shape)})"
        )
    # one 2-D product (and one for each gradient), not a batched one per row
    rows = input.reshape(-1, weight.shape[1]) if input.ndim > 2 else input
    if bias is None:
        y = rows @ weight.t()
    else:
        bias = as_tensor(bias)
        if bias.ndim > 1 or bias.numel() not in (1, weight.shape[0]):
            raise ValueError(f"linear: bias must have shape ({weight.shape[0]},), got "
                             f"{tuple(bias.shape)}")
        # bias and product: one op
        y = rows @ weight.t() + bias if input.ndim == 1 else bias.addmm(rows, weight.t())
    return y.reshape(input.shape[:-1] + (weight.shape[0],)) if input.ndim > 2 else y


class IndexDtypeError(RuntimeError, TypeError):
    """Class indices that are not integers: PyTorch raises RuntimeError; a TypeError too, as
    this library's earlier releases raised."""


def one_hot(input: Any, num_classes: int = -1) -> Tensor:
    """(…,) integer class indices -> (…, num_classes) int64 one-hot rows."""
    a = np.asarray(input._data if isinstance(input, Tensor) else input)
    # (PyTorch's RuntimeErrors; each also the TypeError / ValueError this library raised)
    if a.dtype.kind not in "iu":
        raise IndexDtypeError(f"one_hot: expected integer class indices, got dtype {a.dtype}")
    n = int(a.max()) + 1 if num_classes == -1 and a.size else max(num_classes, 0)
    if a.size and (a.min() < 0 or a.max() >= n):
        raise ShapeError(
            f"one_hot: class indices must be in [0, {n}), got values in [{a.min()}, {a.max()}]"
        )
    return Tensor._new((a[..., None] == np.arange(n)).astype(np.int64))
