"""The Tensor-level ``autograd.Function``: PyTorch's contract, on one array-level node."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import autograd
from tinygrad_nn.gradcheck import gradcheck, gradgradcheck


class Exp(autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return g * y


class ScaleBy(autograd.Function):
    """y = x * w * k with a non-Tensor k; records what forward saw."""

    seen: dict[str, Any] = {}

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, k: float) -> Any:
        ScaleBy.seen = {"types": (type(x), type(w)), "grad_enabled": tg.is_grad_enabled(),
                        "needs": ctx.needs_input_grad}
        ctx.save_for_backward(x, w)
        ctx.k = k
        return x * w * k

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, w = ctx.saved_tensors
        return g * w * ctx.k, g * x * ctx.k, None


class SplitTwo(autograd.Function):
    """(2x[:k], 3x[k:], argmax) with the argmax marked non-differentiable."""

    got: list[Any] = []

    @staticmethod
    def forward(ctx: Any, x: Any, k: int) -> Any:
        idx = x.argmax()
        ctx.mark_non_differentiable(idx)
        ctx.k = k
        return x[:k] * 2, x[k:] * 3, idx

    @staticmethod
    def backward(ctx: Any, ga: Any, gb: Any, gi: Any) -> Any:
        SplitTwo.got = [ga, gb, gi]
        parts = [ga * 2 if ga is not None else tg.zeros(ctx.k, dtype=tg.float64),
                 gb * 3 if gb is not None else tg.zeros(3 - ctx.k, dtype=tg.float64)]
        return tg.cat(parts), None


def _x(*values: float) -> tg.Tensor:
    return tg.tensor(np.array(values), requires_grad=True)


def test_forward_gets_tensors_without_recording_and_needs_input_grad() -> None:
    x, w = _x(1.0, 2.0), tg.tensor(np.array([3.0, 4.0]))
    y = ScaleBy.apply(x, w, 0.5)
    assert ScaleBy.seen == {"types": (tg.Tensor, tg.Tensor), "grad_enabled": False,
                            "needs": (True, False, False)}
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.5, 2.0])
    assert w.grad is None


def test_grad_fn_is_the_ctx_named_after_the_class() -> None:
    x = _x(0.0)
    y = Exp.apply(x)
    assert type(y.grad_fn).__name__ == "ExpBackward"
    assert y.requires_grad and not y.is_leaf


def test_gradcheck_and_second_order_through_saved_output() -> None:
    x = tg.tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
    assert gradcheck(lambda t: Exp.apply(t), [x])
    assert gradgradcheck(lambda t: Exp.apply(t), [x])
    (g,) = autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    (h,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.detach().numpy(), np.exp(x.detach().numpy()))


def test_second_order_through_saved_inputs() -> None:
    x, w = _x(1.0, 2.0), _x(3.0, 5.0)
    (gx,) = autograd.grad(ScaleBy.apply(x, w, 2.0).sum(), x, create_graph=True)
    (gw,) = autograd.grad(gx.sum(), w)  # d/dw sum(2 w) = 2
    np.testing.assert_allclose(gw.numpy(), [2.0, 2.0])


def test_multiple_outputs_route_each_gradient_and_materialize_zeros() -> None:
    x = _x(1.0, 5.0, 2.0)
    a, b, idx = SplitTwo.apply(x, 1)
    assert a.requires_grad and b.requires_grad and not idx.requires_grad
    assert idx.item() == 1
    (a.sum() * 10).backward()
    ga, gb, gi = SplitTwo.got
    np.testing.assert_allclose(ga.numpy(), [10.0])
    np.testing.assert_allclose(gb.numpy(), [0.0, 0.0])  # unused output: zeros
    assert gi is not None and gi.shape == ()
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 0.0, 0.0])


def test_set_materialize_grads_false_passes_none() -> None:
    class Two(autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.set_materialize_grads(False)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx: Any, ga: Any, gb: Any) -> Any:
            Two.got = (ga, gb)  # type: ignore[attr-defined]
            return ga if gb is None else ga + 2 * gb

    x = _x(1.0, 2.0)
    a, b = Two.apply(x)
    a.sum().backward()
    assert Two.got[1] is None  # type: ignore[attr-defined]
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_setup_context_style() -> None:
    class Square(autograd.Function):
        @staticmethod
        def forward(x: Any) -> Any:
            return x * x

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = _x(3.0)
    Square.apply(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0])


def test_no_input_needs_grad_returns_plain_outputs() -> None:
    y = Exp.apply(tg.tensor(np.array([0.0])))
    assert not y.requires_grad and y.grad_fn is None
    with tg.no_grad():
        z = Exp.apply(_x(0.0))
    assert not z.requires_grad


def test_backward_errors_are_clear() -> None:
    class WrongCount(autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            return x + y

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    class GradForNumber(autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, k: float) -> Any:
            return x * k

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g, g

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        WrongCount.apply(_x(1.0), _x(2.0)).backward()
    with pytest.raises(RuntimeError, match="was not a Tensor"):
        GradForNumber.apply(_x(1.0), 2.0).backward()
    with pytest.warns(DeprecationWarning, match="apply"):
        instance = Exp()
    with pytest.raises(RuntimeError, match="apply"):
        instance(_x(1.0))


def test_saved_values_are_freed_and_version_checked() -> None:
    x = _x(1.0)
    y = Exp.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.sum().backward()
    x2 = _x(1.0, 2.0)
    y2 = ScaleBy.apply(x2, tg.tensor(np.array([1.0, 1.0])), 1.0)
    with tg.no_grad():
        x2.mul_(2)
    with pytest.raises(RuntimeError, match="in-place"):
        y2.sum().backward()


def test_array_level_function_is_still_the_package_function() -> None:
    from tinygrad_nn.function import Function as ArrayFunction

    assert tg.Function is ArrayFunction
    assert autograd.Function is not tg.Function


def test_variable_is_a_detached_leaf() -> None:
    x = _x(1.0, 2.0)
    v = autograd.Variable(x)
    assert isinstance(v, tg.Tensor) and v is not x and not v.requires_grad
    w = autograd.Variable(x * 2, requires_grad=True)
    assert w.is_leaf and w.requires_grad
    np.testing.assert_array_equal(w.detach().numpy(), [2.0, 4.0])
