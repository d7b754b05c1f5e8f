"""``.grad`` as PyTorch's: an assigned gradient is checked (a Tensor or None, not the tensor
itself, its shape, its ``grad_dtype``), reading it on a non-leaf warns, and ``grad_dtype``
(PyTorch 2.13) says which dtype backward gives a leaf's gradient; each compared with torch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
from tests._torch_snippets import raises_alike  # noqa: E402


def _assign(m: Any, value: Any) -> Any:
    x = m.ones(2, requires_grad=True)
    x.grad = value(m, x)
    return x.grad


@pytest.mark.parametrize("value", [
    pytest.param(lambda m, x: np.ones(2), id="an array"),
    pytest.param(lambda m, x: m.ones(3), id="another shape"),
    pytest.param(lambda m, x: m.ones(()), id="0-d"),
    pytest.param(lambda m, x: m.ones(1, 2), id="an extra axis"),
    pytest.param(lambda m, x: x, id="itself"),
    pytest.param(lambda m, x: m.ones(2, dtype=m.float64), id="another dtype"),
    pytest.param(lambda m, x: m.ones(2, dtype=m.int64), id="an int"),
])
def test_a_wrong_gradient_is_refused(value: Any) -> None:
    raises_alike(lambda m: _assign(m, value))


@pytest.mark.parametrize("value", [
    pytest.param(lambda m, x: m.full((2,), 3.0), id="a tensor"),
    pytest.param(lambda m, x: m.full((4,), 3.0)[::2], id="a strided view"),
    pytest.param(lambda m, x: m.ones(2, requires_grad=True) * 3, id="one that requires grad"),
    pytest.param(lambda m, x: None, id="None"),
])
def test_a_right_gradient_is_kept(value: Any) -> None:
    want, got = _assign(torch, value), _assign(tg, value)
    assert (got is None) == (want is None)
    if want is not None:
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        assert got.requires_grad == want.requires_grad


def test_reading_a_non_leafs_grad_warns_unless_it_is_retained() -> None:
    for m in (torch, tg):
        x = m.ones(2, requires_grad=True)
        y, kept = x * 2, x * 3
        kept.retain_grad()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert y.grad is None and kept.grad is None and x.grad is None
        assert [str(i.message)[:60] for i in w] == [
            "The .grad attribute of a Tensor that is not a leaf Tensor is"], m


def test_del_grad_clears_it() -> None:
    for m in (torch, tg):
        x = m.ones(2, requires_grad=True)
        (x * 2).sum().backward()
        del x.grad
        assert x.grad is None


@pytest.mark.parametrize("gdtype", ["float16", "float64"])
def test_grad_dtype_casts_what_backward_accumulates(gdtype: str) -> None:
    out = []
    for m in (torch, tg):
        x = m.ones(2, requires_grad=True)
        assert str(x.grad_dtype).split(".")[-1] == "float32"
        x.grad_dtype = getattr(m, gdtype)
        (x * (1 / 3)).sum().backward()
        (x * (2 / 3)).sum().backward()
        out.append(x.grad.detach().numpy())
    assert out[0].dtype == out[1].dtype == np.dtype(gdtype)
    np.testing.assert_array_equal(out[1], out[0])


def test_grad_dtype_none_takes_any_gradient() -> None:
    out = []
    for m in (torch, tg):
        x = m.ones(2, requires_grad=True)
        x.grad_dtype = None
        assert x.grad_dtype is None
        x.grad = m.ones(2, dtype=m.float64)
        (x * 2).sum().backward()
        out.append(x.grad.detach().numpy())
    assert out[0].dtype == out[1].dtype == np.float64
    np.testing.assert_array_equal(out[1], out[0])


@pytest.mark.parametrize("snippet", [
    pytest.param(lambda m: setattr(m.ones(2, requires_grad=True) * 2, "grad_dtype", m.float64),
                 id="set on a non-leaf"),
    pytest.param(lambda m: (m.ones(2, requires_grad=True) * 2).grad_dtype, id="read a non-leaf"),
    pytest.param(lambda m: setattr(m.ones(2, requires_grad=True), "grad_dtype", "float64"),
                 id="not a dtype"),
    pytest.param(lambda m: _with_grad(m).__setattr__("grad_dtype", m.float64),
                 id="another dtype than the grad's"),
    pytest.param(lambda m: _grad_dtype_then_assign(m), id="an assigned grad of another dtype"),
])
def test_grad_dtype_errors(snippet: Any) -> None:
    raises_alike(snippet)


def _with_grad(m: Any) -> Any:
    x = m.ones(2, requires_grad=True)
    x.grad = m.ones(2)
    return x


def _grad_dtype_then_assign(m: Any) -> None:
    x = m.ones(2, requires_grad=True)
    x.grad_dtype = m.float64
    x.grad = m.ones(2)
