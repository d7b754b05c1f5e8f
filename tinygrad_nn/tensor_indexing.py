"""Gather / scatter, sorting, scans, products, norms and triangles of Tensor (a mixin).

All but the products are composites (rule 6): ``gather`` is indexing with one integer
array per axis, so its gradient is the adjoint of indexing (``ScatterAdd``); ``sort`` and
``topk`` gather the input at the sorted indices; ``scatter`` picks, for each output
element, the one source element written there; ``tril`` / ``triu`` are a ``where`` with a
constant mask. Integer results (indices) never require grad. Errors follow PyTorch's types.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import ops as P
from ._shapes import NO_DIM, ShapeError, int_dim, normalize_one_axis
from .dtypes import as_dtype
from .function import TensorBase
from .function import data_of as _data
from .tensor_base import TensorMixin, with_overload
from .tensor_elementwise import _torch_name, check_grad_dtype, need_tensor
from .tensor_elementwise import select as where


class SortResult(NamedTuple):
    """``(values, indices)`` of ``sort`` (PyTorch's ``torch.return_types.sort``)."""

    values: Any
    indices: Any


class TopKResult(NamedTuple):
    """``(values, indices)`` of ``topk`` (PyTorch's ``torch.return_types.topk``)."""

    values: Any
    indices: Any


class IndexRangeError(IndexError, RuntimeError):
    """An index outside the dim (``index_select``): PyTorch raises IndexError or, for a
    non-contiguous input, RuntimeError."""


def _index_array(index: Any, op: str) -> np.ndarray:
    idx = np.asarray(_data(index))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): expected an int64 index tensor, got dtype {idx.dtype}")
    return idx


