"""``grad()`` and ``backward(inputs=...)`` run only what lies on a path to the inputs, as
PyTorch's engine does (engine.walk with ``capture``, ``engine._needed``): the same hooks fire,
the same nodes keep their saved values, the same gradients come back. Each program runs on
both libraries and records what it observed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

Program = Callable[[Any], dict[str, Any]]


def _values(lib: Any, n: int = 3) -> list[Any]:
    rng = np.random.default_rng(0)
    return [lib.tensor(rng.standard_normal((2, 3)), requires_grad=True) for _ in range(n)]


def _hooked(tensors: dict[str, Any], fired: list[str]) -> None:
    for name, t in tensors.items():
        t.register_hook(lambda g, name=name: fired.append(name))


def backward_into_one_leaf(lib: Any) -> dict[str, Any]:
    a, b, _ = _values(lib)
    c, d = a * b, a * b
    fired: list[str] = []
    _hooked({"a": a, "b": b, "c": c, "d": d}, fired)
    c.sum().backward(inputs=(a,), retain_graph=True)
    return {"fired": fired, "a.grad": a.grad.detach().numpy(), "b.grad": b.grad}


def grad_of_one_branch(lib: Any) -> dict[str, Any]:
    """The branch of b is not needed for d/da: its hooks stay silent and its node keeps
    what it saved, so a later backward through it still works."""
    a, b, _ = _values(lib)
    eb = b.exp()
    fired: list[str] = []
    _hooked({"a": a, "b": b, "eb": eb}, fired)
    e = (a * 2).sum() + eb.sum()
    (ga,) = lib.autograd.grad(e, (a,))
    eb.sum().backward()
    return {"fired": fired, "ga": ga.numpy(), "b.grad": b.grad.numpy()}


def grad_at_a_non_leaf(lib: Any) -> dict[str, Any]:
    """d/dc of c = a * b needs nothing below c: a's and b's hooks stay silent, and c's node
    keeps its saved values."""
    a, b, _ = _values(lib)
    c = a * b
    fired: list[str] = []
    _hooked({"a": a, "b": b, "c": c}, fired)
    (gc,) = lib.autograd.grad((c * c).sum(), (c,))
    fired_by_grad = list(fired)
    c.sum().backward()
    return {"fired by grad": fired_by_grad, "fired by backward": sorted(fired),
            "gc": gc.numpy(), "a.grad": a.grad.numpy()}


def grad_at_a_non_leaf_and_below_it(lib: Any) -> dict[str, Any]:
    a, b, x = _values(lib)
    c = a * b
    out = (c * x).sum()
    fired: list[str] = []
    _hooked({"a": a, "b": b, "c": c, "x": x}, fired)
    gc, ga = lib.autograd.grad(out, (c, a))
    return {"fired": sorted(fired), "gc": gc.numpy(), "ga": ga.numpy()}


def unused_input(lib: Any) -> dict[str, Any]:
    a, b, _ = _values(lib)
    fired: list[str] = []
    _hooked({"a": a, "b": b}, fired)
    ga, gb = lib.autograd.grad((a * a).sum(), (a, b), allow_unused=True)
    return {"fired": fired, "ga": ga.numpy(), "gb": gb}


def backward_inputs_through_shared_node(lib: Any) -> dict[str, Any]:
    """inputs= a non-leaf that a second path also reaches: the gradient into it is complete."""
    a, b, _ = _values(lib)
    h = a.tanh()
    out = (h * b).sum() + (h * h).sum()
    fired: list[str] = []
    _hooked({"a": a, "b": b, "h": h}, fired)
    out.backward(inputs=(h,))
    return {"fired": fired, "h.grad": h.grad.numpy(), "a.grad": a.grad, "b.grad": b.grad}


PROGRAMS: dict[str, Program] = {
    "backward into one leaf": backward_into_one_leaf,
    "grad of one branch": grad_of_one_branch,
    "grad at a non-leaf": grad_at_a_non_leaf,
    "grad at a non-leaf and below it": grad_at_a_non_leaf_and_below_it,
    "unused input": unused_input,
    "backward inputs through a shared node": backward_inputs_through_shared_node,
}


def _same(ours: Any, theirs: Any, key: str) -> None:
    if isinstance(ours, np.ndarray):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, err_msg=key)
    else:
        assert ours == theirs, (key, ours, theirs)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_runs_what_pytorch_runs(name: str) -> None:
    ours, theirs = PROGRAMS[name](tg), PROGRAMS[name](torch)
    assert ours.keys() == theirs.keys()
    for key in ours:
        _same(ours[key], theirs[key], key)


def test_grad_of_one_branch_leaves_it_unrun() -> None:
    """Without the pruning, the engine ran (and freed) the node of b.exp(), so the second
    backward raised; and b's hook fired for a gradient nobody asked for."""
    out = grad_of_one_branch(tg)
    assert out["fired"] == ["a", "eb", "b"]  # (the second backward's hooks, not grad()'s)
    b = _values(tg)[1].detach().numpy()
    np.testing.assert_allclose(out["b.grad"], np.exp(b))
