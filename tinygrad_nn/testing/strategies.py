"""Hypothesis strategies for property tests of tinygrad_nn ops and of users' own Functions.

Every strategy has small, gradient-check-friendly defaults (at most 4 axes of length 1-4,
finite values in [-10, 10]) and can be called with no arguments::

    from hypothesis import given
    from tinygrad_nn.testing import strategies as tst

    @given(tst.arrays(elements=(0.1, 10.0)))
    def test_log(x): ...

This module imports Hypothesis; ``import tinygrad_nn`` never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Shape = tuple[int, ...]
ShapeLike = int | Shape | st.SearchStrategy[Shape] | None
ElementsLike = st.SearchStrategy[Any] | tuple[float, float] | None

_DEFAULT_RANGE = (-10.0, 10.0)


def _shapes(shape: ShapeLike, min_dims: int, max_dims: int, min_side: int,
            max_side: int) -> st.SearchStrategy[Shape]:
    """A shape, an int (a 1-d length), a strategy of shapes, or None (drawn) -> strategy."""
    if shape is None:
        return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                max_side=max_side)
    if isinstance(shape, st.SearchStrategy):
        return shape
    if isinstance(shape, (int, np.integer)):
        return st.just((int(shape),))
    return st.just(tuple(int(n) for n in shape))


def _inward(lo: float, hi: float, dtype: np.dtype) -> tuple[float, float]:
    """Round [lo, hi] inwards to values the float dtype represents exactly."""
    t = dtype.type
    a, b = t(lo), t(hi)
    if a < lo:
        a = np.nextafter(a, t(np.inf))
    if b > hi:
        b = np.nextafter(b, t(-np.inf))
    return float(a), float(b)


def elements_for(dtype: Any = np.float64, elements: ElementsLike = None,
                 away_from: Sequence[float] = (), margin: float = 1e-3
                 ) -> st.SearchStrategy[Any]:
    """Scalar strategy for ``dtype``: finite values in ``elements=(lo, hi)`` (default ±10).

    ``away_from`` lists points to keep a distance ``margin`` from (the kinks of ``abs``,
    ``relu``, ``max`` ... where a finite difference straddles two derivatives).
    """
    if isinstance(elements, st.SearchStrategy):
        strategy = elements
    else:
        dt = np.dtype(dtype)
        lo, hi = elements if elements is not None else _DEFAULT_RANGE
        if lo > hi:
            raise ValueError(f"elements: empty range ({lo}, {hi})")
        if dt.kind == "f":
            lo, hi = _inward(lo, hi, dt)
            strategy = st.floats(lo, hi, allow_nan=False, allow_infinity=False,
                                 allow_subnormal=False, width=8 * dt.itemsize)
        elif dt.kind in "iu":
            info = np.iinfo(dt)
            strategy = st.integers(max(int(np.ceil(lo)), int(info.min)),
                                   min(int(np.floor(hi)), int(info.max)))
        elif dt.kind == "b":
            strategy = st.booleans()
        else:
            raise TypeError(f"elements: unsupported dtype {dt}; expected float, int or bool")
    if away_from:
        points = tuple(float(p) for p in away_from)
        strategy = strategy.filter(lambda x: all(abs(float(x) - p) > margin for p in points))
    return strategy


def arrays(
    shape: ShapeLike = None,
    dtype: Any = np.float64,
    elements: ElementsLike = None,
    min_dims: int = 0,
    max_dims: int = 4,
    min_side: int = 1,
    max_side: int = 4,
    *,
    unique: bool = False,
    away_from: Sequence[float] = (),
    margin: float = 1e-3,
) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays x: ``shape`` (drawn with ``min_dims..max_dims`` axes if None), ``dtype``.

    Parameters
    ----------
    shape : tuple, int, strategy of tuples, or None
        Fixed shape, or drawn (0-d included) with axes of length ``min_side..max_side``.
    dtype : dtype
        Float (default float64), integer or bool.
    elements : strategy or (lo, hi)
        Values; ``(lo, hi)`` draws finite numbers in that closed range. Default [-10, 10].
    unique : bool
        All elements distinct (e.g. for ``max`` / ``sort`` whose gradient needs no ties).
    away_from, margin : see ``elements_for``.
    """
    dt = np.dtype(dtype)
    return hnp.arrays(dt, _shapes(shape, min_dims, max_dims, min_side, max_side),
                      elements=elements_for(dt, elements, away_from, margin), unique=unique)


