"""Writes along a dim and counts into bins: index_add / index_copy / index_fill,
masked_scatter, scatter_reduce (and their in-place forms), bincount, histc, searchsorted,
bucketize (a mixin, and PyTorch's two top-level searches).

The writes are composites (rule 6): an addition is the adjoint of indexing
(``ScatterAdd``: index_add, scatter_reduce's sum and mean), a fill or a masked write is a
``where``, and scatter_reduce's product multiplies, per output element, the row of its
candidates (``Prod``: exact with zeros). Two primitives, each for PyTorch's gradient
rule: ``index_copy`` (it reaches overwritten source elements too) and scatter_reduce's
amax / amin (``ScatterExtreme``: ties share evenly, in O(n) memory). Counts never require
grad.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Self, cast

import numpy as np

from . import ops as P
from ._shapes import normalize_one_axis
from ._warn import user_stacklevel
from .function import TensorBase
from .function import data_of as _data
from .ops.select import NoDerivative, ScatterExtreme
from .ops.strided import IndexCopy, IndexPut
from .tensor_base import TensorMixin, with_overload
from .tensor_elementwise import _not_for, _torch_name, fill_where
from .tensor_elementwise import select as where
from .tensor_indexing import _along, _check_along, _index_array, _lead
from .tensor_movement import index_arrays
from .tensor_reduce import _dim_arg

if TYPE_CHECKING:
    from .tensor import Tensor

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _index_vector(index: Any, op: str) -> np.ndarray:
    """The index of ``index_add`` / ``index_copy`` / ``index_fill`` as a vector, under each
    op's own dtype and rank checks (PyTorch's exception classes differ between them)."""
    idx = np.asarray(_data(index))
    if op == "index_fill":
        if idx.dtype != np.int64:
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        if idx.ndim > 1:
            raise RuntimeError("Index has to be a vector/scalar")
    elif op == "index_copy" and idx.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_torch_name(idx.dtype)}")
    if idx.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index but got: {idx.dtype}")
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, but got dim: {idx.ndim} "
                         f"and size: {list(idx.shape)}")
    return idx.reshape(-1)


def _index_coords(op: str, x_shape: tuple[int, ...], a: int, idx: np.ndarray,
                  src_shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Coordinates in x (0-d read as (1,)) of every element of src: src[.., i, ..] goes to
    x[.., idx[i], ..] along axis ``a``; PyTorch's shape and bound checks."""
    xs, ss = x_shape or (1,), src_shape or (1,)
    off = [d for d, (n, m) in enumerate(zip(xs, ss)) if n != m and d != a]
    if not x_shape and ss != (1,) or len(ss) != len(xs) or off:
        raise RuntimeError(f"{op}(): source tensor shape must match self tensor shape, "
                           f"excluding the specified dimension. Got self._data.shape = "
                           f"{list(x_shape)} source.shape = {list(src_shape)}")
    if ss[a] != idx.size:  # (PyTorch's classes differ between the two ops)
        raise (IndexError if op == "index_copy" else RuntimeError)(
            f"{op}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
            f"({ss[a]}), for dim: {a}")
    bad = idx[(idx < 0) | (idx >= xs[a])]
    if bad.size:
        raise IndexError(f"{op}(): index {bad[0]} is out of bounds for dimension {a} with "
                         f"size {xs[a]}")
    coords = list(np.indices(ss, sparse=True))
    coords[a] = idx[coords[a]]
    return tuple(coords)