def _along(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """Coordinates that pick x[i_0, .., index[i], .., i_n] for every position i of index."""
    coords: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
    coords[axis] = index
    return tuple(coords)


def _check_along(op: str, x_shape: tuple[int, ...], index: np.ndarray, axis: int,
                 src_shape: tuple[int, ...] | None = None) -> None:
    """PyTorch's rules for gather / scatter: same ndim; index no larger than x off ``axis``
    (and than src everywhere); every index within x's size along ``axis``."""
    if index.ndim != len(x_shape):
        raise RuntimeError(f"{op}(): index has {index.ndim} dimension(s), expected the "
                           f"input's {len(x_shape)} (index shape {tuple(index.shape)}, input shape "
                           f"{x_shape})")
    for d, n in enumerate(index.shape):
        if d != axis and n > x_shape[d]:
            raise RuntimeError(f"{op}(): index shape {tuple(index.shape)} is larger than the input "
                               f"shape {x_shape} in dimension {d}")
        if src_shape is not None and n > src_shape[d]:
            raise RuntimeError(f"{op}(): index shape {tuple(index.shape)} is larger than the src "
                               f"shape {src_shape} in dimension {d}")
    if index.size and (index.min() < 0 or index.max() >= x_shape[axis]):
        raise RuntimeError(f"{op}(): index values must be in [0, {x_shape[axis]}) along "
                           f"dimension {axis}, got values in [{index.min()}, {index.max()}]")


def _lead(shape: tuple[int, ...]) -> tuple[slice, ...]:
    return tuple(slice(0, n) for n in shape)


def _int_to_long(dtype: np.dtype) -> np.dtype:
    # PyTorch's sums and products of bool / integer tensors are int64
    return np.dtype(np.int64) if dtype.kind in "biu" else dtype


class TensorIndexingOps(TensorMixin):
    """gather, scatter, index_select, masked_select, sort, topk, cumsum, prod, norm, tril."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def __getitem__(self, idx: Any) -> Any: ...
        def __mul__(self, y: Any) -> Any: ...
        def __add__(self, y: Any) -> Any: ...
        def reshape(self, *shape: Any) -> Any: ...
        def expand(self, *shape: Any) -> Any: ...
        def astype(self, dtype: Any) -> Any: ...
        def _scatter_with_reduce(self, dim: int, index: Any, src: Any, value: Any,
                                 reduce: str) -> Any: ...

        requires_grad: bool

    def _dim(self, dim: Any, op: str) -> int:
        return normalize_one_axis(dim, max(self.ndim, 1), op)

    # -- gather / scatter ---------------------------------------------------------
    def gather(self, dim: int, index: Any) -> Any:
        """y[i][j][k] = x[index[i][j][k]][j][k] (dim=0); y has index's shape."""
        a = self._dim(dim, "gather")
        idx = _index_array(index, "gather")
        _check_along("gather", self.shape, idx, a)
        return P.Gather.apply(self, idx=_along(idx, a))

    def scatter(self, dim: int, index: Any, src: Any = None, *, value: Any = None,
                reduce: str | None = None) -> Any:
        """Out-of-place scatter: y = x, then y[.., index[i], ..] = src[i] (or ``value``).

        With repeated indices PyTorch leaves the winner unspecified; here the last wins.
        Every src element gets the gradient at its target, overwritten or not (PyTorch's).
        ``reduce='add'`` / ``'multiply'`` accumulate instead, without a derivative, as in
        PyTorch (a backward through them raises; use scatter_add / scatter_reduce).
        """
        if src is None and value is None:
            raise TypeError("scatter(): expected src (a Tensor) or value (a number)")
        if src is not None and not isinstance(src, TensorBase):
            src, value = None, src  # scatter(dim, index, 2.5): a value, as in PyTorch
        if reduce is not None:
            return self._scatter_with_reduce(dim, index, src, value, reduce)
        a = self._dim(dim, "scatter")
        idx = _index_array(index, "scatter")
        _check_along("scatter", self.shape, idx, a, None if src is None else src.shape)
        if src is None:
            return P.Scatter.apply(self, _data(value) if isinstance(value, TensorBase) else value,
                                   idx=_along(idx, a))
        if src.dtype != self.dtype:
            raise RuntimeError(f"scatter(): expected src of dtype {self.dtype}, got {src.dtype}")
        part = src[_lead(idx.shape)] if src.shape != idx.shape else src
        return P.Scatter.apply(self, part, idx=_along(idx, a))

    def scatter_add(self, dim: int, index: Any, src: Any) -> Any:
        """Out-of-place y = x, then y[.., index[i], ..] += src[i] (repeats accumulate)."""
        a = self._dim(dim, "scatter_add")
        idx = _index_array(index, "scatter_add")
        src = src if isinstance(src, TensorBase) else self._new(np.asarray(src, dtype=self.dtype))
        _check_along("scatter_add", self._data.shape, idx, a, src.shape)
        if src.dtype != self.dtype:
            raise RuntimeError(f"scatter_add(): expected src of dtype {self.dtype}, got "
                               f"{src.dtype}")
        part = src[_lead(idx.shape)] if src.shape != idx.shape else src
        return self + P.ScatterAdd.apply(part, idx=_along(idx, a), shape=self._data.shape)

    def index_select(self, dim: int, index: Any) -> Any:
        """The entries index[0], index[1], ... of axis ``dim`` (a 1-D int index)."""
        a = self._dim(dim, "index_select")
        idx = np.asarray(_data(index))
        if idx.ndim > 1:  # (checked before the dtype, as PyTorch checks)
            raise IndexError(f"index_select(): index must be 1-D, got shape {tuple(idx.shape)}")
        idx = _index_array(idx, "index_select")
        n = self._data.shape[a] if self.ndim else 1
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            # (PyTorch: IndexError for a contiguous input, RuntimeError for another)
            raise IndexRangeError(f"index_select(): index values must be in [0, {n}), got "
                                  f"values in [{idx.min()}, {idx.max()}]")
        if self.ndim == 0:
            return self.reshape(-1)[idx.reshape(-1) * 0].reshape(()) if idx.size else self
        return P.IndexSelect.apply(self, idx=(slice(None),) * a + (idx.reshape(-1),))

    def masked_select(self, mask: Any) -> Any:
        """The elements where ``mask`` (a bool tensor broadcasting with x) is True, as 1-D."""
        m = np.asarray(_data(mask))
        if m.dtype != np.bool_:
            raise RuntimeError(f"masked_select(): expected a bool mask, got dtype {m.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, m.shape)
        except ValueError:
            raise ShapeError(f"masked_select(): the mask of shape {tuple(m.shape)} does not "
                             f"broadcast with the input of shape {tuple(self.shape)}") from None
        x = self if self.shape == shape else self.expand(shape)
        return P.MaskedSelect.apply(x, idx=np.broadcast_to(m, shape))

    # -- sorting ------------------------------------------------------------------
    def _sorted_indices(self, a: int, descending: bool) -> np.ndarray:
        x = self._data
        if descending:  # a stable descending order: sort the negation (as signed numbers)
            x = -(x.astype(np.int64) if x.dtype.kind in "bu" else x)
        idx = np.argsort(x, axis=a, kind="stable")
        if descending and x.dtype.kind == "f" and np.isnan(x).any():  # NaN is the largest:
            # first (in order) when descending; a second stable pass moves it ahead
            idx = np.take_along_axis(idx, np.argsort(~np.isnan(np.take_along_axis(
                x, idx, a)), axis=a, kind="stable"), a)
        return idx

    def sort(self, dim: int = -1, descending: bool = False, stable: bool | None = None) -> Any:
        """(values, indices) along ``dim``; values = x.gather(dim, indices). Ties keep order
        (any ``stable``; given, the node is PyTorch's SortBackward1)."""
        a = self._dim(dim, "sort")  # a 0-d tensor takes 0 / -1
        if self._data.dtype.kind == "c":  # (argsort and msort come here)
            raise RuntimeError("Sort does not support complex dtypes on CPU")
        if self.ndim == 0:
            return SortResult(self * 1 if self.requires_grad else self,
                              self._new(np.zeros((), np.int64)))
        idx = self._sorted_indices(a, descending)
        values = P.Sort.apply(self, idx=_along(idx, a))
        return SortResult(values if stable is None else with_overload(values, 1),
                          self._new(idx.astype(np.int64)))

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        """The indices that sort x along ``dim`` (int64, no gradient)."""
        return self.sort(dim, descending, stable).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        """The k largest (or smallest) entries along ``dim``: (values, indices), in order."""
        a = self._dim(dim, "topk")
        if self.dtype == np.bool_ or self.dtype.kind == "c":
            kind = "bool" if self.dtype == np.bool_ else "complex"
            raise RuntimeError(f"topk does not support {kind} dtypes on CPU")
        n = self._data.shape[a] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"topk(): k ({k}) is out of range for dimension {a} of size {n}")
        if self.ndim == 0:
            return TopKResult(*self.sort())
        idx = np.take(self._sorted_indices(a, largest), np.arange(k), axis=a)
        return TopKResult(P.Topk.apply(self, idx=_along(idx, a)), self._new(idx.astype(np.int64)))

    # -- scans and products ---------------------------------------------------------
    def _cast_for(self, dtype: Any, scan: str = "") -> Any:
        if dtype is not None:
            dt = as_dtype(dtype)
            if scan and dt == np.bool_ and self.ndim and self._data.size:  # no bool kernel
                raise NotImplementedError(f'"{scan}_out_cpu" not implemented for \'Bool\'')
            check_grad_dtype(self, dt)
            return self.astype(dt)
        long = _int_to_long(self.dtype)
        return self if long == self.dtype else self.astype(long)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Any:
        """y_i = x_0 + ... + x_i along ``dim`` (integers give int64)."""
        x = self._cast_for(dtype, "cumsum")
        a = self._dim(dim, "cumsum")
        if x.ndim == 0:
            return _keep_dtype(x * 1, x)
        return _keep_dtype(P.CumSum.apply(x, axis=a), x)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Any:
        """y_i = x_0 * ... * x_i along ``dim``; the gradient is exact where x has zeros."""
        x = self._cast_for(dtype, "cumprod")
        a = self._dim(dim, "cumprod")
        if x.ndim == 0:
            return _keep_dtype(x * 1, x)
        return _keep_dtype(P.CumProd.apply(x, axis=a), x)

    def prod(self, dim: Any = NO_DIM, keepdim: bool = False, *, dtype: Any = None) -> Any:
        """Product over ``dim`` (not given: every element); exact gradient with zeros."""
        dim = int_dim(dim, "prod")
        x = self._cast_for(dtype)
        if dim is None:
            return _keep_dtype(P.Prod.apply(x.reshape(-1), axis=0), x)
        a = self._dim(dim, "prod")
        if x.ndim == 0:
            return _keep_dtype(x * 1, x)
        # PyTorch's node for a product over a dim: ProdBackward1
        return with_overload(_keep_dtype(P.Prod.apply(x, axis=a, keepdims=bool(keepdim)), x), 1)

    # -- norms and matrix helpers ------------------------------------------------------
    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False,
             dtype: Any = None) -> Any:
        """(sum |x|^p)^(1/p) over ``dim`` (None: all); p='fro' or 2 (default), 1, inf, 0 ..."""
        if self.dtype.kind not in "fc":  # the input's dtype, before ``dtype``
            kind = "matrix" if p == "nuc" else "vector"
            raise RuntimeError(f"linalg.{kind}_norm: Expected a floating point or complex "
                               f"tensor as input. Got {_torch_name(self.dtype)}")
        if isinstance(p, str) and p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
            # (PyTorch's: 'fro' over more than two dims is a matrix norm; p=None is a vector's)
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(d) for d in dim))
        x = self if dtype is None else self.astype(as_dtype(dtype))
        if p == "fro" or p is None:  # (None: PyTorch's default 2-norm, as ``norm(p=None)``)
            p = 2
        if p == "nuc":  # (the SVD is tensor_linalg's)
            return x._matrix_norm("nuc", dim, keepdim)  # type: ignore[union-attr]
        if isinstance(p, str):
            raise RuntimeError(f"norm(): p={p!r} is not supported (use 'fro', 'nuc' or a number)")
        return vector_norm(x, p, dim, keepdim)

    def tril(self, diagonal: int = 0) -> Any:
        """x with the entries above the ``diagonal``-th diagonal set to 0 (last two dims)."""
        return _triangle(self, np.tril, diagonal, P.Tril)

    def triu(self, diagonal: int = 0) -> Any:
        """x with the entries below the ``diagonal``-th diagonal set to 0 (last two dims)."""
        return _triangle(self, np.triu, diagonal, P.Triu)

    def outer(self, vec2: Any) -> Any:
        """y[i, j] = x[i] * v[j]; x: (n,), v: (m,) -> (n, m)."""
        need_tensor("outer", "vec2", vec2)
        v: Any = vec2 if isinstance(vec2, TensorBase) else self._new(vec2)
        if self.ndim != 1 or v.ndim != 1:
            raise RuntimeError(f"outer(): expected two 1-D tensors, got shapes {self._data.shape} "
                               f"and {tuple(v.shape)}")
        return self.reshape(-1, 1) * v.reshape(1, -1)

    def ger(self, vec2: Any) -> Any:
        """``outer`` under its old name (PyTorch's errors name it ``ger``)."""
        need_tensor("ger", "vec2", vec2)
        return self.outer(vec2)


