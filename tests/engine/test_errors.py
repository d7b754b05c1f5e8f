"""User mistakes raise exceptions that name what was expected and what was given (rule 10)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import Function, Tensor, tensor


def t(*shape: int, requires_grad: bool = True) -> Tensor:
    return tensor(np.ones(shape), requires_grad=requires_grad)


def shapes_named(*shapes: tuple[int, ...]) -> str:
    return ".*".join(re.escape(str(s)) for s in shapes)


# -- shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a**b, lambda a, b: b.__radd__(a), lambda a, b: tg.maximum(a, b),
    lambda a, b: tg.minimum(a, b), lambda a, b: tg.where(np.ones((2, 3), bool), a, b)],
    ids=["add", "sub", "mul", "div", "pow", "radd", "maximum", "minimum", "where"])
def test_shapes_that_do_not_broadcast_are_named(op: Any) -> None:
    with pytest.raises(ValueError, match="broadcast") as info:
        op(t(2, 3), t(4))
    assert "(2, 3)" in str(info.value) and "(4,)" in str(info.value)


@pytest.mark.parametrize("sa, sb", [((2, 3), (4, 5)), ((3,), (2,)), ((2, 3), (2,)),
                                    ((5,), (4, 2)), ((2, 2, 3), (2, 4, 1))])
def test_shapes_that_do_not_multiply_are_named(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="matmul.*" + shapes_named(sa, sb)):
        t(*sa) @ t(*sb)


def test_matmul_of_a_0d_operand() -> None:
    with pytest.raises(ValueError, match=r"matmul.*1 dimension.*\(\)"):
        t(2, 3) @ tensor(1.0)


def test_batch_axes_that_do_not_broadcast_are_named() -> None:
    with pytest.raises(ValueError, match="matmul.*" + shapes_named((2, 2, 3), (3, 3, 4))):
        t(2, 2, 3) @ t(3, 3, 4)


ADDMM = [lambda c, a, b: c.addmm(a, b), F.addmm]


@pytest.mark.parametrize("s1, s2", [((3,), (3, 4)), ((2, 3), (3,)), ((2, 2, 3), (3, 4)),
                                    ((2, 3), (3, 4, 1))],
                         ids=["mat1-1d", "mat2-1d", "mat1-3d", "mat2-3d"])
@pytest.mark.parametrize("addmm", ADDMM, ids=["method", "functional"])
def test_addmm_operands_that_are_not_matrices(
        addmm: Any, s1: tuple[int, ...], s2: tuple[int, ...]) -> None:
    expected = re.escape("expected 2-D mat1 (n, k) and mat2 (k, m)")
    with pytest.raises(ValueError, match="addmm: " + expected + ".*" + shapes_named(s1, s2)):
        addmm(t(4), t(*s1), t(*s2))


@pytest.mark.parametrize("addmm", ADDMM, ids=["method", "functional"])
def test_addmm_inner_dimensions_that_differ_are_named(addmm: Any) -> None:
    with pytest.raises(ValueError, match="addmm: shapes " + shapes_named((2, 3), (4, 5))
                       + re.escape(" do not multiply (inner dimensions 3 and 4 differ)")):
        addmm(t(5), t(2, 3), t(4, 5))


@pytest.mark.parametrize("sc", [(5,), (3, 4), (2, 1, 4)], ids=["vector", "matrix", "3-d"])
@pytest.mark.parametrize("addmm", ADDMM, ids=["method", "functional"])
def test_addmm_input_that_does_not_broadcast_to_the_product(
        addmm: Any, sc: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"addmm: input of shape " + re.escape(str(sc))
                       + r" does not broadcast to the product's shape \(2, 4\)"):
        addmm(t(*sc), t(2, 3), t(3, 4))


@pytest.mark.parametrize("sb", [(4,), (1, 5), (5, 1), (2, 5)])
@pytest.mark.parametrize("sx", [(3,), (2, 3), (2, 2, 3)], ids=["1d", "2d", "3d"])
def test_linear_bias_of_the_wrong_shape(sx: tuple[int, ...], sb: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=re.escape(f"linear: bias must have shape (5,), got {sb}")):
        F.linear(t(*sx), t(5, 3), t(*sb))


def test_shape_mismatches_in_shape_ops() -> None:
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, 2\)"):
        t(2, 3).reshape(4, 2)
    with pytest.raises(ValueError, match=r"expand.*\(2, 3\).*\(3, 3\)"):
        t(2, 3).expand(3, 3)
    with pytest.raises(ValueError, match=r"concatenate.*\(4,\).*\(2, 3\)"):
        tg.concatenate([t(2, 3), t(4)])
    with pytest.raises(ValueError, match=r"stack.*\(2, 3\).*\(4,\)"):
        tg.stack([t(2, 3), t(4)])
    with pytest.raises(ValueError, match=r"split.*\[1, 1\].*3"):
        t(2, 3).split([1, 1], 1)
    with pytest.raises(ValueError, match=r"einsum.*j.*2.*3"):
        tg.einsum("ij,jk->ik", t(2, 3), t(2, 3))


def test_loss_and_layer_shape_mismatches() -> None:
    with pytest.raises(RuntimeError, match=r"mse_loss.*\(2, 3\).*\(4,\)"):
        F.mse_loss(t(2, 3), t(4))
    with pytest.raises(RuntimeError, match=r"linear.*3.*4"):
        F.linear(t(2, 3), t(5, 4))
    with pytest.raises(ValueError, match=r"cross_entropy.*\(2, 3\).*\(2, 2\)"):
        F.cross_entropy(t(2, 3), np.ones((2, 2)))


# -- dtypes and gradients -----------------------------------------------------------------------


def test_requires_grad_on_integer_data() -> None:
    with pytest.raises(TypeError, match="floating.*int64"):
        tensor(np.array([1, 2], dtype=np.int64), requires_grad=True)
    with pytest.raises(TypeError, match="floating"):
        tg.arange(3).requires_grad_()


def test_backward_on_a_non_scalar_without_grad() -> None:
    with pytest.raises(RuntimeError, match=r"one-element.*\(2, 3\)"):
        (t(2, 3) * 2).backward()


def test_backward_with_a_grad_of_the_wrong_shape() -> None:
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2, 3\)"):
        (t(2, 3) * 2).backward(np.ones(3))


def test_backward_without_a_graph() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        t(2, requires_grad=False).sum().backward()


# -- axes and indices ---------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    lambda x: x.sum(axis=2), lambda x: x.sum(axis=-3), lambda x: x.mean(axis=(0, 5)),
    lambda x: x.var(axis=2), lambda x: x.max(axis=2), lambda x: x.logsumexp(2),
    lambda x: x.softmax(2), lambda x: x.log_softmax(-3), lambda x: x.argmax(3),
    lambda x: x.transpose(0, 2), lambda x: x.swapaxes(0, 2), lambda x: x.unsqueeze(4),
    lambda x: x.flatten(3), lambda x: x.split(1, 2), lambda x: tg.concatenate([x, x], 2),
    lambda x: tg.stack([x, x], 4)],
    ids=["sum", "sum-neg", "mean-tuple", "var", "max", "logsumexp", "softmax", "log_softmax",
         "argmax", "transpose", "swapaxes", "unsqueeze", "flatten", "split", "concatenate",
         "stack"])
def test_an_axis_out_of_range(op: Any) -> None:
    with pytest.raises(np.exceptions.AxisError, match=r"axis -?\d+ is out of range.*dimension"):
        op(t(2, 3))


@pytest.mark.parametrize("idx", [5, -3, (0, 3), np.array([0, 2]), [1, 2]],
                         ids=["int", "negative", "tuple", "array", "list"])
def test_indexing_out_of_bounds(idx: Any) -> None:
    with pytest.raises(IndexError, match=r"out of bounds.*\(2, 3\)|\(2, 3\).*out of bounds"):
        t(2, 3)[idx]


def test_narrow_out_of_range() -> None:
    with pytest.raises(IndexError, match="narrow.*2:5.*3"):
        t(2, 3).narrow(1, 2, 3)


@pytest.mark.parametrize("target", [[0, 3], [0, -1], [7, 0]])
@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss], ids=["cross_entropy", "nll_loss"])
def test_a_class_index_out_of_range(loss: Any, target: list[int]) -> None:
    bad = [v for v in target if not 0 <= v < 3][0]
    with pytest.raises(IndexError, match=f"target {bad} is out of range for 3 classes"):
        loss(t(2, 3), np.array(target))


def test_an_ignored_index_is_not_out_of_range() -> None:
    loss = F.cross_entropy(t(2, 3), np.array([0, -100]))
    assert np.isfinite(loss.item())


def test_other_argument_errors() -> None:
    with pytest.raises(ValueError, match="probabilities.*2.0"):
        F.binary_cross_entropy(t(2) * 2.0, t(2))
    with pytest.raises(ValueError, match="reduction.*'avg'"):
        F.mse_loss(t(2), t(2), reduction="avg")
    with pytest.raises(ValueError, match="dropout.* between 0 and 1, but got 1.5"):  # PyTorch's
        F.dropout(t(2), 1.5)
    with pytest.raises(IndexError, match=r"embedding.*\[0, 2\).*5"):
        F.embedding(np.array([5]), t(2, 3))
    with pytest.raises(ValueError, match="clip"):
        t(2).clip()
    with pytest.raises(RuntimeError, match=r"\(2, 3\) is ambiguous"):
        bool(t(2, 3))


# -- custom Functions with a wrong backward ------------------------------------------------------


class TooMany(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return x * 2

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, g


class TooFew(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        return x * y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g,)


class WrongShape(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.grad_shape = WrongShape.grad_shape
        return x * 2

    grad_shape: tuple[int, ...] = (4, 4)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (np.ones(ctx.grad_shape),)


def test_backward_returning_the_wrong_number_of_gradients() -> None:
    with pytest.raises(RuntimeError, match=r"TooMany\.backward returned 2 gradient.*expected 1"):
        TooMany.apply(t(3)).sum().backward()
    with pytest.raises(RuntimeError, match=r"TooFew\.backward returned 1 gradient.*expected 2"):
        TooFew.apply(t(3), t(3)).sum().backward()


@pytest.mark.parametrize("shape", [(4, 4), (3, 2), (6,), (5, 3, 2), (2, 2, 3, 1)])
def test_backward_returning_a_gradient_of_the_wrong_shape(
        shape: tuple[int, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    # as PyTorch: also when it has as many elements, or reshapes to the input's shape after
    # a sum over leading axes; never silently reshaped into a wrong gradient
    monkeypatch.setattr(WrongShape, "grad_shape", shape)
    given = str(shape).replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(RuntimeError, match=rf"WrongShape.*{given}.*\(2, 3\)"):
        WrongShape.apply(t(2, 3)).sum().backward()
