"""ops/elementwise.py's ``one_of``: the 1 that sigmoid, tanh and binary cross-entropy subtract
from is a shared read-only 0-d array of the operand's dtype (cheaper for NumPy than the int 1),
and it must change nothing: every value and gradient is bit for bit the Python int's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn.ops.elementwise import one_of

FLOATS = [np.float16, np.float32, np.float64]


@pytest.mark.parametrize("dtype", FLOATS)
def test_the_shared_ones_are_read_only_0d_arrays_of_the_operands_dtype(dtype: Any) -> None:
    one = one_of(np.zeros(3, dtype))
    assert type(one) is np.ndarray and one.shape == () and one.dtype == dtype and one == 1
    with pytest.raises(ValueError, match="read-only"):
        one[...] = 2


def test_anything_but_a_float_array_gets_the_int() -> None:
    assert one_of(np.zeros(2, np.int64)) == 1 and type(one_of(np.zeros(2, np.int64))) is int
    assert type(one_of(np.zeros(2, np.complex64))) is int
    assert type(one_of(tg.zeros(2))) is int  # (a Tensor, under create_graph)


def _by_hand(name: str, p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The value and gradient written with the int 1, in the op's own order of operations."""
    if name == "sigmoid":
        e = np.exp(-p)
        e += 1
        s = np.reciprocal(e, out=e)
        return s, s * (1 - s)
    if name == "tanh":
        t = np.tanh(p)
        return t, 1 - t * t
    loss = (y - 1) * np.log1p(-p)  # (p inside [1/16, 15/16]: the op's clamps do not act)
    loss -= y * np.log(p)
    return loss, (p - y) / ((1 - p) * p)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "binary_cross_entropy"])
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_values_and_gradients_equal_the_int_forms_bit_for_bit(name: str, dtype: Any,
                                                               data: Any) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=5))
    lo, hi = (0.0625, 0.9375) if name == "binary_cross_entropy" else (-8.0, 8.0)
    p = data.draw(hnp.arrays(dtype, shape, elements=st.floats(lo, hi, width=16)))
    y = data.draw(hnp.arrays(dtype, shape, elements=st.sampled_from([0.0, 1.0])))
    value, grad = _by_hand(name, p, y)
    x = tg.tensor(p, requires_grad=True)
    out = (F.binary_cross_entropy(x, tg.tensor(y), reduction="none")
           if name == "binary_cross_entropy" else getattr(x, name)())
    out.backward(tg.ones_like(out))
    assert out.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_array_equal(out.detach().numpy(), value)
    np.testing.assert_array_equal(x.grad.numpy(), grad)
