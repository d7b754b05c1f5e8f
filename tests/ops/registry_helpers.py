"""Helpers for the gradient registry's core rows: the ``@case`` decorator and drawing helpers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume  # noqa: F401 - re-exported to the row files
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_nn as tg  # noqa: F401 - re-exported to the row files
import tinygrad_nn.functional as F  # noqa: F401 - re-exported to the row files
from tests.ops.registry_base import OpCase
from tinygrad_nn.testing import strategies as tst

Draw = Callable[[Any], Any]
CORE: list[OpCase] = []


def case(forms: dict[str, Callable[..., Any]], **options: Any) -> Callable[..., Any]:
    """Register ``draw_fn(draw, form) -> (fn, arrays)`` as a row named after the first form."""
    names = list(forms)

    def register(draw_fn: Callable[..., Any]) -> Callable[..., Any]:
        def draw_case(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
            return draw_fn(draw, forms[draw(st.sampled_from(names))])

        CORE.append(OpCase(names[0], draw_case, covers=tuple(names[1:]), **options))
        return draw_fn

    return register


# -- drawing helpers (the public strategies, dogfooded) ------------------------------------


def shape_of(draw: Draw, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
             max_side: int = 3) -> tuple[int, ...]:
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                 max_side=max_side))


def arr(draw: Draw, shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0,
        **kw: Any) -> np.ndarray:
    return draw(tst.arrays(shape=shape, elements=(lo, hi), **kw))


def nonzero(draw: Draw, shape: tuple[int, ...], lo: float = 0.3, hi: float = 3.0) -> np.ndarray:
    """Values with lo <= |x| <= hi (divisors, reciprocals)."""
    mag = draw(tst.arrays(shape=shape, elements=(lo, hi)))
    sign = draw(tst.arrays(shape=shape, dtype=np.bool_))
    return np.where(sign, -mag, mag)


def distinct(draw: Draw, shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0) -> np.ndarray:
    """Pairwise distinct values at least 0.7 (hi - lo) / size apart (no ties for max/min)."""
    n = math.prod(shape)
    perm = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    jitter = draw(tst.arrays(shape=(n,), elements=(0.0, 0.3)))
    return (lo + (perm + jitter) * (hi - lo) / max(n, 1)).reshape(shape)


def lattice(draw: Draw, shape: tuple[int, ...], offset: float) -> np.ndarray:
    """k + offset + jitter (integer k in [-3, 2], jitter in [0, 0.2]). Arrays drawn with
    offsets 0.5 and 0 differ by an integer + [0.3, 0.7]: never within 0.3 of an integer."""
    k = draw(tst.arrays(shape=shape, dtype=np.int64, elements=(-3, 2)))
    return k + offset + draw(tst.arrays(shape=shape, elements=(0.0, 0.2)))


def two_shapes(draw: Draw, max_dims: int = 3, max_side: int = 3) -> tuple[tuple[int, ...], ...]:
    return draw(tst.broadcastable_shapes(max_dims=max_dims, max_side=max_side))


def reduction_args(draw: Draw, shape: tuple[int, ...]) -> tuple[Any, bool]:
    return draw(tst.reduction_axes(shape)), draw(st.booleans())


def one_axis(draw: Draw, ndim: int) -> int:
    return draw(tst.reduction_axes(ndim, allow_none=False, allow_tuple=False))


REDUCTIONS = st.sampled_from(["mean", "sum", "none"])

