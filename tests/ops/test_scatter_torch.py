"""scatter / scatter_ / index_copy / scatter_reduce gradients against PyTorch, with repeated
indices: every src element gets g gathered at its target, also one that a later write
overwrote (PyTorch's ``grad.gather(dim, index)``); x gets g off the targets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).standard_normal((4, 5))
SRC = np.random.default_rng(1).standard_normal((3, 5))
G = np.random.default_rng(2).standard_normal((4, 5))
IDX0 = np.array([[1, 3, 1, 0, 1], [1, 1, 2, 0, 3], [3, 3, 2, 0, 1]])  # repeats along dim 0
IDX1 = np.array([[4, 4, 0], [1, 2, 1], [0, 0, 0]])  # repeats along dim 1


def _grads(lib: Any, fn: Any, g: np.ndarray = G) -> list[Any]:
    x, s = lib.tensor(X, requires_grad=True), lib.tensor(SRC, requires_grad=True)
    y = fn(lib, x, s)
    (y * lib.tensor(g)).sum().backward()
    return [y.grad_fn.name(), y.detach().numpy(), x.grad.numpy(), s.grad.numpy()]


FORMS = {
    "scatter dim 0": lambda L, x, s: x.scatter(0, L.tensor(IDX0), s),
    # (src no larger than index: PyTorch's backward fails on a larger src, ours does not)
    "scatter dim 1": lambda L, x, s: x.scatter(1, L.tensor(IDX1), s[:, :3]),
    "scatter_": lambda L, x, s: (x * 1).scatter_(0, L.tensor(IDX0), s),
    "index_copy": lambda L, x, s: x.index_copy(0, L.tensor([1, 3, 1]), s),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_gradients_with_repeated_indices_match_pytorch(form: str) -> None:
    ours, theirs = _grads(tg, FORMS[form]), _grads(torch, FORMS[form])
    assert ours[0] == theirs[0]
    for a, b in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # the overwritten src elements do get a gradient (the point of the test)
    assert np.count_nonzero(ours[3]) == ours[3].size or form == "scatter dim 1"


def test_index_copy_zeroes_the_overwritten_part_of_a_non_finite_gradient() -> None:
    g = G.copy()
    g[1, 0] = np.nan
    ours = _grads(tg, FORMS["index_copy"], g)
    theirs = _grads(torch, FORMS["index_copy"], g)
    np.testing.assert_array_equal(ours[2], theirs[2])  # 0 (not NaN) at row 1


def test_scatter_value_gradient_node_and_dtype_match_pytorch() -> None:
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x.scatter(0, lib.tensor(IDX0), 2.0)
        assert y.grad_fn.name() == "ScatterBackward1"
        z = lib.zeros(3, dtype=lib.int64).scatter(0, lib.tensor([1]), 2.5)  # cast, as PyTorch
        assert z.dtype == lib.int64 and z.tolist() == [0, 2, 0]
        (y * lib.tensor(G)).sum().backward()
        expect = G.copy()
        expect[IDX0, np.arange(5)] = 0
        np.testing.assert_array_equal(x.grad.numpy(), expect)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_matches_pytorch_with_ties(reduce: str, include_self: bool) -> None:
    x0 = np.array([0.5, 2.0, -1.0, 3.0, 1.0])
    idx = np.array([1, 3, 1, 1])
    for src in (np.array([2.0, 3.0, 1.0, 2.0]), np.array([1.0, 3.0, 0.3, 2.0])):
        out = []
        for lib in (tg, torch):
            x, s = lib.tensor(x0, requires_grad=True), lib.tensor(src, requires_grad=True)
            y = x.scatter_reduce(0, lib.tensor(idx), s, reduce, include_self=include_self)
            (y * lib.tensor(np.arange(5.0) + 1)).sum().backward()
            out.append([y.detach().numpy(), x.grad.numpy(), s.grad.numpy()])
        for a, b in zip(*out):
            np.testing.assert_allclose(a, b, rtol=1e-12)