@st.composite
def _broadcastable(draw: Any, target: st.SearchStrategy[Shape], num_shapes: int
                   ) -> tuple[Shape, ...]:
    full = draw(target)
    out = []
    for _ in range(num_shapes):
        # drop leading axes (down to 0-d) and set some axes to 1; shrinks towards `full`
        drop = draw(st.integers(0, len(full)))
        out.append(tuple(1 if draw(st.booleans()) else n for n in full[drop:]))
    return tuple(out)


def broadcastable_shapes(
    shape: ShapeLike = None,
    num_shapes: int = 2,
    min_dims: int = 0,
    max_dims: int = 4,
    min_side: int = 1,
    max_side: int = 4,
) -> st.SearchStrategy[tuple[Shape, ...]]:
    """Tuples (s_1, ..., s_k) of shapes that each broadcast to ``shape``, hence together.

    Each shape keeps a trailing part of ``shape`` (possibly none: 0-d) with some axes
    replaced by 1, which exercises the un-broadcasting of gradients. ``shape`` is drawn
    like ``arrays``'s when None. ``np.broadcast_shapes(*shapes)`` is always valid.
    """
    if num_shapes < 1:
        raise ValueError(f"broadcastable_shapes: num_shapes must be >= 1, got {num_shapes}")
    return _broadcastable(_shapes(shape, min_dims, max_dims, min_side, max_side), num_shapes)


def tensors(
    shape: ShapeLike = None,
    dtype: Any = np.float64,
    requires_grad: bool = True,
    elements: ElementsLike = None,
    *,
    name: str | None = None,
    **array_kw: Any,
) -> st.SearchStrategy[Any]:
    """Tensors wrapping ``arrays(shape, dtype, elements, **array_kw)``.

    ``requires_grad`` applies to floating-point dtypes only (integer Tensors cannot
    require grad).
    """
    dt = np.dtype(dtype)

    def make(a: np.ndarray) -> Any:
        from ..tensor import Tensor  # lazy: the strategies must import without the core

        return Tensor._new(a, requires_grad=requires_grad and dt.kind == "f", name=name)

    return arrays(shape, dt, elements, **array_kw).map(make)


@st.composite
def _axes_tuple(draw: Any, ndim: int, allow_negative: bool) -> tuple[int, ...]:
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    if allow_negative:
        axes = [a - ndim if draw(st.booleans()) else a for a in axes]
    return tuple(axes)


def reduction_axes(
    shape: Shape | int | None = None,
    *,
    allow_none: bool = True,
    allow_int: bool = True,
    allow_tuple: bool = True,
    allow_negative: bool = True,
) -> st.SearchStrategy[int | tuple[int, ...] | None]:
    """Valid ``axis`` arguments for a reduction over an array of ``shape`` (or of ``ndim``).

    Draws ``None``, an int in ``[-ndim, ndim)`` or a non-empty tuple of distinct axes in
    any order, some negative; every draw is valid with ``keepdims=True`` and ``False``
    alike. A 0-d shape gets ``None``. With no ``shape`` the axes are valid for any array
    with at least one axis: ``None``, ``0``, ``-1``, ``(0,)``, ``(-1,)``.
    """
    if shape is None:
        ndim = 1
    elif isinstance(shape, (int, np.integer)):
        ndim = int(shape)
    else:
        ndim = len(shape)
    if ndim == 0:
        return st.none()
    options: list[st.SearchStrategy[Any]] = []
    if allow_none:
        options.append(st.none())
    if allow_int:
        options.append(st.integers(-ndim if allow_negative else 0, ndim - 1))
    if allow_tuple:
        options.append(_axes_tuple(ndim, allow_negative))
    if not options:
        raise ValueError("reduction_axes: allow at least one of None, int and tuple")
    return st.one_of(options)


__all__ = [
    "arrays",
    "broadcastable_shapes",
    "elements_for",
    "reduction_axes",
    "tensors",
]