class TensorScatter(TensorMixin):
    """index_add, index_copy, index_fill, masked_scatter, scatter_reduce, bincount, histc."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def reshape(self, *shape: Any) -> Tensor: ...
        def expand(self, *shape: Any) -> Tensor: ...
        def astype(self, dtype: Any) -> Tensor: ...
        def sum(self, dim: Any = None, keepdim: bool = False) -> Tensor: ...
        def __getitem__(self, idx: Any) -> Any: ...
        def __mul__(self, y: Any) -> Tensor: ...
        def __add__(self, y: Any) -> Tensor: ...
        def __truediv__(self, y: Any) -> Tensor: ...
        def detach(self) -> Tensor: ...
        def _inplace(self, name: str, compute: Any, *others: Any) -> Any: ...

    def _along_dim(self, op: str, dim: int, index: Any, source: Any) -> tuple[Any, Any]:
        """(source as a Tensor of self's dtype, x-coordinates of its elements)."""
        if index is None or source is None:
            raise TypeError(f"{op}() missing required arguments 'index' and 'source'")
        a = normalize_one_axis(dim, max(self.ndim, 1), op)
        src: Any = source if isinstance(source, TensorBase) else self._new(np.asarray(source))
        if op == "index_copy" and self.ndim and src.ndim and self.ndim != src.ndim:
            raise IndexError("index_copy_(): When source and destination are not scalars, "
                             f"their dimensionality must match. Source dimensionality "
                             f"({src.ndim}), destination dimensionality ({self.ndim})")
        idx = _index_vector(index, op)
        if src.dtype != self.dtype:  # (PyTorch names the in-place op, which both forms run)
            raise RuntimeError(f"{op}_(): self ({self.dtype}) and source ({src.dtype}) must "
                               "have the same scalar type")
        return src, _index_coords(op, self._data.shape, a, idx, src.shape)

    def index_add(self, dim: Any = None, index: Any = None, source: Any = None, *,
                  alpha: Any = 1, axis: Any = None) -> Tensor:
        """y = x, then y[.., index[i], ..] += alpha * source[.., i, ..] along ``dim`` (repeated
        indices accumulate); x and source both get gradients."""
        src, coords = self._along_dim("index_add", _dim_arg(dim, axis, "index_add"), index,
                                      source)
        part = src if alpha == 1 else src * alpha
        add = P.ScatterAdd.apply(part.reshape(src.shape or (1,)), idx=coords,
                                 shape=self._data.shape or (1,))
        return self + add.reshape(self._data.shape)

    def index_put(self, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        """y = x, then y[indices] = values (``indices`` a tuple of index or mask Tensors, as
        ``x[i, j]``; values broadcast to x[indices]); ``accumulate=True`` adds instead, with
        repeated targets summed. x and values get gradients; values must have x's dtype."""
        if not isinstance(values, TensorBase):
            raise TypeError("index_put(): argument 'values' (position 2) must be Tensor, not "
                            f"{type(values).__name__}")
        if values.dtype != self.dtype:
            raise RuntimeError("Index put requires the source and destination dtypes match, "
                               f"got {self.dtype} for the destination and {values.dtype} for "
                               "the source.")
        idx = index_arrays(tuple(indices))
        if not accumulate:
            return IndexPut.apply(self, values, idx=idx)  # type: ignore[no-any-return]
        target = self._data[idx].shape
        v = values if values.shape == target else values.expand(*target)  # type: ignore[attr-defined]
        return self + P.ScatterAdd.apply(v, idx=idx, shape=self.shape)  # type: ignore[no-any-return]

    def index_copy(self, dim: Any = None, index: Any = None, source: Any = None, *,
                   axis: Any = None) -> Tensor:
        """y = x, then y[.., index[i], ..] = source[.., i, ..] along ``dim`` (of repeated
        indices the last wins; every source slice still gets its target's gradient)."""
        src, coords = self._along_dim("index_copy", _dim_arg(dim, axis, "index_copy"), index,
                                      source)
        if self.ndim == 0:  # (a 0-d tensor as one element: no extra node otherwise)
            return IndexCopy.apply(self.reshape(1), src.reshape(1), idx=coords).reshape(())
        return IndexCopy.apply(self, src if src.ndim else src.reshape(1), idx=coords)

    def index_fill(self, dim: Any = None, index: Any = None, value: Any = None, *,
                   axis: Any = None) -> Tensor:
        """y = x with the slices index[i] along ``dim`` set to ``value`` (a number or a 0-d
        tensor, which gets the gradient of the filled elements; negative indices count from
        the end)."""
        if index is None or value is None:
            raise TypeError("index_fill() missing required arguments 'index' and 'value'")
        a = normalize_one_axis(_dim_arg(dim, axis, "index_fill"), max(self.ndim, 1),
                               "index_fill")
        idx = _index_vector(index, "index_fill")
        n = self._data.shape[a] if self.ndim else 1
        bad = idx[(idx < -n) | (idx >= n)]
        if bad.size:
            raise IndexError(f"index {bad[0]} is out of bounds for dimension {a} with size {n}")
        if isinstance(value, TensorBase):
            value = cast(Any, value)
            if value.ndim:
                raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, "
                                   f"but got tensor with {value.ndim} dimension(s).")
            value = value if value.dtype == self.dtype else value.astype(self.dtype)
        else:
            value = np.asarray(value).astype(self.dtype)
        hit = np.zeros(n, dtype=bool)
        hit[idx] = True
        mask = hit.reshape((n,) + (1,) * (self.ndim - a - 1)) if self.ndim else hit[0]
        out = fill_where(np.broadcast_to(mask, self.shape), value, self, P.IndexFill)
        # PyTorch's node: IndexFillBackward0 for a number value, 1 for a Tensor
        return with_overload(out, 1) if isinstance(value, TensorBase) else out

    def masked_scatter(self, mask: Any, source: Any) -> Tensor:
        """y = x, with the elements where ``mask`` (bool, broadcasting) is True replaced, in
        row-major order, by source's first elements."""
        m = np.asarray(_data(mask))
        if m.dtype != np.bool_:
            raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                               f"dtype {m.dtype}")
        src: Any = source if isinstance(source, TensorBase) else self._new(np.asarray(source))
        if src.dtype != self.dtype:
            raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes "
                               f"but got {self.dtype} and {src.dtype}")
        shape = np.broadcast_shapes(self._data.shape, m.shape)
        m = np.broadcast_to(m, shape)
        count = int(m.sum())
        if count > src._data.size:
            raise RuntimeError("Number of elements of source < number of ones in mask")
        pick = np.maximum(np.cumsum(m.reshape(-1)) - 1, 0).reshape(shape)
        x = self if self._data.shape == shape else self.expand(*shape)
        if not src._data.size:
            return x * 1
        return where(m, src.reshape(-1)[pick], x)

    def scatter_reduce(self, dim: Any = None, index: Any = None, src: Any = None,
                       reduce: Any = None, *, include_self: bool = True,
                       axis: Any = None) -> Tensor:
        """y = x, then each y[.., index[i], ..] is the ``reduce`` ('sum', 'prod', 'mean',
        'amax', 'amin') of the src elements sent there, and of x's own element when
        ``include_self``. Integer 'mean' rounds down. Tied amax / amin share the gradient
        evenly (as PyTorch, an excluded x equal to the result counts in that split)."""
        dim = _dim_arg(dim, axis, "scatter_reduce")
        if index is None or src is None or reduce is None:
            raise TypeError("scatter_reduce() missing required arguments 'index', 'src' and "
                            "'reduce'")
        if reduce in ("max", "min"):  # PyTorch computes these, but has no derivative
            out = self.detach().scatter_reduce(dim, index, _detached(src), "a" + reduce,
                                               include_self=include_self)
            error = RuntimeError("Expected 'reduce' to be one of 'sum', 'prod', 'mean', "
                                 f"'amax', 'amin' but got {reduce}.")
            return NoDerivative.apply(self, src, value=out._data, error=error)
        if reduce not in _REDUCTIONS:
            raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, "
                               f"got {reduce}")
        x, part, target, sent = self._scatter_parts("scatter_reduce", dim, index, src)
        n = x.shape[0]
        if reduce in ("sum", "mean"):
            base = x if include_self else where(sent > 0, 0, x)
            out = base + P.ScatterAdd.apply(part, idx=(target,), shape=(n,))
        elif reduce == "prod":  # each output's row of candidates, multiplied (exact with 0s)
            out = P.Prod.apply(_candidates(x, part, target, sent, include_self), axis=1)
        else:
            out = ScatterExtreme.apply(x, part, target=target, big=reduce == "amax",
                                       include_self=include_self)
        if reduce == "mean":
            count = (include_self | (sent == 0)) + sent
            if self.dtype.kind in "fc":
                out = out / count.astype(self.dtype)
            else:
                out = self._new(np.floor_divide(out._data, count).astype(self.dtype))
        return out.reshape(self._data.shape)

    def _scatter_parts(self, op: str, dim: int, index: Any,
                       src: Any) -> tuple[Any, Any, np.ndarray, np.ndarray]:
        """(x flat, the src elements used, flat, their flat targets in x, how many land on
        each element of x), after PyTorch's checks of scatter's arguments."""
        a = normalize_one_axis(dim, max(self.ndim, 1), op)
        idx = _index_array(index, op)
        src_t: Any = src if isinstance(src, TensorBase) else self._new(np.asarray(src))
        if src_t.dtype != self.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        shape = self._data.shape or (1,)
        if idx.ndim == 0:
            idx = idx.reshape(1)
        _check_along(op, shape, idx, a, src_t.shape or (1,))
        part = src_t.reshape(src_t.shape or (1,))[_lead(idx.shape)].reshape(-1)
        target = np.ravel_multi_index(np.broadcast_arrays(*_along(idx, a)), shape).reshape(-1)
        return self.reshape(-1), part, target, np.bincount(target, minlength=self._data.size)

    def _scatter_with_reduce(self, dim: int, index: Any, src: Any, value: Any,
                             reduce: str) -> Tensor:
        """scatter(..., reduce='add' | 'multiply'): PyTorch computes it but has no
        derivative for it (a backward through it raises), and deprecates a Tensor src."""
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if src is None:
            src = self._new(np.full(np.shape(_data(index)), value, dtype=self.dtype))
        else:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated "
                          "and will be removed in a future PyTorch release. Use "
                          "torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=user_stacklevel())
        red = "sum" if reduce == "add" else "prod"
        out = self.detach().scatter_reduce(dim, index, _detached(src), red)._data
        error = RuntimeError("derivative for aten::scatter is not implemented")
        return NoDerivative.apply(self, src, value=out, error=error)

    # -- in place ---------------------------------------------------------------------
    def index_add_(self, dim: Any = None, index: Any = None, source: Any = None, *,
                   alpha: Any = 1, axis: Any = None) -> Self:
        """In place: x[.., index[i], ..] += alpha * source[.., i, ..] (``index_add``)."""
        return self._inplace("index_add_", lambda s: s.index_add(
            dim, index, source, alpha=alpha, axis=axis), source)

    def index_copy_(self, dim: Any = None, index: Any = None, source: Any = None, *,
                    axis: Any = None) -> Self:
        """In place: x[.., index[i], ..] = source[.., i, ..] (``index_copy``)."""
        return self._inplace("index_copy_", lambda s: s.index_copy(dim, index, source,
                                                                    axis=axis), source)

    def index_fill_(self, dim: Any = None, index: Any = None, value: Any = None, *,
                    axis: Any = None) -> Self:
        """In place: x[.., index[i], ..] = value (``index_fill``)."""
        return self._inplace("index_fill_", lambda s: s.index_fill(dim, index, value,
                                                                    axis=axis), value)

    def masked_scatter_(self, mask: Any, source: Any) -> Self:
        """In place: x[mask] = source[:mask.sum()] (``masked_scatter``; mask broadcasts to x)."""
        return self._inplace("masked_scatter_", lambda s: s.masked_scatter(mask, source),
                             source)

    def scatter_reduce_(self, dim: Any = None, index: Any = None, src: Any = None,
                        reduce: Any = None, *, include_self: bool = True,
                        axis: Any = None) -> Self:
        """In place: x[.., index[i], ..] = reduce(it, src[i], ...) (``scatter_reduce``)."""
        return self._inplace("scatter_reduce_", lambda s: s.scatter_reduce(
            dim, index, src, reduce, include_self=include_self, axis=axis), src)

    # -- counting (integer or float counts, never a gradient) ----------------------------
    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        """y[v] = the number of times v occurs in x (1-D, non-negative ints), or the sum of
        their ``weights``; length max(x) + 1, at least ``minlength``."""
        x = self._data
        if x.dtype.kind not in "iu":
            raise NotImplementedError(f'"bincount_cpu" not implemented for \'{x.dtype}\'')
        if x.ndim != 1 or (x.size and x.min() < 0):
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if minlength < 0:
            raise RuntimeError("minlength should be >= 0")
        if weights is None:
            return self._new(np.bincount(x, minlength=minlength).astype(np.int64))
        w = np.asarray(_data(weights))
        if w.ndim != 1 or w.shape[0] != x.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        dt = w.dtype if w.dtype in (np.float32, np.float64) else np.float64
        out = np.bincount(x, w, minlength=minlength).astype(dt)
        if isinstance(weights, TensorBase) and weights.requires_grad:  # as PyTorch: recorded,
            error = RuntimeError("derivative for aten::bincount is not implemented")
            return NoDerivative.apply(weights, value=out, error=error)  # not differentiable
        return self._new(out)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
        """Counts of x's elements in ``bins`` equal bins over [min, max] (min = max: x's own
        range); elements outside are ignored, the last bin includes max."""
        x = self._data.reshape(-1)
        if x.dtype.kind != "f":
            raise NotImplementedError(f'"histogram_cpu" not implemented for \'{x.dtype}\'')
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                               "dimension 0")
        lo, hi = float(min), float(max)
        if lo == hi and x.size:
            lo, hi = float(x.min()), float(x.max())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
        if lo >= hi:
            raise RuntimeError("torch.histc: max must be larger than min")
        # PyTorch's arithmetic, in x's dtype: bin = int((x - lo) * bins / (hi - lo))
        t = x.dtype.type
        inside = x[(x >= t(lo)) & (x <= t(hi))]
        pos = ((inside - t(lo)) * t(bins) / (t(hi) - t(lo))).astype(np.int64)
        pos = np.minimum(pos, bins - 1)
        return self._new(np.bincount(pos, minlength=bins).astype(x.dtype))


