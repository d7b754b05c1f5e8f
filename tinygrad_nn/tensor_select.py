"""Order statistics and selections of Tensor: median, mode, kthvalue, quantile, unique,
nonzero (a mixin).

Every differentiable result is a composite (rule 6): a value chosen by index is a
``gather`` of the input (the gradient goes to that index, as PyTorch), a value tied
among several elements is an ``amax`` over them (the gradient is shared evenly, PyTorch's
``evenly_distribute_backward``), and quantiles interpolate sorted values. Indices follow
PyTorch's CPU kernels, also among ties (see ``ops/select.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import ops as P
from ._shapes import NO_DIM, int_dim, normalize_axis, normalize_one_axis
from .function import TensorBase
from .function import data_of as _data
from .ops.select import NoDerivative, nth_element_index, quickselect_index, std_sort
from .tensor_base import TensorMixin
from .tensor_elementwise import _not_for
from .tensor_elementwise import select as where
from .tensor_reduce import _axes

if TYPE_CHECKING:
    from .tensor import Tensor


class MedianResult(NamedTuple):
    """``(values, indices)`` of ``median(dim)`` (PyTorch's ``torch.return_types.median``)."""

    values: Any
    indices: Any


class NanMedianResult(NamedTuple):
    """``(values, indices)`` of ``nanmedian(dim)`` (``torch.return_types.nanmedian``)."""

    values: Any
    indices: Any


class ModeResult(NamedTuple):
    """``(values, indices)`` of ``mode(dim)`` (``torch.return_types.mode``)."""

    values: Any
    indices: Any


class KthValueResult(NamedTuple):
    """``(values, indices)`` of ``kthvalue(k, dim)`` (``torch.return_types.kthvalue``)."""

    values: Any
    indices: Any


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _modes(rows: np.ndarray) -> np.ndarray:
    """PyTorch's ``mode`` index for every row of ``rows`` (..., n). Up to 16 elements its
    std::sort is an insertion sort, which is stable: without NaN the index is then the last
    occurrence of the smallest most frequent value (NumPy); other rows run the port."""
    flat = rows.reshape(-1, rows.shape[-1])
    n = flat.shape[1]
    out = np.zeros(flat.shape[0], np.int64)
    slow = np.ones(flat.shape[0], bool)
    if n <= 16:
        slow = np.isnan(flat).any(1) if flat.dtype.kind in "fc" else ~slow
        eq = flat[:, :, None] == flat[:, None, :]
        count = eq.sum(-1)
        best = np.where(count == count.max(1, keepdims=True), flat, flat.max(1, keepdims=True))
        hit = flat == best.min(1, keepdims=True)
        out = n - 1 - hit[:, ::-1].argmax(1)
    out[slow] = [_mode_index(r) for r in flat[slow]]
    return out.reshape(rows.shape[:-1])


def _median_index(rows: np.ndarray, ignore_nan: bool) -> np.ndarray:
    """PyTorch's ``median(dim)`` index: the element at rank (n-1)//2 of a stable sort (its
    nth_element breaks ties by index), or the first NaN; ``nanmedian`` ranks the non-NaN."""
    order = np.argsort(rows, axis=-1, kind="stable")  # NaN last
    nan = np.isnan(rows) if rows.dtype.kind in "fc" else np.zeros(rows.shape, bool)
    count = rows.shape[-1] - nan.sum(-1) if ignore_nan else np.full(rows.shape[:-1],
                                                                    rows.shape[-1])
    rank = np.maximum((count - 1) // 2, 0)
    idx = np.take_along_axis(order, rank[..., None], -1)[..., 0]
    if ignore_nan:  # an all-NaN row: where libstdc++'s nth_element leaves position 0
        idx = np.where(count == 0, nth_element_index([0] * rows.shape[-1], 0, lambda i, j:
                                                     False), idx)
    else:
        idx = np.where(nan.any(-1), nan.argmax(-1), idx)
    return idx.astype(np.int64)


def _kth_index(rows: np.ndarray, k: int) -> np.ndarray:
    """PyTorch's ``kthvalue`` index: where the k-th smallest sits when it is unique in its
    row; rows where it repeats (or is NaN) run PyTorch's quickselect."""
    flat = rows.reshape(-1, rows.shape[-1])
    hit = flat == np.sort(flat, axis=-1)[:, k - 1:k]
    idx = hit.argmax(-1)
    tied = hit.sum(-1) != 1
    if tied.any():
        idx[tied] = [quickselect_index(r, k - 1) for r in flat[tied]]
    return idx.astype(np.int64).reshape(rows.shape[:-1])


def _mode_index(row: np.ndarray) -> int:
    """PyTorch's ``mode`` kernel on one row: runs of equal values after ``std::sort``; the
    longest run wins (the first, i.e. smallest, among equally long), reported by the index
    of its last element in that sort."""
    order = std_sort(row)
    best, run, pick = 0, 0, 0
    for i, j in enumerate(order):
        run += 1
        if i == len(order) - 1 or not row[j] == row[order[i + 1]]:
            if run > best:
                best, pick = run, j
            run = 0
    return pick


class TensorSelect(TensorMixin):
    """median, nanmedian, mode, kthvalue, quantile, unique, nonzero, msort (a mixin)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def gather(self, dim: int, index: Any) -> Tensor: ...
        def sort(self, dim: int = -1, descending: bool = False,
                 stable: bool | None = None) -> Any: ...
        def clone(self) -> Tensor: ...
        def reshape(self, *shape: Any) -> Tensor: ...
        def permute(self, *dims: Any) -> Tensor: ...
        def squeeze(self, dim: Any = None) -> Tensor: ...
        def sum(self, dim: Any = None, keepdim: bool = False) -> Tensor: ...
        def __mul__(self, y: Any) -> Tensor: ...
        def __sub__(self, y: Any) -> Tensor: ...

    # -- one value chosen along a dim ---------------------------------------------------
    def _chosen(self, dim: Any, keepdim: bool, name: str, result: Any, index: Any) -> Any:
        """(values, indices) with indices = index(rows) over ``dim`` moved last; the values
        are a gather, so the gradient goes to the chosen element."""
        a = normalize_one_axis(dim, max(self.ndim, 1), name)
        if self.dtype == np.bool_ and name != "mode":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')
        if self.dtype.kind == "c":  # no order: PyTorch's kernels refuse complex numbers
            raise _not_for("median_out" if "median" in name else f"{name}_cpu", self.dtype)
        if self.ndim == 0:
            return result(self.clone(), self._new(np.zeros((), np.int64)))
        if self._data.shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")
        idx = np.expand_dims(index(np.moveaxis(self._data, a, -1)), a)
        values = self.gather(a, idx)
        if not keepdim:
            values, idx = values.squeeze(a), idx.squeeze(a)
        return result(values, self._new(idx))

    def _shared(self, value: Any) -> Tensor:
        """A 0-d tensor equal to ``value`` whose gradient is shared evenly by the elements
        equal to it (by every NaN when it is NaN): PyTorch's evenly_distribute_backward."""
        if self.dtype.kind not in "fc":
            return self._new(np.asarray(value, dtype=self.dtype))
        if self._data.size == 0:  # NaN, still on the graph (its gradient is empty)
            return self.sum() * float(value)
        if np.isnan(value):
            nan = np.isnan(self._data)
            return (where(nan, self, 0.0) * (1.0 / nan.sum())).sum()
        # the max of the equal elements themselves: exactly the value, gradient g / k each
        ties = self.reshape(-1)[np.flatnonzero(self._data == value)]
        return P.Max.apply(ties, axes=(0,))

    def median(self, dim: Any = NO_DIM, keepdim: bool = False, *, axis: Any = None,
               keepdims: Any = None) -> Any:
        """No dim: the lower median x_sorted[(n-1)//2] of all elements (NaN if any is NaN),
        its gradient shared by the elements equal to it. ``median(dim)``: the named tuple
        (values, indices); a row holding NaN gives NaN and its first NaN's index."""
        dim = dim if axis is not None else int_dim(dim, "median")
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if dim is None:
            return self._median_all(False)
        return self._chosen(dim, keepdim, "median", MedianResult,
                            lambda rows: _median_index(rows, False))

    def nanmedian(self, dim: Any = NO_DIM, keepdim: bool = False, *, axis: Any = None,
                  keepdims: Any = None) -> Any:
        """The lower median ignoring NaN (NaN only when every element is NaN); with ``dim``
        the named tuple (values, indices), as ``median``."""
        dim = dim if axis is not None else int_dim(dim, "nanmedian")
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        if dim is None:
            return self._median_all(True)
        return self._chosen(dim, keepdim, "nanmedian", NanMedianResult,
                            lambda rows: _median_index(rows, True))

    def _median_all(self, ignore_nan: bool) -> Tensor:
        if self.dtype == np.bool_ or self.dtype.kind == "c":
            raise _not_for("median_cpu", self.dtype)
        x = self._data.reshape(-1)
        if x.dtype.kind in "fc" and not ignore_nan and np.isnan(x).any():
            return self._shared(np.asarray(np.nan, x.dtype))
        if x.dtype.kind in "fc":
            x = x[~np.isnan(x)]
        if x.size == 0:  # NaN; an integer tensor gets NaN cast to it: the lowest value
            nan = np.nan if x.dtype.kind in "fc" else np.iinfo(x.dtype).min
            return self._shared(np.asarray(nan, self.dtype))
        return self._shared(np.partition(x, (x.size - 1) // 2)[(x.size - 1) // 2])

    def mode(self, dim: int = -1, keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None) -> Any:
        """(values, indices): the most frequent value along ``dim`` (the smallest among
        equally frequent ones; NaN never equals NaN), the gradient to the index PyTorch's
        CPU kernel reports."""
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        return self._chosen(dim, keepdim, "mode", ModeResult,
                            _modes)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False, *, axis: Any = None,
                 keepdims: Any = None) -> Any:
        """(values, indices): the k-th smallest element along ``dim`` (k from 1; NaN counts
        as largest), the gradient to its index."""
        dim, keepdim = _axes(dim, keepdim, axis, keepdims)
        a = normalize_one_axis(dim, max(self.ndim, 1), "kthvalue")
        n = self._data.shape[a] if self.ndim else 1
        if n == 0:
            raise IndexError(f"kthvalue(): Expected reduction dim {a} to have non-zero size.")
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {a}"
                               f" (k={k}, size {n})")
        return self._chosen(dim, keepdim, "kthvalue", KthValueResult,
                            lambda rows: _kth_index(rows, k))

    def msort(self) -> Tensor:
        """y = x sorted along dim 0 (``sort(0).values``), same shape; ties keep their order."""
        return self.sort(0).values

    # -- quantiles --------------------------------------------------------------------
    def quantile(self, q: Any, dim: Any = None, keepdim: bool = False, *,
                 interpolation: str = "linear", axis: Any = None,
                 keepdims: Any = None) -> Tensor:
        """The q-th quantiles along ``dim`` (None: of all elements): sorted values at rank
        q (n - 1), interpolated; q a float or a 1-D tensor (its length becomes the first
        dim). Any NaN in a row makes that row's quantiles NaN."""
        return self._quantile(q, *_axes(dim, keepdim, axis, keepdims), interpolation, False)

    def nanquantile(self, q: Any, dim: Any = None, keepdim: bool = False, *,
                    interpolation: str = "linear", axis: Any = None,
                    keepdims: Any = None) -> Tensor:
        """``quantile`` ignoring NaN (ranks q (m - 1) over the m non-NaN values; NaN only
        when a row is all NaN)."""
        return self._quantile(q, *_axes(dim, keepdim, axis, keepdims), interpolation, True)

    def _quantile(self, q: Any, dim: Any, keepdim: bool, interpolation: str,
                  ignore_nan: bool) -> Tensor:
        name = "nanquantile" if ignore_nan else "quantile"
        if self.dtype not in (np.float32, np.float64):
            raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
        if self._data.size == 0:
            raise RuntimeError(f"{name}() input tensor must be non-empty")
        qt: Any = q if isinstance(q, TensorBase) else None
        qa = np.asarray(_data(q))
        if qt is not None and qa.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if qt is not None and qa.dtype != self.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if qt is None:
            if not 0 <= float(qa) <= 1:
                raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
            qa = qa.astype(self.dtype)
            qt = self._new(qa)
        elif qa.size and not ((qa >= 0) & (qa <= 1)).all():
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        if interpolation not in _INTERPOLATIONS:
            raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                               f"midpoint or nearest, but got {interpolation}")
        # sorted values with the reduced dim last, viewed as (*reduced, n) as PyTorch does
        if dim is None or self.ndim == 0:
            if dim is not None:
                normalize_one_axis(dim, 1, name)
            reduced = (1,) * self.ndim if keepdim else ()
            srt = self.reshape(-1).sort(0).values
        else:
            a = normalize_one_axis(dim, self.ndim, name)
            reduced = tuple(1 if i == a else n for i, n in enumerate(self._data.shape)
                            if keepdim or i != a)
            order = [i for i in range(self.ndim) if i != a] + [a]
            srt = self.sort(a).values.permute(*order)
        n = srt.shape[-1]
        srt = srt.reshape(*reduced, n)
        nan = np.isnan(srt._data)
        if ignore_nan:
            ranks = qt.reshape(-1) * (np.logical_not(nan).sum(-1, keepdims=True) - 1)
            ranks = where(ranks._data < 0, 0.0, ranks)
        else:
            ranks = where(nan.any(-1, keepdims=True), float(n - 1), qt.reshape(-1) * (n - 1))
        r = ranks._data
        if interpolation == "lower":
            r = np.floor(r)
        elif interpolation == "higher":
            r = np.ceil(r)
        elif interpolation == "nearest":
            r = np.round(r)  # half to even, as torch.round
        below = r.astype(np.int64)
        out = srt.gather(-1, below)
        if interpolation in ("linear", "midpoint"):
            w: Any = 0.5 if interpolation == "midpoint" else ranks - below.astype(self.dtype)
            above = srt.gather(-1, np.ceil(r).astype(np.int64))
            d = above - out
            # rows whose values are NaN are NaN whatever w is; a 0 there keeps the NaN out
            # of w's (q's) gradient, which PyTorch's masked_fill zeroes
            d = where(np.isnan(above._data) | np.isnan(out._data), 0.0, d)
            # torch.lerp: a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w)
            small = np.abs(np.asarray(_data(w))) < 0.5
            out = where(small, out + d * w, above - d * (1 - w))
        if qa.ndim == 0:
            return out.squeeze(-1)
        return out.permute(out.ndim - 1, *range(out.ndim - 1))

    # -- distinct values and positions (integer results: no gradient) --------------------
    def unique(self, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: int | None = None) -> Any:
        """The distinct values (ascending; with ``dim``, the distinct slices along it, in
        lexicographic order), and optionally the inverse indices and the counts. NaNs are
        all distinct. No derivative: as in PyTorch, a backward through it raises."""
        x = self._data
        if x.dtype.kind == "c":  # (PyTorch's kernels sort: no complex)
            raise _not_for("unique" if dim is None else "unique_dim", x.dtype)
        if dim is None:
            vals, inv, cnt = np.unique(x.reshape(-1), return_inverse=True,
                                       return_counts=True, equal_nan=False)
            inv = inv.reshape(self._data.shape)
        else:
            a = normalize_one_axis(dim, max(self.ndim, 1), "unique")
            if any(n == 0 for i, n in enumerate(x.shape) if i != a):
                raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so "
                                   "unique cannot be applied")
            vals, inv, cnt = np.unique(x, return_inverse=True, return_counts=True, axis=a,
                                       equal_nan=False)
            inv = inv.reshape(-1)
        return self._distinct("unique", vals, inv, cnt, return_inverse, return_counts)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: int | None = None) -> Any:
        """Collapse runs of equal consecutive values (slices along ``dim``) to one; optionally
        the inverse indices and the run lengths. No derivative (a backward raises)."""
        x = self._data
        if x.dtype.kind == "c":  # as unique's (PyTorch refuses complex here too)
            raise _not_for("unique" if dim is None else "unique_dim", x.dtype)
        if dim is None:
            flat = x.reshape(-1)
            new = np.concatenate([[True], flat[1:] != flat[:-1]]) if flat.size else flat != 0
            vals, inv_shape = flat[new], self._data.shape
        else:
            a = normalize_one_axis(dim, max(self.ndim, 1), "unique_consecutive")
            moved = np.moveaxis(x, a, 0).reshape(x.shape[a], -1)
            change = (moved[1:] != moved[:-1]).any(-1)
            new = np.concatenate([[True], change]) if moved.shape[0] else change
            vals, inv_shape = np.compress(new, x, axis=a), (x.shape[a],)
        inv = (np.cumsum(new) - 1).reshape(inv_shape)
        cnt = np.diff(np.append(np.flatnonzero(new), new.size))
        return self._distinct("unique_consecutive", vals, inv, cnt, return_inverse,
                              return_counts)

    def _distinct(self, name: str, vals: Any, inv: Any, cnt: Any, return_inverse: bool,
                  return_counts: bool) -> Any:
        v = np.ascontiguousarray(vals, dtype=self.dtype)
        # on the graph when x is, as in PyTorch, where only a backward through it fails
        error = NotImplementedError(f"the derivative for '{name}' is not implemented.")
        out = [NoDerivative.apply(self, value=v, error=error) if self.requires_grad
               else self._new(v)]
        if return_inverse:
            out.append(self._new(np.asarray(inv, np.int64)))
        if return_counts:
            out.append(self._new(np.asarray(cnt, np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        """The indices of the nonzero elements: an int64 (count, ndim) tensor, or with
        ``as_tuple=True`` one 1-D tensor per dim (a 0-d input counts as 1-D)."""
        if as_tuple:
            return tuple(self._new(i.astype(np.int64))
                         for i in np.nonzero(np.atleast_1d(self._data)))
        return self._new(np.argwhere(self._data).astype(np.int64))

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> Tensor:
        """``nonzero()`` with a fixed number of rows, ``size``: the first ``size`` index rows,
        padded with rows of ``fill_value`` when there are fewer; int64 (size, ndim)."""
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"nonzero_static(): argument 'size' must be int, not "
                            f"{type(size).__name__}")
        if size < 0:
            raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
        found = np.argwhere(self._data).astype(np.int64)[:size]
        out = np.full((int(size), self.ndim), fill_value, dtype=np.int64)
        out[:len(found)] = found
        return self._new(out)

    def argwhere(self) -> Tensor:
        """``nonzero()``: the (count, ndim) int64 indices of the nonzero elements."""
        return self.nonzero()

    def count_nonzero(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """The number of nonzero elements over ``dim`` (an int or a tuple; None: all), int64."""
        dim = dim if axis is None else axis
        if isinstance(dim, (tuple, list)) and not dim:  # (): every dim, as sum
            dim = None
        axes = normalize_axis(dim, self.ndim, "count_nonzero")
        axes = axes if self.ndim else ()  # a 0-d tensor takes dim 0 / -1, as PyTorch
        return self._new(np.asarray(np.count_nonzero(self._data, axis=axes), np.int64))
