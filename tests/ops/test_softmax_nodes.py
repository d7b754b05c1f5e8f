"""softmax, log_softmax and logsumexp as one node each, checked against PyTorch: the node's
name and inputs, values on ordinary, huge and non-finite logits, first and second
derivatives (a Hessian-vector product through ``create_graph``), dtypes and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# (name, ours, theirs): each maps (tensor, dim) to the op's output
OPS: list[tuple[str, Callable[[Any, int], Any], Callable[[Any, int], Any]]] = [
    ("softmax", lambda x, d: F.softmax(x, dim=d), lambda x, d: TF.softmax(x, dim=d)),
    ("log_softmax", lambda x, d: F.log_softmax(x, dim=d), lambda x, d: TF.log_softmax(x, dim=d)),
    ("logsumexp", lambda x, d: x.logsumexp(d), lambda x, d: x.logsumexp(d)),
    ("logsumexp keepdim", lambda x, d: tg.logsumexp(x, d, True),
     lambda x, d: torch.logsumexp(x, d, True)),
]
IDS = [name for name, _, _ in OPS]


@pytest.mark.parametrize(("name", "ours", "theirs"), OPS, ids=IDS)
def test_one_node_with_pytorchs_name_and_inputs(name: str, ours: Any, theirs: Any) -> None:
    a = np.random.default_rng(0).standard_normal((3, 4))
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ours(x * 2.0, 1), theirs(tx * 2.0, 1)
    assert y.grad_fn.name() == ty.grad_fn.name()
    (parent, _), = y.grad_fn.next_functions
    (tparent, _), = ty.grad_fn.next_functions
    assert parent.name() == tparent.name() == "MulBackward0"


def _hvp(lib: Any, fn: Callable[[Any, int], Any], a: np.ndarray, dim: int, u: np.ndarray,
         v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(y, d<u, y>/dx, d/dx <d<u, y>/dx, v>): the value, a VJP and a Hessian-vector product."""
    x = lib.tensor(a, requires_grad=True)
    y = fn(x, dim)
    (g,) = lib.autograd.grad((y * lib.tensor(u)).sum(), [x], create_graph=True)
    (h,) = lib.autograd.grad((g * lib.tensor(v)).sum(), [x])
    return tuple(np.asarray(t.detach().numpy()) for t in (y, g, h))  # type: ignore[return-value]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize(("name", "ours", "theirs"), OPS, ids=IDS)
def test_values_and_two_derivatives_match_pytorch(name: str, ours: Any, theirs: Any,
                                                  data: Any) -> None:
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    scale = data.draw(st.sampled_from([1.0, 30.0, 1e4]))  # 1e4: logits far past exp's range
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    a = rng.standard_normal(shape) * scale
    out_shape = np.asarray(theirs(torch.tensor(a), dim).detach()).shape
    u, v = rng.standard_normal(out_shape), rng.standard_normal(shape)
    for got, want in zip(_hvp(tg, ours, a, dim, u, v), _hvp(torch, theirs, a, dim, u, v)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * scale)


@pytest.mark.parametrize(("name", "ours", "theirs"), OPS, ids=IDS)
@pytest.mark.parametrize("row", [[-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 2.0],
                                 [np.nan, 1.0, 2.0], [-np.inf, 0.0, 1.0], [1e4, -1e4, 3.0]])
def test_non_finite_and_extreme_rows_as_pytorch(name: str, ours: Any, theirs: Any,
                                                row: list[float]) -> None:
    a = np.array([row, [0.5, -1.0, 2.0]])
    with np.errstate(all="ignore"):
        got = ours(tg.tensor(a), 1).numpy()
    # the same NaN and infinite entries, the rest to rounding
    np.testing.assert_allclose(got, theirs(torch.tensor(a), 1).numpy(), rtol=1e-15, atol=0)


@pytest.mark.parametrize(("name", "ours", "theirs"), OPS, ids=IDS)
@pytest.mark.parametrize("lead", [(40,), (3, 12)])
def test_many_rows_with_non_finite_ones_as_pytorch(name: str, ours: Any, theirs: Any,
                                                   lead: tuple[int, ...]) -> None:
    """Many rows along the last axis, some not finite: values and gradient as PyTorch's."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal(lead + (7,)) * 30
    rows = a.reshape(-1, 7)
    rows[1], rows[4, 2], rows[6, 0], rows[9, 5] = -np.inf, np.nan, np.inf, -np.inf
    x, tx = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    with np.errstate(all="ignore"):
        y = ours(x, -1)
        u = rng.standard_normal(y.shape)
        (y * tg.tensor(u)).sum().backward()
    ty = theirs(tx, -1)
    (ty * torch.tensor(u)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=0)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(("name", "ours", "theirs"), OPS, ids=IDS)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3)])
def test_empty_inputs_as_pytorch(name: str, ours: Any, theirs: Any, shape: tuple[int, ...]) -> None:
    got = ours(tg.zeros(shape), -1)
    want = theirs(torch.zeros(shape), -1)
    assert got.shape == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtypes_kept_and_cast_as_pytorch(dtype: str) -> None:
    a = np.array([[1.0, 2.0, 3.0]], dtype=dtype)
    for name, ours, theirs in OPS:
        got, want = ours(tg.tensor(a), 1), theirs(torch.tensor(a), 1)
        assert got.dtype == np.dtype(dtype), name
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    ints = np.array([[1, 2, 3]])
    # softmax's dtype= casts first; logsumexp of integers gives the default float
    got = F.softmax(tg.tensor(ints), dim=1, dtype=tg.float64)
    np.testing.assert_allclose(got.numpy(), TF.softmax(torch.tensor(ints), 1,
                                                       dtype=torch.float64).numpy())
    lse = tg.tensor(ints).logsumexp(1)
    assert lse.dtype == tg.float32
    np.testing.assert_allclose(lse.numpy(), torch.tensor(ints).logsumexp(1).numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_integer_input_raises_as_pytorch(name: str) -> None:
    with pytest.raises(NotImplementedError):
        getattr(TF, name)(torch.tensor([[1, 2]]), 1)
    with pytest.raises(NotImplementedError, match=f"{name}: expected a floating-point .*int64"):
        getattr(F, name)(tg.tensor([[1, 2]]), 1)


def test_cross_entropy_is_log_softmax_then_nll_as_pytorch() -> None:
    a = np.random.default_rng(1).standard_normal((4, 3))
    target = np.array([0, 2, 1, 2])
    y = F.cross_entropy(tg.tensor(a, requires_grad=True), tg.tensor(target))
    ty = TF.cross_entropy(torch.tensor(a, requires_grad=True), torch.tensor(target))
    names = [y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()]
    assert names == [ty.grad_fn.name(), ty.grad_fn.next_functions[0][0].name()]
    assert names == ["NllLossBackward0", "LogSoftmaxBackward0"]
