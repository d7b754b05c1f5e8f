"""PyTorch's semantics of Tensor methods that the differential snippets do not reach."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import Tensor, tensor
from tinygrad_nn.dtypes import result_type


def test_recorded_in_place_update_writes_into_the_same_memory() -> None:
    base = tg.zeros(3)
    alias = base.data  # shares base's memory
    w = tg.ones(3, requires_grad=True)
    base.add_(w * 2.0)  # grad flows: recorded, and still written in place
    np.testing.assert_array_equal(alias.numpy(), [2.0, 2.0, 2.0])
    base.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 2.0, 2.0])


def test_value_saved_before_a_recorded_in_place_update_is_refused() -> None:
    x = tg.ones(2, requires_grad=True) * 1.0
    y = x.exp()  # saves its output, not x
    z = x * x  # saves x
    x.mul_(tg.ones(2, requires_grad=True))
    y.sum().backward(retain_graph=True)  # exp's saved output is intact
    with pytest.raises(RuntimeError, match="in-place"):
        z.sum().backward()


def test_grad_update_through_data_changes_the_parameter() -> None:
    p = tg.nn.Parameter(np.ones(2, dtype=np.float32))
    (p * 3.0).sum().backward()
    assert not p.grad.requires_grad
    p.data.add_(p.grad, alpha=-0.5)
    np.testing.assert_allclose(p.detach().numpy(), [-0.5, -0.5])


@pytest.mark.parametrize(("operands", "expected"), [
    ((np.ones(2, np.int64), 2.5), np.float32),
    ((np.ones(2, np.int32), np.ones(2, np.int64)), np.int64),
    ((np.ones(2, np.uint8), np.ones(2, np.int8)), np.int16),
    ((np.ones(2, np.float32), np.ones(2, np.float64)), np.float64),
    ((np.ones(2, np.float32), np.array(2.0)), np.float32),
    ((np.ones(2, np.int32), np.array(3)), np.int32),
    ((np.ones(2, np.float32), np.ones(2, np.int64)), np.float32),
    ((np.ones(2, np.bool_), 1), np.int64),
])
def test_result_type_follows_torch_categories(operands: tuple, expected: type) -> None:
    assert result_type(*operands) == expected


def test_legacy_constructor_forms() -> None:
    assert Tensor([1, 2]).dtype == np.float32
    assert Tensor(2, 3).shape == (2, 3) and Tensor(2, 3).dtype == np.float32
    assert Tensor().shape == (0,)
    assert tensor(np.arange(3)).dtype == np.int64  # an array keeps its dtype
    assert tg.tensor([1, 2]).dtype == np.int64


def test_integer_requires_grad_error_is_runtime_and_type_error() -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError):
        tg.tensor([1, 2]).requires_grad_()


def test_size_is_a_tuple_printed_as_size() -> None:
    s = tg.ones(2, 3).size()
    assert isinstance(s, tuple) and s == (2, 3) and str(s) == "Size([2, 3])"


def test_mixed_dtype_matmul_names_both_dtypes() -> None:
    with pytest.raises(RuntimeError, match=r"float != double.*\.float\(\)"):
        tg.ones(2, 2) @ tg.ones(2, 2, dtype=tg.float64)
    assert (tg.tensor([[1, 2]]) @ tg.tensor([[3], [4]])).dtype == np.int64  # same int dtype


def test_transpose_swaps_two_dims_and_t_refuses_3d() -> None:
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.transpose(0, 1).numpy(), x.numpy().T)
    with pytest.raises(RuntimeError, match="<= 2 dimensions"):
        tg.ones(2, 3, 4).t()
    assert tg.ones(2, 3, 4).mT.shape == (2, 4, 3) and tg.ones(2, 3, 4).T.shape == (4, 3, 2)
