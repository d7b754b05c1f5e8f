"""NumPy-level fast paths that must give exactly what the plain NumPy call gives:
``ops.movement.transposed`` (a banded transposing copy, used by ``contiguous()`` of a
transposed matrix and the fused LSTM layer) and the float max / min reductions with
``initial`` (``ops.reduce._extreme``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn.ops.movement import transposed

DTYPES = [np.float32, np.float64, np.int64, np.complex128, np.bool_]


@settings(deadline=None, max_examples=60)
@given(rows=st.integers(1, 700), cols=st.sampled_from([1, 3, 16, 32, 64, 100, 128, 256, 300]),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_transposed_is_a_c_ordered_copy_of_the_transpose(rows: int, cols: int, dtype: type,
                                                          seed: int) -> None:
    a: np.ndarray = (np.random.default_rng(seed).standard_normal((rows, cols)) * 10).astype(dtype)
    t = transposed(a)
    assert t.flags.c_contiguous and t.dtype == a.dtype and t.shape == (cols, rows)
    assert np.array_equal(t, a.T)
    assert not np.shares_memory(t, a)


@pytest.mark.parametrize("shape", [(512, 128), (1024, 64), (96, 256), (40, 1024)])
def test_transposed_bands_cover_every_row_at_sizes_that_take_the_banded_copy(
        shape: tuple[int, int]) -> None:
    """Row lengths that are multiples of 256 bytes take the banded loop, whose last band
    may be short (96 and 40 rows are not multiples of the band)."""
    a = np.arange(shape[0] * shape[1], dtype=np.float32).reshape(shape)
    assert np.array_equal(transposed(a), a.T)


@pytest.mark.parametrize("shape", [(512, 128), (7, 5)])
def test_contiguous_of_a_transposed_matrix_copies_and_passes_the_gradient(
        shape: tuple[int, int]) -> None:
    w = tg.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    y = w.t().contiguous()
    assert y.is_contiguous() and np.array_equal(y.detach().numpy(), w.detach().numpy().T)
    z = y.detach()
    z[0, 1] = 5.0  # a copy: w is untouched
    assert w[1, 0].item() != 5.0
    g = np.random.default_rng(1).standard_normal(shape[::-1])
    w.t().contiguous().backward(tg.tensor(g))
    assert np.array_equal(w.grad.numpy(), g.T)


@st.composite
def _rows(draw: st.DrawFn) -> np.ndarray:
    n, k = draw(st.integers(1, 80)), draw(st.integers(1, 70))
    lead = draw(st.sampled_from([(), (2,), (3, 1)]))
    dtype = draw(st.sampled_from([np.float16, np.float32, np.float64, np.int32, np.bool_]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    a: np.ndarray = (rng.standard_normal(lead + (n, k)) * 5).astype(dtype)
    if a.dtype.kind == "f":  # non-finite values and tied maxima, rows of -inf included
        flat = a.reshape(-1)
        for value in (np.nan, np.inf, -np.inf, 0.0, -0.0):
            flat[rng.integers(0, flat.size, draw(st.integers(0, 3)))] = value
        if draw(st.booleans()):
            a[..., rng.integers(0, n), :] = -np.inf
    return a


@settings(deadline=None, max_examples=150)
@given(a=_rows(), data=st.data())
def test_max_min_amax_amin_over_a_dim_equal_numpys(a: np.ndarray, data: st.DataObject) -> None:
    """Float reductions pass ``initial`` (+-inf) to NumPy for its faster loop
    (ops.reduce._extreme): the values must stay NumPy's own, NaN propagated."""
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    x = tg.tensor(a)
    with np.errstate(invalid="ignore"):
        assert np.array_equal(x.max(dim).values.numpy(), a.max(axis=dim), equal_nan=True)
        assert np.array_equal(x.amax(dim).numpy(), a.max(axis=dim), equal_nan=True)
        assert np.array_equal(x.min(dim).values.numpy(), a.min(axis=dim), equal_nan=True)
        assert np.array_equal(x.amin(dim, keepdim=True).numpy(), a.min(axis=dim, keepdims=True),
                              equal_nan=True)
