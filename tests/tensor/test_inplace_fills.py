"""In-place fills of a tensor in the graph (``zero_``, ``fill_``, ``normal_`` ...): the new
values are recorded as PyTorch records them, with a zero gradient for the old values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

FILLS = [("zero_", ()), ("fill_", (3.0,)), ("normal_", ()), ("uniform_", ()), ("random_", ()),
         ("exponential_", ()), ("geometric_", (0.5,)), ("log_normal_", ()), ("cauchy_", ()),
         ("bernoulli_", (0.5,))]


@pytest.mark.parametrize(("method", "args"), FILLS)
def test_a_fill_in_the_graph_passes_zero_gradient_back(method: str, args: Any) -> None:
    a = tg.ones(3, requires_grad=True)
    b = a * 2
    getattr(b, method)(*args)
    assert b.requires_grad and b.grad_fn is not None
    (b * tg.arange(3.0)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.zeros(3))  # PyTorch: zeros, not None


def test_a_fill_of_part_of_a_tensor_keeps_the_rest_of_the_gradient() -> None:
    a = tg.ones(3, requires_grad=True)
    b = a * 2
    b[1:].zero_()
    b.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 0.0, 0.0])


def test_a_fill_without_a_graph_records_nothing() -> None:
    w = tg.ones(3, requires_grad=True)
    with tg.no_grad():
        w.normal_()
        w.zero_()
    assert w.grad_fn is None and w.is_leaf and not w.detach().numpy().any()
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.fill_(1.0)  # a leaf that requires grad, outside no_grad


def test_a_fill_after_a_value_was_saved_is_caught() -> None:
    a = tg.ones(3, requires_grad=True)
    b = a * 2
    c = b * b  # saves b
    b.zero_()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        c.sum().backward()
