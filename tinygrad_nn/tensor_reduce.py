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
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import ops as P
from ._shapes import NO_DIM, int_dim, int_tensor, normalize_axis, normalize_one_axis
from ._warn import user_stacklevel
from .dtypes import result_type
from .function import TensorBase
from .tensor_base import TensorMixin, with_overload
from .tensor_elementwise import _not_for, check_grad_dtype
from .tensor_indexing import _along

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



# PyTorch's error for a complex nansum, also nanmean's (PyTorch's nanmean calls nansum)
_NANSUM_COMPLEX = "nansum on CPU does not support complex inputs"


def _required_dim(axis: Any, dim: Any, op: str) -> Any:
    """The softmax family's ``dim``, given positionally (``axis``) or by keyword: PyTorch's
    TypeError when neither is (``torch.softmax(x)`` and ``x.softmax()`` have no default;
    only ``nn.functional.softmax`` picks one, with a deprecation warning)."""
    if axis is None and dim is None:
        raise TypeError(f'{op}() missing 1 required positional arguments: "dim"')
    return axis if dim is None else dim


def _softmax_axis(dim: Any, ndim: int, op: str) -> int | None:
    """The softmax family's axis; a 0-d tensor takes dim 0 or -1 (as PyTorch, which treats a
    scalar as one element along one dim) and gets None: the whole (one-element) tensor."""
    if ndim == 0:
        if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool) and dim not in (0, -1):
            raise np.exceptions.AxisError(f"{op}: dim {dim} is out of range for a 0-d tensor "
                                          "(expected to be in range of [-1, 0])")
        normalize_one_axis(dim, 1, op)  # (the type check)
        return None
    return normalize_one_axis(dim, ndim, op)

class MaxResult(NamedTuple):
    """``(values, indices)`` of ``max(dim)`` (PyTorch's ``torch.return_types.max``)."""

    values: Any
    indices: Any


class AminmaxResult(NamedTuple):
    """``(min, max)`` of ``aminmax`` (PyTorch's ``torch.return_types.aminmax``)."""

    min: Any
    max: Any


class CummaxResult(NamedTuple):
    """``(values, indices)`` of ``cummax`` (PyTorch's ``torch.return_types.cummax``)."""

    values: Any
    indices: Any


class CumminResult(NamedTuple):
    """``(values, indices)`` of ``cummin`` (PyTorch's ``torch.return_types.cummin``)."""

    values: Any
    indices: Any


class MinResult(NamedTuple):
    """``(values, indices)`` of ``min(dim)`` (PyTorch's ``torch.return_types.min``)."""

    values: Any
    indices: Any


def _dim_arg(dim: Any, axis: Any, op: str) -> Any:
    """A required ``dim``, or NumPy's ``axis=`` (PyTorch accepts both spellings)."""
    d = dim if axis is None else axis
    if d is None:
        raise TypeError(f"{op}() missing required argument 'dim'")
    return d


def _check_dim_type(dim: Any, name: str) -> None:
    """PyTorch's TypeError for a bool dim (dims are ints), raised before any dtype check."""
    if isinstance(dim, bool):
        raise TypeError(f"{name}(): argument 'dim' must be tuple of ints, not bool")


def _bool_free(dim: Any) -> Any:
    return None if isinstance(dim, bool) else dim


