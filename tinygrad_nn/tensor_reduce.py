"""The reductions of Tensor, and the softmax family built on them (a mixin).

Every method here works along ``axis`` (PyTorch's ``dim`` / ``keepdim`` are accepted too).
``mean``, ``var``, ``std``, ``logsumexp`` and the softmaxes are composites of the ``Sum`` /
``Max`` primitives and Tensor arithmetic, so their gradients come for free (rule 6).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops as P
from ._shapes import normalize_axis, normalize_one_axis
from .function import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor


def _axes(axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    if dim is not None:
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


class TensorReduce(TensorBase):
    """Reductions and softmaxes shared by every Tensor (a mixin; ``Tensor`` adds the data)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by TensorElementwise

        def __sub__(self, y: Any) -> Tensor: ...

    def _reduce(self, op: Any, name: str, axis: Any, keepdims: bool, dim: Any,
                keepdim: Any) -> Tensor:
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        return op.apply(self, axes=normalize_axis(axis, self.ndim, name), keepdims=keepdims)

    def sum(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Tensor:
        """Sum over ``axis`` (None: all axes)."""
        return self._reduce(P.Sum, "sum", axis, keepdims, dim, keepdim)

    def mean(
        self, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        """Mean over ``axis`` = sum / count."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        axes = normalize_axis(axis, self.ndim, "mean")
        n = math.prod(self.shape[a] for a in axes)
        return P.Sum.apply(self, axes=axes, keepdims=keepdims) * (1.0 / n if n else math.nan)

    def var(
        self,
        axis: Any = None,
        keepdims: bool = False,
        ddof: int = 0,
        *,
        dim: Any = None,
        keepdim: Any = None,
        correction: int | None = None,
    ) -> Tensor:
        """Variance mean((x - mean)^2) * n / (n - ddof); ddof=0 by default (NumPy's)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        if correction is not None:
            ddof = correction
        axes = normalize_axis(axis, self.ndim, "var")
        n = math.prod(self.shape[a] for a in axes)
        d = self - self.mean(axes, keepdims=True)
        return (d * d).sum(axes, keepdims=keepdims) * (
            1.0 / max(n - ddof, 0) if n > ddof else math.nan
        )

    def std(
        self,
        axis: Any = None,
        keepdims: bool = False,
        ddof: int = 0,
        *,
        dim: Any = None,
        keepdim: Any = None,
        correction: int | None = None,
    ) -> Tensor:
        """sqrt(var(axis, keepdims, ddof)); a constant input gets gradient 0 (as PyTorch)."""
        v = self.var(axis, keepdims, ddof, dim=dim, keepdim=keepdim, correction=correction)
        return P.Sqrt.apply(v, zero_at_zero=True)

    def max(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Tensor:
        """Largest value over ``axis``; tied maxima share the gradient."""
        return self._reduce(P.Max, "max", axis, keepdims, dim, keepdim)

    def min(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Tensor:
        """Smallest value over ``axis``; tied minima share the gradient."""
        return self._reduce(P.Min, "min", axis, keepdims, dim, keepdim)

    amax, amin = max, min

    def argmax(
        self, axis: int | None = None, keepdims: bool = False, *, dim: Any = None,
        keepdim: Any = None,
    ) -> Tensor:
        """Index of the largest value (no gradient)."""
        return self._arg(np.argmax, "argmax", axis, keepdims, dim, keepdim)

    def argmin(
        self, axis: int | None = None, keepdims: bool = False, *, dim: Any = None,
        keepdim: Any = None,
    ) -> Tensor:
        """Index of the smallest value (no gradient)."""
        return self._arg(np.argmin, "argmin", axis, keepdims, dim, keepdim)

    def _arg(self, fn: Any, name: str, axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> Tensor:
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        if axis is not None:
            axis = normalize_one_axis(axis, self.ndim, name)
        return self._new(fn(self._data, axis=axis, keepdims=keepdims))

    def logsumexp(
        self, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: Any = None
    ) -> Tensor:
        """log(sum(exp(x))) computed as m + log(sum(exp(x - m))), m = max (no overflow)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        axes = normalize_axis(axis, self.ndim, "logsumexp")
        m = self._data.max(axis=axes, keepdims=True) if self._data.size else np.zeros(())
        m = np.where(np.isfinite(m), m, 0)  # all -inf rows stay -inf, not nan
        out = (self - m).exp().sum(axes, keepdims=True).log() + m
        return (
            out
            if keepdims
            else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))
        )

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """exp(x - max) / sum(exp(x - max)) along ``axis``."""
        axis = normalize_one_axis(axis if dim is None else dim, self.ndim, "softmax")
        e = (self - self._data.max(axis=axis, keepdims=True)).exp()
        return e / e.sum(axis, keepdims=True)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """x - logsumexp(x) along ``axis`` (stable for logits of any size)."""
        axis = normalize_one_axis(axis if dim is None else dim, self.ndim, "log_softmax")
        # (x - m) - log(sum(exp(x - m))): subtracting the max first keeps it exact for
        # rows of huge equal logits, where x - logsumexp(x) would cancel
        m = self._data.max(axis=axis, keepdims=True) if self._data.size else 0.0
        d = self - np.where(np.isfinite(m), m, 0)
        return d - d.exp().sum(axis, keepdims=True).log()
