"""The Tensor-level ``autograd.Function`` against torch: several saved outputs under
create_graph, once_differentiable, mark_non_differentiable, set_materialize_grads,
needs_input_grad, saved_tensors after backward, and the node's name and repr."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

LIBS = [tg, torch]


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _sinh(lib: Any) -> Any:
    class Sinh(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            expx, expnegx = lib.exp(x), lib.exp(-x)
            ctx.save_for_backward(expx, expnegx)
            return (expx - expnegx) / 2, expx, expnegx

        @staticmethod
        def backward(ctx: Any, g: Any, g_exp: Any, g_negexp: Any) -> Any:
            expx, expnegx = ctx.saved_tensors
            return g * (expx + expnegx) / 2 + g_exp * expx - g_negexp * expnegx

    return Sinh


@pytest.mark.parametrize("out_index", [0, 1, 2])
def test_saved_outputs_of_a_multi_output_function_are_on_the_graph(out_index: int) -> None:
    """The repro: second derivative through saved outputs (sinh'' = sinh, exp'' = exp)."""
    got = []
    for lib in LIBS:
        x = lib.tensor([0.5, -1.25], dtype=lib.float64, requires_grad=True)
        out = _sinh(lib).apply(x)[out_index]
        (g,) = lib.autograd.grad((out * out).sum(), x, create_graph=True)
        assert g.requires_grad and g.grad_fn is not None
        (gg,) = lib.autograd.grad(g.sum(), x)
        got.append((_np(g), _np(gg)))
    for a, b in zip(got[0], got[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_saved_outputs_third_derivative_and_backward() -> None:
    got = []
    for lib in LIBS:
        x = lib.tensor([0.3], dtype=lib.float64, requires_grad=True)
        y = _sinh(lib).apply(x)[0]
        (g1,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        g2.sum().backward()
        got.append((_np(g1), _np(g2), _np(x.grad)))
    for a, b in zip(got[0], got[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(got[0][2], np.cosh(0.3), rtol=1e-12)


def test_saved_outputs_with_materialize_false_still_get_none_for_unused_outputs() -> None:
    seen: dict[str, list[Any]] = {"tg": [], "torch": []}
    for key, lib in (("tg", tg), ("torch", torch)):
        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.set_materialize_grads(False)
                a, b = x.exp(), x * 3
                ctx.save_for_backward(a)
                return a, b

            @staticmethod
            def backward(ctx: Any, ga: Any, gb: Any) -> Any:
                seen[key].append((ga is None, gb is None))  # noqa: B023
                (a,) = ctx.saved_tensors
                out = 0
                if ga is not None:
                    out = out + ga * a
                if gb is not None:
                    out = out + gb * 3
                return out

        x = lib.tensor([0.2, 0.7], dtype=lib.float64, requires_grad=True)
        a, _ = Two.apply(x)
        (g,) = lib.autograd.grad(a.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        np.testing.assert_allclose(_np(gg), np.exp([0.2, 0.7]), rtol=1e-12)
    assert seen["tg"] == seen["torch"]


def _square(lib: Any) -> Any:
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * 2 * x

    return Square


def test_node_name_and_repr_match_torch() -> None:
    names = []
    for lib in LIBS:
        y = _square(lib).apply(lib.ones(2, requires_grad=True))
        names.append((y.grad_fn.name(), type(y.grad_fn).__name__))
        pattern = rf"<{lib.__name__}\.autograd\.function\.SquareBackward object at 0x[0-9a-f]+>"
        assert re.fullmatch(pattern, repr(y.grad_fn)), repr(y.grad_fn)
    assert names[0] == names[1] == ("SquareBackward", "SquareBackward")


def _once(lib: Any) -> Any:
    class Sq(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx: Any, g: Any) -> Any:
            assert not lib.is_grad_enabled()
            (x,) = ctx.saved_tensors
            return 2 * x * g

    return Sq


def test_once_differentiable_raises_when_differentiated_twice() -> None:
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        v = lib.ones(2, requires_grad=True)
        (g,) = lib.autograd.grad(_once(lib).apply(x), x, v, create_graph=True)
        np.testing.assert_allclose(_np(g), [2.0, 4.0])
        assert g.requires_grad and g.grad_fn.name() == "torch::autograd::Error"
        with pytest.raises(RuntimeError, match="differentiate twice a function that was "
                                               "marked with @once_differentiable"):
            g.sum().backward()


def test_once_differentiable_without_a_graph_gives_plain_results() -> None:
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad(_once(lib).apply(x).sum(), x, create_graph=True)
        assert not g.requires_grad and g.grad_fn is None  # the seed needs no grad
        _once(lib).apply(x).sum().backward()
        np.testing.assert_allclose(_np(x.grad), [2.0, 4.0])


def _sort_fn(lib: Any, log: list[Any]) -> Any:
    class SortK(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, k: float, y: Any) -> Any:
            s, i = x.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(x, s)
            log.append(("needs", tuple(ctx.needs_input_grad)))
            return s * k, i, y * 2

        @staticmethod
        def backward(ctx: Any, gs: Any, gi: Any, gy: Any) -> Any:
            x, _ = ctx.saved_tensors
            log.append(("grads", _np(gs).tolist(), _np(gi).tolist(), gy is None))
            log.append(("saved x", x.requires_grad))
            return gs * 0 + 1, None, None

    return SortK


def test_mark_non_differentiable_needs_input_grad_and_saved_inputs() -> None:
    logs: list[list[Any]] = []
    for lib in LIBS:
        log: list[Any] = []
        x = lib.tensor([3.0, 1.0, 2.0], requires_grad=True)
        s, i, yy = _sort_fn(lib, log).apply(x, 2.0, lib.tensor([1.0]))
        log.append(("rg", s.requires_grad, i.requires_grad, yy.requires_grad))
        s.sum().backward()
        log.append(("x.grad", _np(x.grad).tolist()))
        logs.append(log)
    assert logs[0] == logs[1]


def test_saved_tensors_after_backward() -> None:
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = _square(lib).apply(x)
        y.sum().backward(retain_graph=True)
        (saved,) = y.grad_fn.saved_tensors
        assert saved is x  # the input itself, as torch
        y.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.grad_fn.saved_tensors  # noqa: B018
        with pytest.raises(RuntimeError, match="retain_graph=True"):
            y.sum().backward()
