"""The vectorised erf kernel (``tinygrad_nn.ops._erf.np_erf``) against ``math.erf``.

Errors are counted in representable numbers between the two results (``ulp_distance``), which
stays exact across binade edges, zero and sign. The bounds are derived, not fitted: measured
against a 120-bit mpmath reference, np_erf is within 0.81 ulp of exact erf for |x| < 0.5,
2.2 ulp on 0.5 <= |x| < 1, 1.1 ulp on 1 <= |x| < 2 and 0.51 ulp beyond, and glibc's math.erf
is within 1 ulp (0.5 for |x| >= 2). Two doubles within a + b ulp of one real number are at most
floor(a + b) representable steps apart, which gives the bounds in ``ulp_bound``: 1, 3, 2, 1.
They are tight enough to fail for a 1e-16 relative bias in erf (what dividing Cody's first
rational with both polynomials rounded to double gives, ~1 ulp), for a wrong coefficient, or
for a branch used outside its range. Absolute tolerances are never needed, even among
subnormals, because the ulp there is the fixed 2**-1074.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_nn.ops._erf import np_erf

TINY = 2.2250738585072014e-308  # smallest normal double
HUGE = 1.7976931348623157e308


def _ordinal(a: Any, width: int) -> np.ndarray:
    """Floats mapped to integers in the same order, consecutive floats one apart, +-0 -> 0."""
    ints = np.asarray(a).view({64: np.int64, 32: np.int32, 16: np.int16}[width]).astype(np.int64)
    return np.where(ints < 0, -(2 ** (width - 1)) - ints, ints)


def ulp_distance(a: Any, b: Any) -> np.ndarray:
    """How many representable numbers of a's (= b's) float dtype lie between a and b."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.dtype.kind == "f"
    width = a.dtype.itemsize * 8
    return np.abs(_ordinal(a, width) - _ordinal(b, width))


def reference(xs: Any) -> np.ndarray:
    """math.erf elementwise, in float64, in xs's shape."""
    x = np.asarray(xs, dtype=np.float64)
    return np.array([math.erf(v) for v in x.ravel().tolist()]).reshape(x.shape)


def ulp_bound(x: Any) -> np.ndarray:
    """Allowed distance to math.erf in float64 (derivation in the module docstring)."""
    ax = np.abs(np.asarray(x, dtype=np.float64))
    return np.select([ax < 0.5, ax < 1.0, ax < 2.0], [1, 3, 2], default=1)


def assert_close_to_math_erf(xs: Any) -> None:
    x = np.asarray(xs, dtype=np.float64)
    got = np_erf(x)
    assert got.dtype == np.float64 and got.shape == x.shape
    dist = ulp_distance(got, reference(x))
    bound = ulp_bound(x)
    bad = dist > bound
    assert not bad.any(), (f"x={x[bad][:5].tolist()} erf={got[bad][:5].tolist()} "
                           f"math.erf={reference(x[bad][:5]).tolist()} ulps={dist[bad][:5]}")


def _signed(magnitudes: st.SearchStrategy[float]) -> st.SearchStrategy[float]:
    return st.builds(lambda m, negative: -m if negative else m, magnitudes, st.booleans())


RANGES = {  # |x| ranges; every branch of the kernel and both ends of each
    "subnormal": st.floats(0.0, TINY, exclude_max=True),
    "tiny": st.floats(TINY, 1e-8),
    "below_0.5": st.floats(1e-8, 0.5, exclude_max=True),
    "0.5_to_1": st.floats(0.5, 1.0, exclude_max=True),
    "1_to_4": st.floats(1.0, 4.0, exclude_max=True),
    "4_to_6": st.floats(4.0, 6.0, exclude_max=True),
    "6_to_huge": st.floats(6.0, HUGE),
}
ANY_RANGE = st.one_of(*(_signed(s) for s in RANGES.values()))
FINITE_OR_INF = st.floats(allow_nan=False)


@pytest.mark.parametrize("name", RANGES)
@given(data=st.data())
def test_each_range_matches_math_erf(name: str, data: st.DataObject) -> None:
    xs = data.draw(st.lists(_signed(RANGES[name]), min_size=1, max_size=200), label="xs")
    assert_close_to_math_erf(xs)


@given(st.lists(ANY_RANGE, min_size=1, max_size=200))
def test_mixed_ranges_match_math_erf(xs: list[float]) -> None:
    # one array mixing branches: the masked selection must pick each lane's own branch
    assert_close_to_math_erf(xs)


@given(st.lists(st.one_of(ANY_RANGE, st.sampled_from([0.0, -0.0, math.inf, -math.inf])),
                min_size=1, max_size=100))
def test_elements_do_not_depend_on_their_neighbours(xs: list[float]) -> None:
    x = np.array(xs)
    whole = np_erf(x)
    one_by_one = np.array([np_erf(v) for v in x])
    assert np.array_equal(whole.view(np.int64), one_by_one.view(np.int64))


@pytest.mark.parametrize("width, dtype", [(32, np.float32), (16, np.float16)])
@given(data=st.data())
def test_narrow_floats_are_rounded_math_erf(width: int, dtype: type, data: st.DataObject) -> None:
    xs = data.draw(st.lists(st.floats(allow_nan=False, width=width), min_size=1, max_size=200))
    x = np.array(xs, dtype=dtype)
    got = np_erf(x)
    assert got.dtype == dtype
    expected = np.array([math.erf(float(v)) for v in x], dtype=dtype)
    assert ulp_distance(got, expected).max() <= 1


