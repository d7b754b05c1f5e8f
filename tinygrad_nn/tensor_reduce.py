"""The reductions of Tensor, and the softmax family built on them (a mixin).

Every method takes PyTorch's ``dim`` / ``keepdim`` (NumPy's ``axis=`` / ``keepdims=`` accepted
by name, as PyTorch does); ``var`` / ``std`` are unbiased by default and ``max`` / ``min`` with a
dim return ``(values, indices)`` named tuples, as PyTorch.
``mean``, ``var`` and ``std`` are composites of the ``Sum`` / ``Max`` primitives and Tensor
arithmetic, so their gradients come for free (rule 6); ``logsumexp`` and the softmaxes are
primitives (``ops/softmax.py``), for speed and PyTorch's graph.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np

from . import ops as P
from ._shapes import normalize_axis, normalize_one_axis
from .dtypes import get_default_dtype
from .function import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor


def _axes(dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> tuple[Any, bool]:
    """PyTorch's ``dim`` / ``keepdim``, with NumPy's spellings ``axis=`` / ``keepdims=``
    accepted where PyTorch accepts them."""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


class MaxResult(NamedTuple):
    """``(values, indices)`` of ``max(dim)`` (PyTorch's ``torch.return_types.max``)."""

    values: Any
    indices: Any


class MinResult(NamedTuple):
    """``(values, indices)`` of ``min(dim)`` (PyTorch's ``torch.return_types.min``)."""

    values: Any
    indices: Any


def _bool_free(dim: Any) -> Any:
    return None if isinstance(dim, bool) else dim


class TensorReduce(TensorBase):
    """Reductions and softmaxes shared by every Tensor (a mixin; ``Tensor`` adds the data)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def __sub__(self, y: Any) -> Tensor: ...
        def maximum(self, y: Any) -> Tensor: ...
        def minimum(self, y: Any) -> Tensor: ...
        def gather(self, dim: int, index: Any) -> Tensor: ...
        def clone(self) -> Tensor: ...
        def astype(self, dtype: Any) -> Tensor: ...

    def _reduce(self, op: Any, name: str, dim: Any, keepdim: bool, axis: Any,
                keepdims: Any) -> Tensor:
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        return op.apply(self, axes=normalize_axis(dim, self.ndim, name), keepdims=keepdim)

    def sum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
            axis: Any = None, keepdims: Any = None) -> Tensor:
        """Sum over ``dim`` (None: all dims); bool and integer tensors sum to int64."""
        x = self._cast_for_reduce(dtype)
        return x._reduce(P.Sum, "sum", dim, keepdim, axis, keepdims)

    def mean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
             axis: Any = None, keepdims: Any = None) -> Tensor:
        """Mean over ``dim`` = sum / count (floating tensors only, as PyTorch)."""
        x = self._cast_for_reduce(dtype)
        if x.dtype.kind not in "fc":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {x.dtype}"
            )
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        axes = normalize_axis(dim, x.ndim, "mean")
        return P.Mean.apply(x, axes=axes, keepdims=keepdim)

    def _cast_for_reduce(self, dtype: Any) -> Any:
        return self if dtype is None else self.astype(dtype)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: Any = None, axis: Any = None, keepdims: Any = None) -> Tensor:
        """sum((x - mean)^2) / (n - correction) over ``dim``; correction=1 (unbiased) by
        default, as PyTorch (``unbiased=False`` or ``correction=0``: divide by n)."""
        if isinstance(dim, bool):  # var(False): PyTorch's overload var(unbiased)
            dim, unbiased = None, dim
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if correction is None:
            correction = 0 if unbiased is False else 1
        elif unbiased is not None:
            raise RuntimeError("var(): pass only one of unbiased and correction")
        axes = normalize_axis(dim, self.ndim, "var")
        n = math.prod(self.shape[a] for a in axes)
        d = self - self.mean(axes, keepdim=True)
        return (d * d).sum(axes, keepdim=keepdim) * (
            1.0 / (n - correction) if n > correction else math.nan
        )

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: Any = None, axis: Any = None, keepdims: Any = None) -> Tensor:
        """sqrt(var(dim, unbiased, keepdim, correction=)); a constant input gets gradient 0."""
        v = self.var(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)
        return P.Sqrt.apply(v, zero_at_zero=True)

    def var_mean(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
                 correction: Any = None) -> tuple[Tensor, Tensor]:
        """(var, mean) over ``dim`` (PyTorch's ``var_mean``)."""
        v = self.var(dim, unbiased, keepdim, correction=correction)
        return v, self.mean(_bool_free(dim), keepdim=keepdim)

    def std_mean(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
                 correction: Any = None) -> tuple[Tensor, Tensor]:
        """(std, mean) over ``dim`` (PyTorch's ``std_mean``)."""
        s = self.std(dim, unbiased, keepdim, correction=correction)
        return s, self.mean(_bool_free(dim), keepdim=keepdim)

    def max(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:
        """No dim: the largest value (0-d). ``max(dim)``: the named tuple (values, indices),
        the gradient going to the index, as PyTorch. ``max(other)``: elementwise maximum."""
        return self._extreme(True, dim, keepdim, axis, keepdims)

    def min(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:
        """No dim: the smallest value (0-d). ``min(dim)``: the named tuple (values, indices).
        ``min(other)``: elementwise minimum."""
        return self._extreme(False, dim, keepdim, axis, keepdims)

    def _extreme(self, big: bool, dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> Any:
        if isinstance(dim, (TensorBase, np.ndarray)):
            return self.maximum(dim) if big else self.minimum(dim)
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        name = "max" if big else "min"
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError(f"{name}(): expected a non-empty tensor (no dim given)")
            return (P.Max if big else P.Min).apply(self, axes=tuple(range(self.ndim)),
                                                   keepdims=False)
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"{name}(): dim must be an int, got {dim!r} (use amax/amin for "
                            "several dims)")
        a = normalize_one_axis(dim, max(self.ndim, 1), name)
        result = MaxResult if big else MinResult
        if self.ndim == 0:
            return result(self.clone(), self._new(np.zeros((), dtype=np.int64)))
        idx = (np.argmax if big else np.argmin)(self._data, axis=a, keepdims=True)
        values = self.gather(a, idx)  # the gradient goes to the chosen element (PyTorch)
        if not keepdim:
            values, idx = values.squeeze(a), idx.squeeze(a)
        return result(values, self._new(idx))

    def amax(self, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Tensor:
        """Largest value over ``dim`` (one or several dims; () or None: all); tied maxima
        share the gradient."""
        dim = None if dim == () else dim
        return self._reduce(P.Max, "amax", dim, keepdim, axis, keepdims)

    def amin(self, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Tensor:
        """Smallest value over ``dim`` (one or several dims; () or None: all)."""
        dim = None if dim == () else dim
        return self._reduce(P.Min, "amin", dim, keepdim, axis, keepdims)

    def argmax(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
               keepdims: Any = None) -> Tensor:
        """Index of the largest value (of the flattened tensor when dim is None; int64)."""
        return self._arg(np.argmax, "argmax", dim, keepdim, axis, keepdims)

    def argmin(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
               keepdims: Any = None) -> Tensor:
        """Index of the smallest value (int64, no gradient)."""
        return self._arg(np.argmin, "argmin", dim, keepdim, axis, keepdims)

    def _arg(self, fn: Any, name: str, dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> Tensor:
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if dim is not None:
            dim = normalize_one_axis(dim, max(self.ndim, 1), name)
            if self.ndim == 0:
                dim = None
        out = fn(self._data, axis=dim, keepdims=keepdim)
        if dim is None and keepdim:  # PyTorch: all dims kept as size 1
            out = np.reshape(out, (1,) * self.ndim)
        return self._new(np.asarray(out, dtype=np.int64))

    def logsumexp(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
                  keepdims: Any = None) -> Tensor:
        """log(sum(exp(x))) over ``dim``, computed as m + log(sum(exp(x - m))), m the
        maximum (no overflow); integers and bools give the default float, as in PyTorch."""
        axis, keepdims = _axes(dim, keepdim, axis, keepdims)
        axes = normalize_axis(axis, self.ndim, "logsumexp")
        x = self if self._data.dtype.kind in "fc" else cast(Any, self).to(get_default_dtype())
        return P.LogSumExp.apply(x, axes=axes, keepdims=keepdims)

    def softmax(self, axis: int = -1, dtype: Any = None, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim``, computed from x - max (no overflow); ``dtype``
        casts x first. One node (PyTorch's ``SoftmaxBackward0``)."""
        x = self if dtype is None else cast(Any, self).to(dtype)
        axis = normalize_one_axis(axis if dim is None else dim, self.ndim, "softmax")
        return P.Softmax.apply(x, axis=axis)

    def log_softmax(self, axis: int = -1, dtype: Any = None, *,
                    dim: int | None = None) -> Tensor:
        """x - log(sum(exp(x))) along ``dim``, computed as (x - m) - log(sum(exp(x - m))), m
        the maximum (exact for rows of huge equal logits); ``dtype`` casts x first. One node
        (PyTorch's ``LogSoftmaxBackward0``)."""
        x = self if dtype is None else cast(Any, self).to(dtype)
        axis = normalize_one_axis(axis if dim is None else dim, self.ndim, "log_softmax")
        return P.LogSoftmax.apply(x, axis=axis)
