"""Inference tensors against PyTorch: what ``inference_mode()`` makes (``is_inference``),
and what such a tensor refuses outside the mode (in-place changes, being saved for a
backward, requiring grad, a version counter). Each case is an expression run with ``L``
bound to torch and to tinygrad_nn on the same setup."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _setup(L: Any) -> dict[str, Any]:
    """A normal tensor ``x``, a parameter ``w`` and, made inside inference_mode, ``a``."""
    x = L.ones(3)
    w = L.ones(3, requires_grad=True)
    with L.inference_mode():
        a = L.arange(3.0)
    return {"L": L, "x": x, "w": w, "a": a, "np": np}


def _run(L: Any, expr: str, inside: bool) -> tuple[str, Any]:
    env = _setup(L)
    try:
        if inside:
            with L.inference_mode():
                out = eval(expr, env)  # noqa: S307 (test cases)
        else:
            out = eval(expr, env)  # noqa: S307
    except RuntimeError as e:
        return "RuntimeError", str(e)
    if isinstance(out, (L.Tensor, L.nn.Parameter)):
        return "tensor", (out.is_inference(), out.requires_grad, out.is_leaf)
    return "value", out


def _same(expr: str, inside: bool) -> None:
    want = _run(torch, expr, inside)
    got = _run(tg, expr, inside)
    assert got[0] == want[0], f"{expr}: tinygrad_nn {got}, torch {want}"
    if got[0] != "RuntimeError":
        assert got[1] == want[1], f"{expr}: tinygrad_nn {got[1]}, torch {want[1]}"


# made inside the mode: new memory is an inference tensor, a view of a normal tensor is not
MADE_INSIDE = [
    "L.ones(2)", "L.zeros(2, 3)", "L.empty(2)", "L.tensor([1.0, 2.0])", "L.arange(4)",
    "L.full((2,), 1.5)", "L.randn(2)", "L.rand(2)", "L.eye(2)", "L.linspace(0, 1, 3)",
    "L.zeros_like(x)", "L.ones(2, requires_grad=True)", "L.nn.Parameter(L.ones(2))",
    "L.from_numpy(np.ones(2))", "L.as_tensor([1.0])", "x * 2", "x + a", "w * 2", "x.exp()",
    "x.sum()", "x.clone()", "x.to(L.float64)", "x.view(3)", "x[1:]", "x.detach()", "x.data",
    "x.reshape(3, 1)", "x.t()", "x.unsqueeze(0)", "a.view(3)", "a[1:]", "a.detach()",
    "a * 2", "x.add_(1)", "a.add_(1)", "a.mul_(2)", "x.zero_()", "L.cat([x, a])",
    "L.stack([x, x])", "L.nn.Linear(3, 2).weight", "L.nn.Linear(3, 2)(x)",
    "L.is_inference_mode_enabled()", "a.is_inference()", "x.is_inference()",
]


@pytest.mark.parametrize("expr", MADE_INSIDE)
def test_made_inside_inference_mode(expr: str) -> None:
    _same(expr, inside=True)


# outside the mode: an inference tensor computes, but refuses what autograd would need
USED_OUTSIDE = [
    "a.is_inference()", "x.is_inference()", "a * 2", "a.sum()", "a + x", "w + a", "w * a",
    "(w * a).sum()", "w.exp() * a", "a * w", "L.nn.functional.linear(a, w.view(1, 3))",
    "a.clone()", "a.view(3)", "a[1:]", "a.detach()", "a.data", "a.reshape(3, 1)",
    "a.add_(1)", "a.mul_(2)", "a.zero_()", "a.copy_(x)", "x.copy_(a)", "a.fill_(1.0)",
    "a.clamp_(0, 1)", "a.unsqueeze_(0)", "a.requires_grad_()", "a.requires_grad_(False)",
    "a._version", "x._version", "L.nn.Parameter(a)", "L.nn.Parameter(a, requires_grad=False)",
    "a.tolist()", "a.numpy().tolist()", "float(a.sum())", "L.is_inference_mode_enabled()",
    "L.is_inference(a)", "L.inference_mode(False).__enter__() or L.ones(1)",
]


@pytest.mark.parametrize("expr", USED_OUTSIDE)
def test_used_outside_inference_mode(expr: str) -> None:
    _same(expr, inside=False)


def test_setitem_on_an_inference_tensor_outside_the_mode_is_refused() -> None:
    for L in (torch, tg):
        a = _setup(L)["a"]
        with pytest.raises(RuntimeError, match="[Ii]nplace update to inference tensor"):
            a[0] = 5.0
        with L.inference_mode():
            a[0] = 5.0  # inside the mode it is allowed
        assert a.tolist()[0] == 5.0


def test_no_grad_does_not_lift_the_rule() -> None:
    for L in (torch, tg):
        a = _setup(L)["a"]
        with L.no_grad(), pytest.raises(RuntimeError, match="[Ii]nplace update to inference"):
            a.add_(1)


def test_inference_mode_false_inside_makes_normal_tensors() -> None:
    for L in (torch, tg):
        with L.inference_mode():
            with L.inference_mode(False):
                b = L.ones(2)
                assert not L.is_inference_mode_enabled()
            c = L.ones(2)
        assert not b.is_inference() and c.is_inference(), L.__name__


def test_a_decorated_function_makes_inference_tensors() -> None:
    for L in (torch, tg):
        @L.inference_mode()
        def f(t: Any) -> Any:
            return t * 2

        out = f(L.ones(2))
        assert out.is_inference() and not L.is_inference_mode_enabled(), L.__name__


def test_a_clone_of_an_inference_tensor_trains() -> None:
    w = tg.ones(3, requires_grad=True)
    with tg.inference_mode():
        a = tg.arange(3.0)
    (w * a.clone()).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 1.0, 2.0])