@given(st.lists(FINITE_OR_INF, min_size=1, max_size=200))
def test_odd_symmetry_is_exact(xs: list[float]) -> None:
    x = np.array(xs)
    # bitwise, so erf(-0.0) = -erf(0.0) = -0.0 is checked too
    assert np.array_equal(np_erf(-x).view(np.int64), (-np_erf(x)).view(np.int64))


@given(st.lists(st.floats(), min_size=1, max_size=200))  # nan, inf, subnormal, huge
def test_no_floating_point_warnings_for_any_input(xs: list[float]) -> None:
    with np.errstate(all="ignore"):  # narrowing the input may overflow or underflow
        inputs = [np.array(xs).astype(dtype) for dtype in (np.float64, np.float32, np.float16)]
    before = np.geterr()
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for x in inputs:
            out = np_erf(x)
            assert np.isnan(out).tolist() == np.isnan(x).tolist()
            assert (np.abs(out[~np.isnan(out)]) <= 1).all()
    assert np.geterr() == before


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_special_values(dtype: Any) -> None:
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out = np_erf(x)
    assert out.dtype == dtype
    assert out[0] == 0 and not np.signbit(out[0])
    assert out[1] == 0 and np.signbit(out[1])
    assert out[2] == 1 and out[3] == -1
    assert np.isnan(out[4])
    assert all(np.isnan(np_erf(v)) for v in (np.nan, np.float32("nan"), -np.float64("nan")))


def test_extreme_doubles() -> None:
    smallest = np.nextafter(0.0, 1.0)  # 5e-324: erf(x) ~ 1.128 x rounds back to x
    x = np.array([smallest, -smallest, TINY, -TINY, HUGE, -HUGE, 5.9, 6.0, 6.1, 27.0, 1e10])
    assert_close_to_math_erf(x)
    assert np_erf(smallest) == smallest and np_erf(HUGE) == 1.0 and np_erf(-27.0) == -1.0


def test_dense_grid() -> None:
    # 100,001 points over [-7, 7]: every branch, both sides of each switch, many blocks
    x = np.linspace(-7.0, 7.0, 100_001)
    got = np_erf(x)
    dist = ulp_distance(got, reference(x))
    assert (dist <= ulp_bound(x)).all()
    assert dist.max() <= 3
    # measured: 96.2% identical to math.erf, 3.8% one ulp apart, 0.03% two; a bias of half
    # an ulp would move a good part of the grid by one ulp
    assert (dist == 0).mean() > 0.9
    assert (np.diff(got) >= 0).all()  # monotone
    assert np.array_equal(np_erf(-x), -got)


@pytest.mark.parametrize(
    "dtype",
    [np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64, np.uint64,
     np.float16, np.float32, np.float64],
)
def test_dtype_follows_np_tanh(dtype: Any) -> None:
    x = np.array([[0, 1, 2], [3, 1, 0]]).astype(dtype)
    got = np_erf(x)
    assert got.dtype == np.tanh(x).dtype and got.shape == x.shape
    # computed in float64 and rounded once to the result dtype
    x64 = x.astype(np.float64)
    assert np.array_equal(got, np_erf(x64).astype(got.dtype))
    assert_close_to_math_erf(x64)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 2, 5), (1,), (2, 3, 4), (9000,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shapes(shape: tuple[int, ...], dtype: Any) -> None:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2).astype(dtype)
    original = x.copy()
    got = np_erf(x)
    assert isinstance(got, np.ndarray) and got.shape == shape and got.dtype == dtype
    assert np.array_equal(x, original)  # input untouched
    expected = reference(x).astype(dtype)
    assert got.size == 0 or ulp_distance(got, expected).max() <= (1 if dtype == np.float32
                                                                  else 3)


def test_layouts() -> None:
    x = np.linspace(-3, 3, 60).reshape(6, 10)
    expected = np_erf(x)
    fortran = np_erf(np.asfortranarray(x))
    assert fortran.flags.f_contiguous and np.array_equal(fortran, expected)
    assert np.array_equal(np_erf(x[::2, ::-3]), expected[::2, ::-3])
    assert np.array_equal(np_erf(x.T), expected.T)


@pytest.mark.parametrize(
    "value", [0.3, -2, True, np.float32(0.3), np.float16(-1.5), np.float64(7.0), np.int64(1),
              np.array(0.3), np.array(0.3, dtype=np.float32), np.array(-0.0)],
)
def test_scalars_and_0d_come_back_like_np_tanh(value: Any) -> None:
    got = np_erf(value)
    like = np.tanh(value)
    assert type(got) is type(like) and not isinstance(got, np.ndarray)
    expected = np.asarray(math.erf(float(value))).astype(like.dtype)
    assert ulp_distance(np.asarray(got), expected) <= ulp_bound(float(value))
    assert np.signbit(got) == np.signbit(float(value))


def test_list_input() -> None:
    got = np_erf([[-1.0, 0.0], [0.5, 4.5]])
    assert got.dtype == np.float64 and got.shape == (2, 2)
    assert ulp_distance(got, reference([[-1.0, 0.0], [0.5, 4.5]])).max() <= 2


@pytest.mark.parametrize("value", [np.array([1 + 1j]), np.array([0.5], dtype=object)])
def test_unsupported_dtypes_raise(value: Any) -> None:
    with pytest.raises(TypeError, match="erf is not supported"):
        np_erf(value)