class TensorReduce(TensorMixin):
    """Reductions and softmaxes shared by every Tensor (a mixin; ``Tensor`` adds the data)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def __sub__(self, y: Any) -> Tensor: ...
        def maximum(self, y: Any) -> Tensor: ...
        def minimum(self, y: Any) -> Tensor: ...
        def gather(self, dim: int, index: Any) -> Tensor: ...
        def clone(self) -> Tensor: ...
        def astype(self, dtype: Any) -> Tensor: ...
        def _floating(self) -> Tensor: ...
        def __truediv__(self, y: Any) -> Tensor: ...
        def __getitem__(self, idx: Any) -> Any: ...
        def expand(self, *shape: Any) -> Tensor: ...

    def _dims(self, dim: Any, name: str) -> tuple[int, ...]:
        """``dim`` as sorted non-negative axes; a 0-d tensor takes dim 0 / -1 and reduces
        nothing, as PyTorch."""
        if isinstance(dim, (tuple, list)) and not dim:  # dim=() / []: every dim (PyTorch)
            dim = None
        axes = normalize_axis(dim, self.ndim, name)
        return axes if self.ndim else ()

    def _reduce(self, op: Any, name: str, dim: Any, keepdim: bool, axis: Any,
                keepdims: Any) -> Tensor:
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if op is not P.Sum and dim is None and self._data.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        return op.apply(self, axes=self._dims(dim, name), keepdims=keepdim)

    def sum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
            axis: Any = None, keepdims: Any = None) -> Tensor:
        """Sum over ``dim`` (None: all dims); bool and integer tensors sum to int64."""
        x = self._cast_for_reduce(dtype)
        out = x._reduce(P.Sum, "sum", dim, keepdim, axis, keepdims)
        if dtype is not None and out.dtype != x.dtype:  # NumPy sums int32 / bool to int64
            out = out.astype(x.dtype)
        # PyTorch's node: SumBackward0 for sum(), SumBackward1 when dims are given
        return out if dim is None and axis is None else with_overload(out, 1)

    def mean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
             axis: Any = None, keepdims: Any = None) -> Tensor:
        """Mean over ``dim`` = sum / count (floating tensors only, as PyTorch)."""
        _check_dim_type(dim, "mean")
        x = self._cast_for_reduce(dtype)
        if x.dtype.kind not in "fc":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {x.dtype}"
            )
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        out = P.Mean.apply(x, axes=x._dims(dim, "mean"), keepdims=keepdim)
        return out if dim is None else with_overload(out, 1)  # (MeanBackward1, as sum's)

    def _cast_for_reduce(self, dtype: Any) -> Any:
        if dtype is None:  # unsigned sums are int64 in PyTorch (NumPy would give uint64)
            return self.astype(np.int64) if self._data.dtype.kind == "u" else self
        out = self.astype(dtype)
        check_grad_dtype(self, out.dtype)
        return out

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: Any = None, axis: Any = None, keepdims: Any = None) -> Tensor:
        """sum((x - mean)^2) / (n - correction) over ``dim``; correction=1 (unbiased) by
        default, as PyTorch (``unbiased=False`` or ``correction=0``: divide by n)."""
        return self._variance(dim, unbiased, keepdim, correction, axis, keepdims, "var")

    def _variance(self, dim: Any, unbiased: Any, keepdim: bool, correction: Any, axis: Any,
                  keepdims: Any, op: str) -> Tensor:
        """``var`` for ``op`` (var, std, var_mean, std_mean: the name PyTorch's warning uses)."""
        if isinstance(dim, bool):  # var(False): PyTorch's overload var(unbiased)
            dim, unbiased = None, dim
        if self.dtype.kind not in "fc":  # checked before the dims, as PyTorch
            raise RuntimeError("std and var only support floating point and complex dtypes")
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if correction is None:
            correction = 0 if unbiased is False else 1
        elif unbiased is not None:
            raise RuntimeError("var(): pass only one of unbiased and correction")
        axes = self._dims(dim, "var")
        n = math.prod(self._data.shape[a] for a in axes)
        d = self - self.mean(axes, keepdim=True)
        # |d|^2: real for a complex x, as PyTorch's complex variance
        squares = ((d * d.conj()).real if d.dtype.kind == "c" else d * d).sum(  # type: ignore[attr-defined]
            axes, keepdim=keepdim)
        if n > correction:
            return squares * (1.0 / (n - correction))
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=user_stacklevel())
        # PyTorch divides the value by max(0, n - correction) (a sum of squares / 0: inf, or
        # NaN for 0 / 0) but its gradient by n - correction itself: 2 (x - mean) / (n - c)
        with np.errstate(divide="ignore", invalid="ignore"):
            if n == correction:  # inf (NaN at 0) for the value and for the gradient's scale;
                # the mean's share of the gradient (0 for a finite scale) would be inf - inf
                d = self - self.mean(axes, keepdim=True).detach()
                return (d * d).sum(axes, keepdim=keepdim) * math.inf
            scale = 1.0 / (n - correction)
            value = squares._data / np.asarray(0.0, squares.dtype)
            return squares * scale + self._new(value - squares._data * scale)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: Any = None, axis: Any = None, keepdims: Any = None) -> Tensor:
        """sqrt(var(dim, unbiased, keepdim, correction=)); a constant input gets gradient 0."""
        v = self._variance(dim, unbiased, keepdim, correction, axis, keepdims, "std")
        return P.Sqrt.apply(v, zero_at_zero=True)

    def var_mean(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
                 correction: Any = None) -> tuple[Tensor, Tensor]:
        """(var, mean) over ``dim`` (PyTorch's ``var_mean``)."""
        v = self._variance(dim, unbiased, keepdim, correction, None, None, "var_mean")
        return v, self.mean(_bool_free(dim), keepdim=keepdim)

    def std_mean(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
                 correction: Any = None) -> tuple[Tensor, Tensor]:
        """(std, mean) over ``dim`` (PyTorch's ``std_mean``)."""
        v = self._variance(dim, unbiased, keepdim, correction, None, None, "std_mean")
        return P.Sqrt.apply(v, zero_at_zero=True), self.mean(_bool_free(dim), keepdim=keepdim)

    def max(self, dim: Any = NO_DIM, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:
        """No dim: the largest value (0-d). ``max(dim)``: the named tuple (values, indices),
        the gradient going to the index, as PyTorch. ``max(other)``: elementwise maximum."""
        return self._extreme(True, dim, keepdim, axis, keepdims)

    def min(self, dim: Any = NO_DIM, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None) -> Any:
        """No dim: the smallest value (0-d). ``min(dim)``: the named tuple (values, indices).
        ``min(other)``: elementwise minimum."""
        return self._extreme(False, dim, keepdim, axis, keepdims)

    def _extreme(self, big: bool, dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> Any:
        if isinstance(dim, (TensorBase, np.ndarray)):
            return self.maximum(dim) if big else self.minimum(dim)
        name = "max" if big else "min"
        dim, keepdim = _axes(dim if axis is not None else int_dim(dim, name), keepdim, axis,
                             keepdims)
        if self._data.dtype.kind == "c" and dim is not None:  # complex numbers have no order
            raise RuntimeError(f"{name}(): does not support complex input")
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError(f"{name}(): expected a non-empty tensor (no dim given)")
            if self._data.dtype.kind == "c":
                raise _not_for(f"{name}_all", self.dtype)
            return (P.Max if big else P.Min).apply(self, axes=tuple(range(self.ndim)),
                                                   keepdims=False)
        if isinstance(dim, (tuple, list)):
            raise TypeError(f"{name}(): dim must be an int, got {dim!r} (use amax/amin for "
                            "several dims)")
        a = normalize_one_axis(dim, max(self.ndim, 1), name)
        result = MaxResult if big else MinResult
        if self.ndim == 0:
            return result(self.clone(), self._new(np.zeros((), dtype=np.int64)))
        if self._data.shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")
        idx = (np.argmax if big else np.argmin)(self._data, axis=a, keepdims=True)
        coords = _along(idx, a)  # the gradient goes to the chosen element (PyTorch)
        if not keepdim:
            coords, idx = tuple(c.squeeze(a) for c in coords), idx.squeeze(a)
        values = (P.MaxDim if big else P.MinDim).apply(self, idx=coords)
        return result(values, self._new(idx))

    def amax(self, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Tensor:
        """Largest value over ``dim`` (one or several dims; () or None: all); tied maxima
        share the gradient."""
        dim = None if dim == () else dim
        if self._data.dtype.kind == "c":  # complex numbers have no order
            raise _not_for("max_values_cpu", self.dtype)
        return self._reduce(P.Amax, "amax", dim, keepdim, axis, keepdims)

    def amin(self, dim: Any = (), keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Tensor:
        """Smallest value over ``dim`` (one or several dims; () or None: all)."""
        dim = None if dim == () else dim
        if self._data.dtype.kind == "c":
            raise _not_for("min_values_cpu", self.dtype)
        return self._reduce(P.Amin, "amin", dim, keepdim, axis, keepdims)

    def aminmax(self, *, dim: Any = None, keepdim: bool = False, axis: Any = None,
                keepdims: Any = None) -> AminmaxResult:
        """The named tuple (min, max) over ``dim`` (an int; None: all); tied extremes share
        the gradient evenly, as ``amin`` / ``amax``."""
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if self._data.dtype.kind == "c":
            raise _not_for("aminmax_cpu", self.dtype)
        if dim is not None:
            a = normalize_one_axis(dim, max(self.ndim, 1), "aminmax")
            if self.ndim and self._data.shape[a] == 0:
                raise IndexError(f"aminmax: Expected reduction dim {a} to have non-zero size.")
            dim = a if self.ndim else None
        elif self._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as "
                               "the operation has no identity.")
        return AminmaxResult(self.amin(dim, keepdim), self.amax(dim, keepdim))

    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
               axis: Any = None, keepdims: Any = None) -> Tensor:
        """Sum over ``dim`` treating NaN as 0 (NaN entries get gradient 0)."""
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if self._data.dtype.kind == "c":  # (also nanmean's error: PyTorch's calls nansum)
            raise RuntimeError(_NANSUM_COMPLEX)
        x = self._cast_for_reduce(dtype)
        if x.dtype.kind in "fc":
            x = P.NanToZero.apply(x)
        return x.sum(dim, keepdim, dtype=None if dtype is None else x.dtype)

    def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
                axis: Any = None, keepdims: Any = None) -> Tensor:
        """Mean over ``dim`` of the non-NaN entries: nansum / their count (floating only)."""
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        _check_dim_type(dim, "nanmean")
        if self.dtype.kind not in "fc":  # the input's dtype, before ``dtype``, as PyTorch
            raise RuntimeError("nanmean(): expected input to have floating point or complex "
                               f"dtype but got {self.dtype}")
        if self.dtype.kind == "c":
            raise RuntimeError(_NANSUM_COMPLEX)
        x = self._cast_for_reduce(dtype)
        if x.dtype.kind not in "fc":
            raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be "
                               f"either a floating point or complex dtype. Got: {x.dtype}")
        axes = x._dims(dim, "nanmean")
        count = np.logical_not(np.isnan(x._data)).sum(axes, keepdims=bool(keepdim))
        return x.nansum(axes, keepdim) / count.astype(x.dtype)

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
        if self._data.dtype.kind == "c":
            raise RuntimeError(f"{name}(): does not support complex input")
        dim = int_tensor(dim, dim)  # (a one-element integer tensor, as PyTorch takes it)
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer))):
            raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
        if self._data.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is not None:
            dim = normalize_one_axis(int(dim), max(self.ndim, 1), name)
            if self.ndim == 0:
                dim = None
            elif self._data.shape[dim] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        elif self._data.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        out = fn(self._data, axis=dim, keepdims=keepdim)
        if dim is None and keepdim:  # PyTorch: all dims kept as size 1
            out = np.reshape(out, (1,) * self.ndim)
        return self._new(np.asarray(out, dtype=np.int64))

    # -- scans ------------------------------------------------------------------------
    def cummax(self, dim: Any = None, *, axis: Any = None) -> CummaxResult:
        """(values, indices): y_i = max(x_0..x_i) along ``dim``; the index is the LAST
        position holding the running max (PyTorch's >= rule), and NaN, once met, stays."""
        return self._cum_extreme(_dim_arg(dim, axis, "cummax"), True)

    def cummin(self, dim: Any = None, *, axis: Any = None) -> CumminResult:
        """(values, indices): y_i = min(x_0..x_i) along ``dim`` (the last index on ties)."""
        return self._cum_extreme(_dim_arg(dim, axis, "cummin"), False)

    def _cum_extreme(self, dim: int, big: bool) -> Any:
        name = "cummax" if big else "cummin"
        if self._data.dtype.kind == "c":
            raise _not_for(f"{name}_cpu", self.dtype)
        a = normalize_one_axis(dim, max(self.ndim, 1), name)
        result = CummaxResult if big else CumminResult
        if self.ndim == 0:
            return result(self.clone(), self._new(np.zeros((), np.int64)))
        x = self._data
        if x.size == 0:
            return result(self.clone(), self._new(np.zeros(x.shape, np.int64)))
        run = (np.maximum if big else np.minimum).accumulate(x, axis=a)  # NaN propagates
        # a position is the reported index from the point on where it equals the running
        # extreme (or is NaN) until the next such position
        hit = (x == run) | (np.isnan(x) if x.dtype.kind in "fc" else False)
        pos = np.arange(x.shape[a]).reshape((-1,) + (1,) * (x.ndim - a - 1))
        idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=a).astype(np.int64)
        return result((P.Cummax if big else P.Cummin).apply(self, idx=_along(idx, a)),
                      self._new(idx))

    def logcumsumexp(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """y_i = log(sum_{k<=i} exp(x_k)) along ``dim``, by logaddexp steps (no overflow)."""
        dim = _dim_arg(dim, axis, "logcumsumexp")
        a = normalize_one_axis(dim, max(self.ndim, 1), "logcumsumexp")  # before the dtype
        if self.dtype.kind not in "fc":
            raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for '
                                      f"'{self.dtype}'")
        if self.ndim == 0:
            return self.clone()
        return P.LogCumSumExp.apply(self, axis=a)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None, *,
             axis: Any = None) -> Tensor:
        """The n-th forward difference y_i = x_{i+1} - x_i along ``dim`` (applied n times;
        bool: x_{i+1} != x_i), after joining the tensors ``prepend`` and ``append`` (same
        ndim) to x along ``dim``."""
        if self.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        if n < 0:
            raise RuntimeError(f"order must be non-negative but got {n}")
        dim = _dim_arg(dim, axis, "diff")
        a = normalize_one_axis(dim, self.ndim, "diff")
        parts: list[Any] = [e if isinstance(e, TensorBase) else self._new(np.asarray(e))
                 for e in (prepend, self, append) if e is not None]
        if any(e.ndim != self.ndim for e in parts):
            raise RuntimeError("diff expects prepend or append to be the same dimension as "
                               "input")
        dt = result_type(*parts)  # PyTorch's cat promotes as arithmetic does
        parts = [e if e.dtype == dt else e.astype(dt) for e in parts]
        x: Any = P.Concatenate.apply(*parts, axis=a) if len(parts) > 1 else self
        for _ in range(n):
            if x.shape[a] == 0:
                break
            hi = x[(slice(None),) * a + (slice(1, None),)]
            lo = x[(slice(None),) * a + (slice(None, -1),)]
            x = hi != lo if x.dtype == np.bool_ else hi - lo
        return x

    def logsumexp(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
                  keepdims: Any = None) -> Tensor:
        """log(sum(exp(x))) over ``dim``, computed as m + log(sum(exp(x - m))), m the
        maximum (no overflow); integers and bools give the default float, as in PyTorch.
        ``dim`` is required (PyTorch has no all-elements form: a TypeError without it)."""
        axis, keepdims = _axes(dim, keepdim, axis, keepdims)
        if axis is None:
            raise TypeError('logsumexp() missing 1 required positional arguments: "dim" '
                            "(pass dim=tuple(range(x.ndim)) to reduce every element)")
        if isinstance(axis, (tuple, list)) and not axis:  # (): every dim, as sum
            axis = None
        axes = normalize_axis(axis, self.ndim, "logsumexp")  # a 0-d tensor takes 0 / -1
        axes = axes if self.ndim else ()
        x = self._floating()  # integers and bools: the default float
        return P.LogSumExp.apply(x, axes=axes, keepdims=keepdims)

    def softmax(self, axis: int | None = None, dtype: Any = None, *,
                dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim`` (required, as in PyTorch), computed from
        x - max (no overflow); ``dtype`` casts x first. One node (``SoftmaxBackward0``)."""
        x = self if dtype is None else self.astype(dtype)
        along = _softmax_axis(_required_dim(axis, dim, "softmax"), self.ndim, "softmax")
        return P.Softmax.apply(x, axis=along)

    def log_softmax(self, axis: int | None = None, dtype: Any = None, *,
                    dim: int | None = None) -> Tensor:
        """x - log(sum(exp(x))) along ``dim`` (required, as in PyTorch), computed as
        (x - m) - log(sum(exp(x - m))), m the maximum (exact for rows of huge equal logits);
        ``dtype`` casts x first. One node (``LogSoftmaxBackward0``)."""
        x = self if dtype is None else self.astype(dtype)
        along = _softmax_axis(_required_dim(axis, dim, "log_softmax"), self.ndim, "log_softmax")
        return P.LogSoftmax.apply(x, axis=along)