def _keep_dtype(out: Any, x: Any) -> Any:
    """``out`` in x's dtype: NumPy sums and multiplies int32 and bool in int64, PyTorch keeps
    the dtype asked for (integer results carry no gradient, so the cast is free of graph)."""
    return out if out.dtype == x.dtype else out.astype(x.dtype)


def _triangle(x: Any, fn: Any, k: int, op: Any) -> Any:
    if x.ndim < 2:
        raise RuntimeError(f"{op.__name__.lower()}(): expected a tensor with at least 2 "
                           f"dimensions, got shape {x.shape}")
    keep = fn(np.ones(x.shape[-2:], dtype=bool), k)
    return op.apply(x, cond=keep)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False) -> Any:
    """(sum |x|^ord)^(1/ord) over ``dim`` (None: all); ord inf / -inf: max / min |x|, 0: the
    count of nonzeros. The 2-norm's gradient at x = 0 is 0 (PyTorch's subgradient)."""
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"norm(): expected a floating point input, got dtype {x.dtype}")
    dims = dim if dim is None or isinstance(dim, (tuple, list)) else (dim,)
    kw = {"axis": None if dims is None else tuple(dims), "keepdims": bool(keepdim)}
    if ord in (math.inf, -math.inf):
        a = x.abs()
        out = a.amax(**kw) if ord > 0 else a.amin(**kw)
        hole = np.isnan(out._data)
        if not hole.any():
            return out
        # a NaN norm gets no gradient through it (PyTorch: no |x_i| equals it), so the
        # extreme is taken with the NaNs replaced and the NaN put back on top
        a = where(np.isnan(a._data), np.zeros((), dtype=a.dtype), a)
        out = a.amax(**kw) if ord > 0 else a.amin(**kw)
        return where(hole, np.full((), np.nan, dtype=out.dtype), out)
    if ord == 0:
        count = (x.detach() != 0).astype(x.dtype).sum(**kw)
        return P.ZeroNorm.apply(x, value=_data(count))
    if ord == 2:  # (|x|^2 = x conj(x) for a complex x: a real norm, as PyTorch's)
        sq = (x * x.conj()).real if x.dtype.kind == "c" else x * x
        return P.Sqrt.apply(sq.sum(**kw), zero_at_zero=True)
    if ord == 1:
        return x.abs().sum(**kw)
    if not isinstance(ord, (int, float)):
        raise RuntimeError(f"norm(): ord must be a number, got {ord!r}")
    if ord < 0:
        return ((x.abs() ** ord).sum(**kw)) ** (1.0 / ord)
    # |x|^p with gradient 0 at x = 0 (for p < 1, p |x|^(p-1) sign(x) alone is inf * 0 = NaN;
    # PyTorch masks it to 0)
    a = x.abs()
    zero = a._data == 0
    one = np.ones((), dtype=a.dtype)
    total = where(zero, np.zeros((), dtype=a.dtype), where(zero, one, a) ** ord).sum(**kw)
    # 0 at 0 with a zero gradient there (PyTorch's subgradient; s ** (1/p) alone gives
    # inf * 0 = NaN): the root of the nonzero sums only (NaN stays NaN)
    nonzero = total._data != 0
    safe = where(nonzero, total, one)
    return where(nonzero, safe ** (1.0 / ord), np.zeros((), dtype=total.dtype))
