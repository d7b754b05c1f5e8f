"""Custom operations: the ``Function`` / ``ctx`` contract of API.md."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import Function, Tensor, tensor
from tinygrad_nn.gradcheck import gradcheck, gradgradcheck


class Cube(Function):
    """y = x**3 exactly as in API.md."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        assert isinstance(x, np.ndarray)
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return 3 * x**2 * g


class ScaledPow(Function):
    """y = k * x**p with a non-tensor positional k and a keyword option p."""

    @staticmethod
    def forward(ctx: Any, x: Any, k: float, p: int = 2) -> Any:
        ctx.save_for_backward(x)
        ctx.k, ctx.p = k, p
        return k * x**p

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return ctx.k * ctx.p * x ** (ctx.p - 1) * g, None


class Record(Function):
    """x * y that records what its backward saw."""

    seen: list[Any] = []

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        Record.seen.append((ctx.needs_input_grad, type(g), type(x), type(y)))
        return (g * y if ctx.needs_input_grad[0] else None,
                g * x if ctx.needs_input_grad[1] else None)


def leaf(*values: float) -> Tensor:
    return tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_cube_value_and_gradient() -> None:
    x = leaf(1.0, -2.0, 0.5)
    y = Cube.apply(x)
    assert isinstance(y, Tensor) and y.requires_grad and not y.is_leaf
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy()**3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * x.detach().numpy()**2)


def test_cube_is_differentiable_twice() -> None:
    x = leaf(1.0, -2.0, 0.5)
    assert gradcheck(Cube.apply, [x]) and gradgradcheck(Cube.apply, [x])
    (g,) = tg.grad(Cube.apply(x).sum(), x, create_graph=True)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.detach().numpy(), 6 * x.detach().numpy())


def test_saved_values_and_gradient_are_arrays_or_tensors() -> None:
    Record.seen.clear()
    x, y = leaf(1.0, 2.0), leaf(3.0, 4.0)
    Record.apply(x, y).sum().backward()
    assert Record.seen[-1][1:] == (np.ndarray, np.ndarray, np.ndarray)
    tg.grad(Record.apply(x, y).sum(), x, create_graph=True)
    assert Record.seen[-1][1:] == (Tensor, Tensor, Tensor)


def test_needs_input_grad() -> None:
    Record.seen.clear()
    x, c = leaf(1.0, 2.0), tensor(np.array([3.0, 4.0]))
    Record.apply(x, c).sum().backward()
    Record.apply(c, x).sum().backward()
    Record.apply(x, 2.0).sum().backward()
    assert [s[0] for s in Record.seen] == [(True, False), (False, True), (True, False)]
    np.testing.assert_allclose(x.grad.numpy(), 2 * c.numpy() + 2.0)


def test_non_tensor_arguments_and_options() -> None:
    x = leaf(1.5, -0.5)
    y = ScaledPow.apply(x, 2.0, p=3)
    np.testing.assert_allclose(y.detach().numpy(), 2.0 * x.detach().numpy()**3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6.0 * x.detach().numpy()**2)
    assert gradgradcheck(lambda t: ScaledPow.apply(t, -1.5, p=4), [x])


def test_no_graph_without_grad() -> None:
    c = tensor(np.array([1.0, 2.0]))
    assert not Cube.apply(c).requires_grad
    with tg.no_grad():
        out = Cube.apply(leaf(1.0))
    assert not out.requires_grad and out.grad_fn is None


def test_the_engine_unbroadcasts_a_custom_ops_gradient() -> None:
    x, y = leaf(1.0, 2.0, 3.0).reshape(3, 1), leaf(10.0, 20.0)
    out = Record.apply(x, y)  # (3, 1) * (2,) -> (3, 2)
    assert out.shape == (3, 2)
    assert gradcheck(Record.apply, [x, y])


def test_a_wrong_number_of_gradients_names_the_function() -> None:
    class TwoGrads(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 2, g

    with pytest.raises(RuntimeError, match=r"TwoGrads.*2 gradient.*expected 1"):
        TwoGrads.apply(leaf(1.0)).sum().backward()


def test_a_wrong_gradient_shape_names_the_function_and_shapes() -> None:
    class BadShape(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.sum()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return (np.ones(5) * g,)

    with pytest.raises(RuntimeError, match=r"BadShape.*\(5,\).*\(3,\)"):
        BadShape.apply(leaf(1.0, 2.0, 3.0)).backward()


def test_a_list_of_gradients_is_accepted() -> None:
    class AsList(Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            return x + y

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return [g, g]

    x, y = leaf(1.0), leaf(2.0)
    AsList.apply(x, y).sum().backward()
    assert x.grad.item() == 1.0 and y.grad.item() == 1.0


def test_an_integer_output_is_not_recorded() -> None:
    class Floor(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return np.floor(x).astype(np.int64)

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:  # pragma: no cover - never called
            raise AssertionError("an integer output has no gradient")

    out = Floor.apply(leaf(1.5, -0.5))
    assert out.dtype == np.int64 and not out.requires_grad


def test_backward_may_return_a_python_number_for_a_constant_gradient() -> None:
    """d(3x)/dx = 3 returned as a bare number is spread over the input's shape."""

    class Triple(tg.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return 3 * x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return 3.0  # g is all ones here: the output is summed

    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    Triple.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 3.0))


@pytest.mark.parametrize("scalar", [np.float64(2.5), np.float32(2.5), np.int64(3), np.bool_(True)])
@pytest.mark.parametrize("op", [lambda x, s: x * s, lambda x, s: s * x, lambda x, s: x - s,
                                lambda x, s: s / x, lambda x, s: x ** s,
                                lambda x, s: tg.where(x > 0, x, s)])
def test_numpy_scalars_combine_like_python_numbers(op: Any, scalar: Any) -> None:
    # NumPy alone would promote float32 * np.float64 to float64; PyTorch keeps float32
    x = tg.tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    y = op(x, scalar)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.detach().numpy(), op(x.detach().numpy().astype(np.float64),
                                                      scalar.item()),
        rtol=1e-6)
    y.sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float32
