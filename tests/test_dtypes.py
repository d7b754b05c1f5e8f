"""``tensor(data)`` infers PyTorch's dtype from Python and NumPy numbers (dtypes.sequence_dtype):
a Python float is the default dtype, a NumPy scalar keeps its own, promoted as torch does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

CASES = [
    [np.float64(1), np.float64(2)], [np.float32(1), np.float64(2)], [np.float64(1.5)], 2.5,
    1j, [1j, 2j], [1.0, np.float64(2)], [[1.0], [np.float64(2)]], [np.float32(1), 2.0],
    [1, np.float32(2)], [np.float16(1), 2.0], [1j, 2.0], [np.complex128(1j)],
    [np.int64(1), 2.5], [True, np.float64(1)], [1.0, 2.0], [1, 2], [True], [[1, 2], [3, 4.5]],
    [np.int64(1), np.float16(2)], [np.uint8(1), np.int8(2)], (1, np.float64(2)), [],
]


@pytest.fixture(params=["float32", "float64"])
def default(request: Any) -> Iterator[str]:
    tg.set_default_dtype(getattr(tg, request.param))
    torch.set_default_dtype(getattr(torch, request.param))
    try:
        yield request.param
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)


def _same(data: Any) -> None:
    ours, theirs = tg.tensor(data), torch.tensor(data)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), data
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("data", CASES, ids=repr)
def test_tensor_infers_torchs_dtype(data: Any, default: str) -> None:
    _same(data)


_NUMBERS = st.one_of(
    st.booleans(), st.integers(-100, 100), st.floats(-100, 100), st.complex_numbers(
        max_magnitude=100, allow_nan=False, allow_infinity=False),
    st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.uint8, np.int32,
                     np.int64, np.bool_, np.complex64, np.complex128]).map(lambda t: t(1)),
)


@given(st.lists(_NUMBERS, min_size=1, max_size=6))
def test_mixed_python_and_numpy_numbers_promote_as_torch(data: list[Any]) -> None:
    """(torch.tensor raises TypeError for a NumPy bool among integers, ``[0, np.True_]``:
    ``'numpy.bool' object cannot be interpreted as an integer``; tinygrad_nn reads it as
    the number it is, a deliberate difference, so those lists are not compared.)"""
    try:
        torch.tensor(data)
    except TypeError as e:
        assume("numpy.bool" not in str(e))
        raise
    _same(data)


def test_the_asked_dtype_reads_the_numbers_themselves() -> None:
    """dtype= converts the float64 values directly (no rounding through the default)."""
    x = 0.1 + 2 ** -40
    assert tg.tensor([x], dtype=tg.float64).item() == x
    assert tg.tensor([np.float64(x), 1j], dtype=tg.complex128).numpy()[0] == x


_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
           "complex64", "complex128"]


@pytest.mark.parametrize("a", _DTYPES)
@pytest.mark.parametrize("b", _DTYPES)
def test_promote_types_matches_torch(a: str, b: str) -> None:
    """Every pair (complex64 with float64 is complex128: found by the property above)."""
    ours = tg.promote_types(getattr(tg, a), getattr(tg, b))
    assert str(ours) == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).removeprefix(
        "torch.")