def _candidates(x: Any, part: Any, target: np.ndarray, sent: np.ndarray,
                include_self: bool) -> Any:
    """C (n, k): output element p's candidates for a product, padded with 1: x[p] first
    (when included, or when nothing is sent to p), then the src elements sent to p."""
    n, m = x.shape[0], target.size
    cand = np.full((n, sent.max(initial=0) + 1), n + m, dtype=np.int64)
    cand[:, 0] = np.where(include_self | (sent == 0), np.arange(n), n + m)
    order = np.argsort(target, kind="stable")
    first = np.concatenate([[0], np.cumsum(sent)[:-1]])
    cand[target[order], 1 + np.arange(m) - first[target[order]]] = n + order
    one = np.ones(1, x.dtype)
    return P.Concatenate.apply(x, part, x._new(one), axis=0)[cand]


def _detached(x: Any) -> Any:
    t: Any = x
    return t.detach() if isinstance(x, TensorBase) else x


def _bound(seq: np.ndarray, vals: np.ndarray, right: bool) -> np.ndarray:
    """PyTorch's binary search, row by row: the first i with seq[i] >= v (right: > v);
    a NaN value compares as above everything."""
    start = np.zeros(vals.shape, np.int64)
    end = np.full(vals.shape, seq.shape[-1], np.int64)
    while (start < end).any():
        live = start < end
        mid = start + ((end - start) >> 1)
        at = np.take_along_axis(seq, np.minimum(mid, seq.shape[-1] - 1), -1)
        with np.errstate(invalid="ignore"):
            go_right = ~(at > vals) if right else ~(at >= vals)
        start = np.where(live & go_right, mid + 1, start)
        end = np.where(live & ~go_right, mid, end)
    return start


