"""PyTorch's CPU selection orders, ported, so tied values report PyTorch's indices.

``kthvalue``, ``nanmedian(dim)`` and ``mode`` return the index of one of several equal
values; which one is fixed by the algorithm PyTorch's CPU kernel runs (a median-of-three
quickselect, libstdc++'s ``nth_element`` and ``std::sort``). NumPy answers the common rows
(``tensor_select.py``); these ports (Python loops) run only where the order among ties
matters: kthvalue rows where the k-th value repeats, mode rows longer than 16 or holding
NaN, nanmedian rows of NaN only. NaN orders after every number, as in PyTorch. Also here:
the primitives behind index_copy and PyTorch's recorded-but-not-differentiable results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..function import Function

Less = Callable[[int, int], bool]


def _nan_last_less(v: Any) -> Less:
    def less(i: int, j: int) -> bool:
        a, b = v[i], v[j]
        return a < b or (b != b and a == a)

    return less


def quickselect_index(v: Any, k: int) -> int:
    """The index PyTorch's ``kthvalue`` reports: its median-of-three quickselect on (value,
    index) pairs, NaN largest (aten's ``quick_select_template``)."""
    arr = [float(a) for a in v]
    idx = list(range(len(arr)))

    def gt(x: float, y: float) -> bool:
        return (math.isnan(x) and not math.isnan(y)) or x > y

    def swap(i: int, j: int) -> None:
        arr[i], arr[j] = arr[j], arr[i]
        idx[i], idx[j] = idx[j], idx[i]

    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap(lo + (hi - lo) // 2, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(piv, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return idx[k]


def _median_to_first(a: list[int], result: int, x: int, y: int, z: int, less: Less) -> None:
    if less(a[x], a[y]):
        m = y if less(a[y], a[z]) else z if less(a[x], a[z]) else x
    else:
        m = x if less(a[x], a[z]) else z if less(a[y], a[z]) else y
    a[result], a[m] = a[m], a[result]


def _partition_pivot(a: list[int], first: int, last: int, less: Less) -> int:
    mid = first + (last - first) // 2
    _median_to_first(a, first, first + 1, mid, last - 1, less)
    lo, hi, p = first + 1, last, a[first]
    while True:
        while less(a[lo], p):
            lo += 1
        hi -= 1
        while less(p, a[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        a[lo], a[hi] = a[hi], a[lo]
        lo += 1


def _insertion_sort(a: list[int], first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        val = a[i]
        if less(val, a[first]):
            a[first + 1:i + 1] = a[first:i]
            a[first] = val
            continue
        j = i
        while less(val, a[j - 1]):
            a[j] = a[j - 1]
            j -= 1
        a[j] = val


def _sift_down(a: list[int], first: int, hole: int, n: int, val: int, less: Less) -> None:
    top, child = hole, hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], val):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = val


def _make_heap(a: list[int], first: int, last: int, less: Less) -> None:
    n = last - first
    for parent in range((n - 2) // 2, -1, -1):
        _sift_down(a, first, parent, n, a[first + parent], less)


def _pop_heap(a: list[int], first: int, last: int, result: int, less: Less) -> None:
    val = a[result]
    a[result] = a[first]
    _sift_down(a, first, 0, last - first, val, less)


def _heap_select(a: list[int], first: int, middle: int, last: int, less: Less) -> None:
    _make_heap(a, first, middle, less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_heap(a, first, middle, i, less)


def nth_element_index(v: Any, k: int, less: Less | None = None) -> int:
    """The index at position k after libstdc++'s ``nth_element`` over 0..n-1 (compared by
    ``v``, NaN last): the index PyTorch's ``median(dim)`` / ``nanmedian(dim)`` report."""
    less = less or _nan_last_less(v)
    a = list(range(len(v)))
    first, last = 0, len(a)
    depth = 2 * (max(last, 1).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, k + 1, last, less)
            a[first], a[k] = a[k], a[first]
            return a[k]
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        if cut <= k:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)
    return a[k]


def _sort_loop(a: list[int], first: int, last: int, depth: int, less: Less) -> None:
    while last - first > 16:
        if depth == 0:  # libstdc++'s partial_sort(first, last, last): a heapsort
            _heap_select(a, first, last, last, less)
            while last - first > 1:
                last -= 1
                _pop_heap(a, first, last, last, less)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        _sort_loop(a, cut, last, depth, less)
        last = cut


def std_sort(v: Any) -> list[int]:
    """0..n-1 ordered by libstdc++'s ``std::sort`` comparing ``v[i] < v[j]`` (PyTorch's
    ``mode`` kernel sorts (value, index) pairs this way; equal values are not kept in order)."""
    a = list(range(len(v)))

    def less(i: int, j: int) -> bool:
        return bool(v[i] < v[j])

    n = len(a)
    if n < 2:
        return a
    _sort_loop(a, 0, n, 2 * (n.bit_length() - 1), less)
    if n > 16:
        _insertion_sort(a, 0, 16, less)
        for i in range(16, n):  # unguarded linear insertion
            val, j = a[i], i
            while less(val, a[j - 1]):
                a[j] = a[j - 1]
                j -= 1
            a[j] = val
    else:
        _insertion_sort(a, 0, n, less)
    return a


class NoDerivative(Function):
    """y = ``value``, computed from the inputs without a derivative: PyTorch records such
    ops (``unique``, ``scatter(reduce=)``) and raises ``error`` only when a backward pass
    reaches them."""

    @staticmethod
    def forward(ctx: Any, *xs: Any, value: Any, error: Exception) -> Any:
        ctx.error = error
        return value

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        raise ctx.error


class ScatterExtreme(Function):
    """y = x, then y[target[i]] = max (``big``; else min) of y there and src[i] (x left out
    where anything lands unless ``include_self``). PyTorch's gradient: each element equal
    to its result gets g / N, N counting the src elements and x's own element equal to it
    (x's even when left out, which then gets nothing)."""

    @staticmethod
    def forward(ctx: Any, x: Any, src: Any, target: Any, big: bool,
                include_self: bool) -> Any:
        ufunc = np.maximum if big else np.minimum
        sent = np.bincount(target, minlength=x.size) > 0
        y = x.copy()
        if not include_self:
            kind = np.finfo if x.dtype.kind == "f" else np.iinfo
            y[sent] = kind(x.dtype).min if big else kind(x.dtype).max
        ufunc.at(y, target, src)
        if x.dtype.kind == "f":
            self_hit = (x == y).astype(x.dtype)
            src_hit = (src == y[target]).astype(x.dtype)
            with np.errstate(invalid="ignore", divide="ignore"):
                n = self_hit + np.bincount(target, src_hit, minlength=x.size).astype(x.dtype)
                ctx.w_self = np.where(sent & (not include_self), 0, self_hit / n)
                ctx.w_src = src_hit / n[target]
            ctx.target = target
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g * ctx.w_self, g[ctx.target] * ctx.w_src
