"""Writes through views: a view's elements gathered from its base, and the base with them replaced.

A view (a slice, ``reshape``, ``t()``, ``diagonal`` ...) reads its base's memory. An in-place
change made through it under grad becomes a ``CopySlices`` node on the base (PyTorch's), and
every view of that base is then re-derived from it by ``AsStrided`` (tensor_inplace.py).
Both address the view's elements by ``view_index``: per element of the view, its index in the
base, found from the two arrays' memory layout, so one mechanism serves every view op.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from .complex import AsPairs, InPairs, PairsComplex, RealPairs, real_pairs
from .elementwise import keep_where
from .movement import GetItem

_as_strided = np.lib.stride_tricks.as_strided


def _extent(a: np.ndarray) -> tuple[int, int, int]:
    """(address of a's first element, lowest and one-past-highest byte it touches)."""
    start = lo = hi = a.__array_interface__["data"][0]
    for n, s in zip(a.shape, a.strides):
        if s < 0:
            lo += (n - 1) * s
        else:
            hi += (n - 1) * s
    return start, lo, hi + a.itemsize


def view_index(base: np.ndarray, view: np.ndarray) -> tuple[np.ndarray, Any] | None:
    """(flat, idx): per element of ``view``, its position in ``base`` (row-major flat
    positions, and the same as a NumPy index: ``base[idx]`` has ``view``'s values), or None
    when ``view`` is not made of ``base``'s elements (a copy, another dtype, empty).

    Each element of base gets its flat position written at its address in a scratch
    buffer laid out as base's memory; the view, laid over that buffer with its own
    strides, reads its positions (one pass of O(base's memory), no per-op bookkeeping).

    A real view of a complex base (``x.real``, ``view_as_real(x)``) is found in the base's
    (re, im) pairs (the index is an ``InPairs``); a complex view of a real base
    (``view_as_complex(r)``) by its own pairs (``AsPairs``): ``gather_view`` and
    ``write_view`` take either."""
    if view.dtype != base.dtype and view.size and base.size:
        if base.dtype.kind == "c" and view.dtype == base.real.dtype:
            found = view_index(real_pairs(base), view)
            return None if found is None else (found[0], InPairs(found[1]))
        if view.dtype.kind == "c" and base.dtype == view.real.dtype:
            found = view_index(base, real_pairs(view))
            return None if found is None else (found[0], AsPairs(found[1]))
    if view.size == 0 or base.size == 0 or view.dtype != base.dtype:
        return None
    isz = base.itemsize
    b0, blo, bhi = _extent(base)
    v0, vlo, vhi = _extent(view)
    if vlo < blo or vhi > bhi or (v0 - blo) % isz or (b0 - blo) % isz:
        return None
    if any(s % isz for s in base.strides + view.strides):
        return None
    if any(s == 0 and n > 1 for n, s in zip(base.shape, base.strides)):
        return None  # a broadcast base: one address, several positions
    buf = np.full((bhi - blo) // isz, -1, np.intp)
    at_base = _as_strided(buf[(b0 - blo) // isz:], base.shape,
                          [s // isz * buf.itemsize for s in base.strides])
    at_base[...] = np.arange(base.size).reshape(base.shape)
    flat = _as_strided(buf[(v0 - blo) // isz:], view.shape,
                       [s // isz * buf.itemsize for s in view.strides]).copy()
    if (flat < 0).any():  # an address between base's elements
        return None
    return flat, np.unravel_index(flat, base.shape)


class AsStrided(GetItem):
    """y = x[idx] for ``idx`` from ``view_index``: a view's node, re-derived from its base
    after an in-place change (PyTorch's AsStridedBackward0). The gradient adds g back at
    the elements read (overlapping views accumulate): ``ScatterAdd``, whose own gradient
    is this gather again."""

    def name(self) -> str:
        return "AsStridedBackward0"


class PairsCopied(PairsComplex):
    """The complex base whose (re, im) pairs a real view of it changed in place (its last
    node, named as PyTorch names the base's node then: CopySlices)."""

    def name(self) -> str:
        return "torch::autograd::CopySlices"


def gather_view(base: Any, idx: Any) -> Any:
    """A view's values re-derived from its changed ``base`` (``view_index``'s ``idx``):
    ``AsStrided``, through the (re, im) pairs for a view of another dtype."""
    if type(idx) is InPairs:
        return AsStrided.apply(RealPairs.apply(base), idx=tuple(idx))
    if type(idx) is AsPairs:
        return PairsComplex.apply(AsStrided.apply(base, idx=tuple(idx)))
    return AsStrided.apply(base, idx=idx)


def write_view(base: Any, src: Any, idx: Any) -> Any:
    """``base`` with its view at ``idx`` (``view_index``'s) replaced by ``src``, written into
    base's memory (``CopySlices``, through the (re, im) pairs for a view of another dtype)."""
    if type(idx) is InPairs:
        pairs = CopySlices.apply(RealPairs.apply(base), src, idx=tuple(idx), inplace=True)
        return PairsCopied.apply(pairs)
    if type(idx) is AsPairs:
        return CopySlices.apply(base, RealPairs.apply(src), idx=tuple(idx), inplace=True)
    return CopySlices.apply(base, src, idx=idx, inplace=True)


class CopySlices(Function):
    """y = x with y[idx] = src (src broadcast to x[idx]'s shape): PyTorch's node for a base
    changed in place through one of its views; x gets g with the written elements zeroed,
    src gets g[idx]. ``inplace=True`` writes into x's own array (the user's in-place op:
    every view of the base sees the values); backward never does."""

    @staticmethod
    def forward(ctx: Any, x: Any, src: Any, idx: Any, inplace: bool = False) -> Any:
        ctx.idx = idx
        out = x if inplace else x.copy()
        if type(src) is np.ndarray and np.may_share_memory(src, out):
            src = src.copy()  # (``v.copy_(other view of the base)``: read before writing)
        out[idx] = src
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        need_x, need_src = ctx.needs_input_grad
        idx = ctx.idx
        gx = None
        if need_x:  # g with the overwritten elements zeroed: Where's own projection
            keep = np.ones(g.shape, dtype=bool)
            keep[idx] = False
            gx = keep_where(g, keep)
        return gx, (g[idx] if need_src else None)

    def name(self) -> str:
        return "torch::autograd::CopySlices"


class Copy(Function):
    """y = src broadcast to x's shape (``x.copy_(src)``, PyTorch's CopyBackwards): x's old
    values get a zero gradient (PyTorch's: zeros, not None), src gets g (un-broadcast by
    the engine)."""

    @staticmethod
    def forward(ctx: Any, x: Any, src: Any) -> Any:
        out = np.empty_like(x)
        out[...] = src
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        gx = np.zeros(np.shape(g), dtype=g.dtype) if ctx.needs_input_grad[0] else None
        return gx, g

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"


class IndexPut(CopySlices):
    """y = x with y[idx] = src for an advanced index (``x[mask] = v``, ``x[[0, 2]] = v``);
    of repeated targets the last write wins, and every src element gets g at its target
    (PyTorch's IndexPutBackward0)."""

    def name(self) -> str:
        return "IndexPutBackward0"


class IndexCopy(IndexPut):
    """``index_copy``: the same assignment and gradient (each source slice gets g at its
    target, overwritten or not; x gets g off the targets), PyTorch's IndexCopyBackward0."""

    def name(self) -> str:
        return "IndexCopyBackward0"


class Scatter(IndexPut):
    """``scatter(dim, index, src)``: the same assignment and gradient (every src element
    gets g gathered at its target, also one a repeated index overwrote: PyTorch's
    ``grad.gather(dim, index)``), PyTorch's ScatterBackward0; with a number for src
    (``scatter(dim, index, value)``) ScatterBackward1."""

    @staticmethod
    def forward(ctx: Any, x: Any, src: Any, idx: Any, inplace: bool = False) -> Any:
        ctx._value = type(src) is not np.ndarray
        return CopySlices.forward(ctx, x, src, idx, inplace)

    def name(self) -> str:
        return f"ScatterBackward{int(self.__dict__.get('_value', False))}"