def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: bool = False,  # noqa: A002
                 right: bool = False, side: str | None = None, sorter: Any = None) -> Tensor:
    """Indices i with seq[i-1] < v <= seq[i] (``right`` / side='right': seq[i-1] <= v <
    seq[i]) for each v in ``input``; seq 1-D or sharing input's leading dims."""
    if not isinstance(sorted_sequence, TensorBase):
        raise TypeError("searchsorted(): sorted_sequence must be a Tensor, got "
                        f"{type(sorted_sequence).__name__}")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    seq = np.asarray(_data(sorted_sequence))
    vals = np.asarray(_data(input))
    if sorter is not None:
        seq = np.take_along_axis(seq, np.asarray(_data(sorter)), -1)
    if seq.dtype.kind == "c" or vals.dtype.kind == "c":  # complex numbers have no order
        raise _not_for("searchsorted_out_cpu", seq.dtype if seq.dtype.kind == "c" else vals.dtype)
    if seq.ndim != 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           "the first N-1 dimensions of boundaries tensor and input value "
                           f"tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(vals.shape)}")
    flat = vals.reshape(-1, 1) if seq.ndim == 1 else vals
    rows = seq.reshape(1, -1) if seq.ndim == 1 else seq
    out = _bound(rows, flat, right).reshape(vals.shape)
    return sorted_sequence._new(out.astype(np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False,  # noqa: A002
              right: bool = False) -> Tensor:
    """The bucket of each element of ``input``: i with b[i-1] < v <= b[i] (``right``:
    b[i-1] <= v < b[i]) for 1-D ``boundaries`` (searchsorted's left side by default)."""
    if np.ndim(_data(boundaries)) != 1:
        raise RuntimeError("boundaries tensor must be 1 dimension, but got dim("
                           f"{np.ndim(_data(boundaries))})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
