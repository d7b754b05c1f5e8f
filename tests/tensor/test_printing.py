"""A Tensor prints as PyTorch's does: the same text up to the library name in ``dtype=``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _same(ours: Any, theirs: Any) -> None:
    """Equal reprs, once the library names (``dtype=torch.int32``) are the same and a
    ``dtype=`` suffix is on its line, as the longer name can push it to the next."""
    def norm(text: str) -> str:
        return re.sub(r",\n *(dtype|grad_fn|requires_grad)=", r", \1=",
                      text.replace("tinygrad_nn.", "torch."))

    assert norm(repr(ours)) == norm(repr(theirs)), (repr(ours), repr(theirs))


VALUES = [
    [1.5410, -0.2934, -2.1788], [1.0, 2.0], [1, 2], [True, False], 3.5, -0.0, 7, True,
    [[1.0, 2.0], [3.0, 4.0]], [1e-5, 1.0], [1e9, 1.0], [0.0, 0.0], [1e-10],
    [float("nan"), 1.5, float("inf")], [float("nan"), 1.0, float("-inf")], [],
    [[]], [123456.5, 0.001], [[[1.5, 2], [3, 4]], [[5, 6], [7, 8]]],
]


@pytest.mark.parametrize("value", VALUES, ids=[str(v)[:30] for v in VALUES])
def test_values_print_as_pytorch(value: Any) -> None:
    _same(tg.tensor(value), torch.tensor(value))


@pytest.mark.parametrize("make", [
    lambda: np.arange(2000.0).reshape(40, 50) / 7, lambda: np.arange(30.0) / 3,
    lambda: np.arange(3000), lambda: np.linspace(-1e4, 1e4, 7),
    lambda: np.arange(24.0).reshape(2, 3, 4) - 11.5, lambda: np.zeros((0, 3)),
])
def test_large_wide_and_empty_arrays_print_as_pytorch(make: Any) -> None:
    a = make()
    _same(tg.tensor(a), torch.tensor(a))


@pytest.mark.parametrize("dtype", ["float64", "float16", "int32", "uint8", "int8", "int16"])
def test_non_default_dtypes_are_named(dtype: str) -> None:
    a = np.array([1, 2, 3], dtype=dtype)
    _same(tg.tensor(a), torch.tensor(a))


def test_autograd_suffixes_and_parameters() -> None:
    w, tw = tg.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    _same(w, tw)
    _same(w * 2, tw * 2)
    assert repr(tg.nn.Parameter(tg.zeros(2))) == repr(torch.nn.Parameter(torch.zeros(2)))
    x = tg.ones(2)
    x.name = "x"
    assert repr(x) == "tensor([1., 1.], name='x')"  # (drawings' names: our addition)


def test_print_options() -> None:
    x, tx = tg.tensor([1.0 / 3, 2.0]), torch.tensor([1.0 / 3, 2.0])
    try:
        for kw in ({"precision": 2}, {"sci_mode": True}, {"profile": "short"},
                   {"threshold": 3, "edgeitems": 1}, {"linewidth": 20}):
            tg.set_printoptions(**kw)
            torch.set_printoptions(**kw)
            _same(x, tx)
            _same(tg.arange(10.0), torch.arange(10.0))
    finally:
        tg.set_printoptions(profile="default", sci_mode=None)
        torch.set_printoptions(profile="default", sci_mode=None)
    with pytest.raises(ValueError, match="profile"):
        tg.set_printoptions(profile="long")


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5),
                  elements=st.floats(-1e12, 1e12) | st.sampled_from([np.nan, np.inf, -np.inf])))
def test_any_float_array_prints_as_pytorch(a: np.ndarray) -> None:
    _same(tg.tensor(a), torch.tensor(a))


def test_a_node_prints_as_pytorchs() -> None:
    ours = repr((tg.ones(2, requires_grad=True) * 2).grad_fn)
    theirs = repr((torch.ones(2, requires_grad=True) * 2).grad_fn)
    assert re.sub("0x[0-9a-f]+", "ADDR", ours) == re.sub("0x[0-9a-f]+", "ADDR", theirs)


COMPLEX = [
    [1 + 2j], [1.5 + 2j, -3 - 0.5j, 0j], [[1e-5 + 1j, 2 + 3e6j]], 2 - 1j,
    [complex(float("nan"), 1), complex(float("inf"), float("-inf"))], [1 - 0j, -0.0 - 0.0j],
    [k * (1 + 1j) for k in range(40)], [[0.25 - 1j, 3 + 4j], [-5 + 0j, 6.5 + 0.125j]],
]


@pytest.mark.parametrize("value", COMPLEX, ids=[str(v)[:30] for v in COMPLEX])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_values_print_as_pytorch(value: Any, dtype: str) -> None:
    """Each part gets its own width and style (repr raised a TypeError before)."""
    a = np.asarray(value, dtype=dtype)
    _same(tg.tensor(a), torch.from_numpy(a.copy()))


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.complex128, hnp.array_shapes(max_dims=3, max_side=5),
                  elements=st.builds(complex, st.floats(-1e12, 1e12) | st.sampled_from(
                      [np.nan, np.inf, -np.inf]), st.floats(-1e12, 1e12))))
def test_any_complex_array_prints_as_pytorch(a: np.ndarray) -> None:
    _same(tg.tensor(a), torch.from_numpy(a.copy()))


def test_summarised_complex_prints_as_pytorch() -> None:
    a = (np.arange(2000) * (0.5 - 1.5j)).astype(np.complex64)
    _same(tg.tensor(a), torch.from_numpy(a.copy()))
