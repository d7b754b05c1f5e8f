"""torch.func.vmap on torch and on tinygrad_nn: in_dims/out_dims (ints, None, nested
pytrees), composition with the gradient transforms, randomness modes, and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

import tinygrad_nn as tg

from .._compare import raises_alike, run, same

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(5)
A = RNG.normal(size=(3,))
B = RNG.normal(size=(4, 3))
C = RNG.normal(size=(2, 4, 3))
D = RNG.normal(size=(5, 3))


SNIPPETS: dict[str, Callable[[Any, Any], Any]] = {
    "default dims": lambda lib, mk: lib.func.vmap(lambda x: x.sin() * x.sum())(mk(B)),
    "in_dims 1": lambda lib, mk: lib.func.vmap(lambda x: x * 2, in_dims=1)(mk(B)),
    "in_dims negative": lambda lib, mk: lib.func.vmap(lambda x: x.exp(), in_dims=-2)(mk(C)),
    "in_dims None for one input": lambda lib, mk: lib.func.vmap(
        lambda w, x: w @ x, in_dims=(None, 0))(mk(B), mk(D)),
    "non-tensor argument unmapped": lambda lib, mk: lib.func.vmap(
        lambda x, k: x * k, in_dims=(0, None))(mk(B), 3),
    "nested dict in_dims": lambda lib, mk: lib.func.vmap(
        lambda d, x: d["a"] * x + d["b"], in_dims=({"a": 1, "b": None}, 0))(
        {"a": mk(B.T), "b": mk(A)}, mk(B)),
    "in_dims None for a whole dict": lambda lib, mk: lib.func.vmap(
        lambda d, x: d["a"] * x, in_dims=(None, 0))({"a": mk(A)}, mk(B)),
    "tuple argument": lambda lib, mk: lib.func.vmap(lambda p: p[0] + p[1])((mk(B), mk(B * 2))),
    "out_dims 1": lambda lib, mk: lib.func.vmap(lambda x: x.outer(x), out_dims=1)(mk(B)),
    "out_dims per output": lambda lib, mk: lib.func.vmap(
        lambda x: (x, x.sum()), out_dims=(1, 0))(mk(B)),
    "out_dims None for an unmapped output": lambda lib, mk: lib.func.vmap(
        lambda x: (x * 2, mk(A)), out_dims=(0, None))(mk(B)),
    "out_dims negative": lambda lib, mk: lib.func.vmap(lambda x: x * x, out_dims=-1)(mk(C)),
    "dict output": lambda lib, mk: lib.func.vmap(lambda x: {"s": x.sum(), "d": x * 2})(mk(B)),
    "kwargs unmapped": lambda lib, mk: lib.func.vmap(lambda x, scale: x * scale)(
        mk(B), scale=mk(A)),
    "vmap of vmap": lambda lib, mk: lib.func.vmap(lib.func.vmap(lambda x: x.sin().sum()))(
        mk(C)),
    "empty batch": lambda lib, mk: lib.func.vmap(lambda x: x * 2)(mk(np.zeros((0, 3)))),
    "graph kept for outer backward": lambda lib, mk: (
        lambda x: (lib.func.vmap(lambda r: (r ** 2).sum())(x).sum().backward(), x.grad)[1])(
        mk(B, True)),
    "a library function": lambda lib, mk: lib.func.vmap(lib.dot)(mk(B), mk(B * 2)),
    "a module": lambda lib, mk: (lambda m: (lib.nn.init.ones_(m.weight), lib.nn.init.zeros_(
        m.bias), lib.func.vmap(m)(mk(B)))[2])(lib.nn.Linear(3, 2).double()),
    "hessian of a matrix function": lambda lib, mk: lib.func.hessian(
        lambda w: (w @ w.T).sin().sum())(mk(B[:2])),
    "vmap of grad": lambda lib, mk: lib.func.vmap(
        lib.func.grad(lambda w, x: (w @ x).tanh()), in_dims=(None, 0))(mk(A), mk(B)),
    "vmap of jacrev, in_dims 1": lambda lib, mk: lib.func.vmap(
        lib.func.jacrev(lambda x: x.exp() * x.sum()), in_dims=1)(mk(B.T)),
    "vmap of hessian": lambda lib, mk: lib.func.vmap(lib.func.hessian(
        lambda x: (x ** 3).sum()))(mk(B)),
    "vmap of vjp": lambda lib, mk: lib.func.vmap(
        lambda x, v: lib.func.vjp(lambda y: y.sin(), x)[1](v))(mk(B), mk(B * 2)),
    "vmap of jvp": lambda lib, mk: lib.func.vmap(
        lambda x, v: lib.func.jvp(lambda y: y.sin() * y, (x,), (v,)))(mk(B), mk(B * 2)),
}


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_same_as_torch(name: str) -> None:
    same(run(torch, SNIPPETS[name]), run(tg, SNIPPETS[name]))


def _two_inputs(lib: Any, mk: Any) -> tuple[Any, Any]:
    return mk(B), mk(D)


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "in_dim for a non-tensor": lambda lib, mk: lib.func.vmap(lambda x, k: x)(mk(B), 1),
    "in_dim out of range": lambda lib, mk: lib.func.vmap(lambda x: x, in_dims=2)(mk(B)),
    "batch sizes differ": lambda lib, mk: lib.func.vmap(lambda x, y: x)(*_two_inputs(lib, mk)),
    "nothing mapped": lambda lib, mk: lib.func.vmap(lambda x: x, in_dims=None)(mk(B)),
    "no inputs": lambda lib, mk: lib.func.vmap(lambda: 1)(),
    "in_dims a string": lambda lib, mk: lib.func.vmap(lambda x: x, in_dims="a")(mk(B)),
    "in_dims structure": lambda lib, mk: lib.func.vmap(lambda x, y: x, in_dims=(0,))(
        mk(B), mk(B)),
    "non-tensor output": lambda lib, mk: lib.func.vmap(lambda x: 1)(mk(B)),
    "out_dim None for a mapped output": lambda lib, mk: lib.func.vmap(
        lambda x: x, out_dims=None)(mk(B)),
    "random op in error mode": lambda lib, mk: lib.func.vmap(lambda x: lib.randn(3) + x)(
        mk(B)),
    "randomness value": lambda lib, mk: lib.func.vmap(lambda x: x, randomness="sometimes"),
    "chunk_size": lambda lib, mk: lib.func.vmap(lambda x: x, chunk_size=0),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_torch(name: str) -> None:
    # (the structure message prints each library's TreeSpec)
    raises_alike(ERRORS[name], message=name not in {"in_dims structure"})


def test_randomness_same_and_different() -> None:
    x = tg.zeros(4, 3)
    same_rows = tg.func.vmap(lambda r: r + tg.randn(3), randomness="same")(x).numpy()
    np.testing.assert_array_equal(same_rows, np.broadcast_to(same_rows[0], (4, 3)))
    diff_rows = tg.func.vmap(lambda r: r + tg.randn(3), randomness="different")(x).numpy()
    assert len({tuple(r) for r in diff_rows.tolist()}) == 4
    # a dropout under 'different' keeps a different mask per row
    masks = tg.func.vmap(lambda r: tg.nn.functional.dropout(r + 1, 0.5),
                         randomness="different")(tg.zeros(64, 8)).numpy()
    assert len({tuple(r) for r in masks.tolist()}) > 1


def test_in_place_changes() -> None:
    # a mapped input: the change writes through to the batch, as PyTorch's
    x = tg.zeros(4, 3)
    tg.func.vmap(lambda r: r.add_(1))(x)
    np.testing.assert_array_equal(x.numpy(), np.ones((4, 3)))
    # an unmapped one would be changed once per element: refused
    y = tg.zeros(3)
    with pytest.raises(RuntimeError, match="in place"):
        tg.func.vmap(lambda r, acc: acc.add_(r), in_dims=(0, None))(x, y)


def test_wraps_the_function() -> None:
    def f(x: Any) -> Any:
        """doc"""
        return x

    assert tg.func.vmap(f).__name__ == "f"
    assert tg.func.grad(f).__doc__ == "doc"


@st.composite
def _mapped(draw: Any) -> tuple[np.ndarray, int, int]:
    """An array of 1-3 dims, a dimension to map over, and where the result puts it."""
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    in_dim = draw(st.integers(-len(shape), len(shape) - 1))
    out_dim = draw(st.integers(-len(shape), len(shape) - 1))  # outputs keep the ndim
    x = draw(hnp.arrays(np.float64, tuple(shape), elements=st.floats(-2, 2)))
    return x, in_dim, out_dim


@given(_mapped())
def test_any_in_dim_and_out_dim_as_torch(case: tuple[np.ndarray, int, int]) -> None:
    x, in_dim, out_dim = case

    def run(lib: Any) -> Any:
        f = lib.func.vmap(lambda r: r.sin() * r.sum() + lib.func.grad(
            lambda s: (s ** 3).sum())(r), in_dims=in_dim, out_dims=out_dim)
        return f(lib.tensor(x, dtype=lib.float64))

    same(run(torch), run(tg))
