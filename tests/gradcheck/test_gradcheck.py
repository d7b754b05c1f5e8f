"""Tests of the gradient checker itself and of the tinygrad_nn.testing helpers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn import Function, Tensor, tensor
from tinygrad_nn.gradcheck import GradcheckError, gradcheck, gradgradcheck
from tinygrad_nn.testing import assert_grads_match
from tinygrad_nn.testing import strategies as tst

RNG = np.random.default_rng(0)


def t(*shape: int, name: str | None = None, requires_grad: bool = True, lo: float = -2.0,
      hi: float = 2.0) -> Tensor:
    return tensor(RNG.uniform(lo, hi, size=shape), requires_grad=requires_grad, name=name)


# -- custom Functions used as subjects ------------------------------------------------------


class Cube(Function):
    """y = x³; a correct backward written with Tensor-friendly operators."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x


class BadCube(Cube):
    """y = x³ with the wrong derivative 2x²."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x * x


class ArrayCube(Cube):
    """y = x³ whose backward leaves the graph (x.numpy()): first derivative right, second 0."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        xa = x if isinstance(x, np.ndarray) else x.detach().numpy()
        return g * (3 * xa**2)


class DetachCube(Function):
    """y = x³ whose create_graph path detaches one factor: 2nd derivative 3x instead of 6x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        xd = x if isinstance(x, np.ndarray) else x.detach()
        return g * 3 * x * xd


class OffByOne(Function):
    """y = 2·x (same shape) with a wrong gradient at element (1, 2) only."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        gx = np.array(2 * g, dtype=np.float64)
        gx[1, 2] += 0.5 * g[1, 2]
        return gx


class WrongSecond(Function):
    """y = x·w; the gradient for w is wrong (x + 1), the one for x is right."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x * w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w, g * (x + 1)


# -- passes for correct ops -----------------------------------------------------------------


@pytest.mark.parametrize("mode", ["auto", "full", "projection"])
@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x: (x * x).sum(), [(3, 4)]),
        (lambda x: x.exp(), [(5,)]),
        (lambda x, y: (x * y + x.tanh()).sum(), [(2, 3), (2, 3)]),
        (lambda x, y: x + y, [(4, 1), (3,)]),
        (lambda a, b: a @ b, [(2, 3), (3, 4)]),
        (lambda x: Cube.apply(x), [(2, 2)]),
        (lambda x: x.sum(), [()]),
    ],
)
def test_correct_ops_pass(fn, shapes, mode):
    inputs = [t(*s) for s in shapes]
    assert gradcheck(fn, inputs, mode=mode) is True


def test_large_input_uses_projection_and_passes():
    x = t(20, 20)
    assert gradcheck(lambda x: (x.tanh() * x).sum(axis=0), [x])


def test_gradgradcheck_passes_for_correct_ops():
    assert gradgradcheck(lambda x: Cube.apply(x).sum(), [t(3, name="x")])
    assert gradgradcheck(lambda x, y: (x * y).tanh(), [t(2, 3), t(2, 3)])
    assert gradgradcheck(lambda x: (x * x).sum(), [t(10, 10)], mode="projection")


# -- failures and their messages -----------------------------------------------------------


def test_wrong_function_raises_with_a_clear_message():
    x = tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True, name="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: BadCube.apply(x).sum(), [x])
    msg = str(info.value)
    assert isinstance(info.value, AssertionError)
    # the worst element is the largest x: analytic 2·9 = 18, numeric 3·9 = 27
    assert msg.startswith("gradcheck failed for input 0 ('x', shape (3,)) at index (2,): ")
    assert re.search(r"analytic 18 vs numeric 27(\.0+\d*)? \(abs error 9", msg), msg
    assert "tolerance 1.0e-05 + 1.0e-03 * |numeric|" in msg


@pytest.mark.parametrize("mode", ["full", "projection"])
def test_message_names_position_of_unnamed_input_and_worst_index(mode):
    x = t(3, 4)
    w = t(3, 4, name="w")
    with pytest.raises(GradcheckError, match=r"input 1 \('w', shape \(3, 4\)\) at index \(1, 2\)"):
        gradcheck(lambda x, w: (x * OffByOne.apply(w)).sum(), [x, w], mode=mode)
    with pytest.raises(GradcheckError, match=r"for input 0 \(shape \(3, 4\)\) at index \(1, 2\)"):
        gradcheck(lambda w, x: (x * OffByOne.apply(w)).sum(), [x, w], mode=mode)


def test_full_mode_names_the_output_element_for_non_scalar_outputs():
    with pytest.raises(GradcheckError, match=r"at index \(1, 2\), output element \(1, 2\)"):
        gradcheck(lambda w: OffByOne.apply(w), [t(3, 4)], mode="full")
    with pytest.raises(GradcheckError, match=r"output 1 element \(1, 2\)"):
        gradcheck(lambda w: (w.sum(), OffByOne.apply(w)), [t(3, 4)], mode="full")


def test_projection_message_says_it_projected():
    with pytest.raises(GradcheckError, match="projected") as info:
        gradcheck(lambda w: OffByOne.apply(w) * 1.0, [t(3, 4)], mode="projection")
    assert "vᵀJu" in str(info.value)


def test_raise_exception_false_returns_false():
    x = t(3)
    assert gradcheck(lambda x: BadCube.apply(x), [x], raise_exception=False) is False
    assert gradgradcheck(lambda x: ArrayCube.apply(x), [x], raise_exception=False) is False


def test_only_the_wrong_input_fails():
    x, w = t(2, 2, name="x"), t(2, 2, name="w")
    with pytest.raises(GradcheckError, match="input 1 \\('w'"):
        gradcheck(lambda x, w: WrongSecond.apply(x, w).sum(), [x, w])


def test_detached_forward_is_reported_with_a_hint():
    x = t(3, name="x")
    with pytest.raises(GradcheckError, match="analytic 0 vs") as info:
        gradcheck(lambda x: (x * 0.0 + tensor(x.detach().numpy()**2)).sum(),
                  [x])  # x² left the graph
    assert "left the graph" in str(info.value)


# -- second derivatives ---------------------------------------------------------------------


def test_gradgradcheck_catches_a_backward_written_with_arrays():
    x = t(3, name="x")
    assert gradcheck(lambda x: ArrayCube.apply(x).sum(), [x])  # first derivative is right
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda x: ArrayCube.apply(x).sum(), [x])
    msg = str(info.value)
    assert msg.startswith("gradgradcheck failed for input 0 ('x', shape (3,))")
    assert "analytic 0 vs" in msg and "first derivative" in msg


def test_gradgradcheck_catches_a_wrong_create_graph_path():
    x = tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    assert gradcheck(lambda x: DetachCube.apply(x), [x])
    with pytest.raises(GradcheckError, match=r"at index \(2,\)"):
        gradgradcheck(lambda x: DetachCube.apply(x).sum(), [x])


# -- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_inputs_are_checked_in_float64(dtype):
    x = tensor(RNG.uniform(-1, 1, size=(3, 2)).astype(dtype), requires_grad=True)
    assert gradcheck(lambda x: (x.tanh() * x).sum(), [x])
    assert gradgradcheck(lambda x: (x * x * x).sum(), [x])
    # the caller's tensor is untouched
    assert x.dtype == dtype and x.grad is None
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: BadCube.apply(x), [x])


def test_inputs_not_requiring_grad_are_skipped():
    x, w = t(2, 2), t(2, 2, requires_grad=False)
    assert gradcheck(lambda x, w: WrongSecond.apply(x, w).sum(), [x, w])


def test_constants_integers_and_numbers_pass_through():
    idx = tensor(np.array([2, 0, 2]))
    arr = RNG.standard_normal(3)
    seen = []

    def fn(x, i, a, k):
        seen.append((i.numpy().dtype.kind, type(a), k))
        return (x[i.numpy()] * a * k).sum()

    assert gradcheck(fn, [t(4), idx, arr, 3.0])
    assert all(s == ("i", np.ndarray, 3.0) for s in seen)


def test_unused_input_has_zero_gradient():
    assert gradcheck(lambda x, y: (x * 2).sum(), [t(3), t(2)])
    assert gradgradcheck(lambda x, y: (x * y).sum(), [t(3), t(3)])  # linear in each


def test_a_single_tensor_is_accepted_as_inputs():
    assert gradcheck(lambda x: x.exp().sum(), t(2))


def test_no_differentiable_input_is_a_user_error():
    with pytest.raises(ValueError, match="requires grad"):
        gradcheck(lambda x: x.sum(), [t(2, requires_grad=False)])


def test_fn_raising_propagates_with_a_note():
    def fn(x):
        raise KeyError("boom")

    with pytest.raises(KeyError) as info:
        gradcheck(fn, [t(2)])
    assert any("gradient check" in n for n in getattr(info.value, "__notes__", []))


def test_nan_is_a_failure():
    x = tensor(np.array([-1.0, 4.0]), requires_grad=True)
    with np.errstate(invalid="ignore"):
        assert gradcheck(lambda x: x.sqrt().sum(), [x], raise_exception=False) is False


def test_check_works_inside_no_grad_and_leaves_grads_alone():
    x = t(3)
    with tg.no_grad():
        assert gradcheck(lambda x: (x * x).sum(), [x])
        assert gradgradcheck(lambda x: (x * x * x).sum(), [x])
    assert x.grad is None


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        gradcheck(lambda x: x.sum(), [t(2)], mode="exact")
    with pytest.raises(ValueError, match="eps"):
        gradcheck(lambda x: x.sum(), [t(2)], eps=0.0)


# -- assert_grads_match ---------------------------------------------------------------------


def test_assert_grads_match():
    x, y = RNG.standard_normal((2, 3)), RNG.standard_normal((3,)).astype(np.float32)
    assert_grads_match(lambda a, b: (a * b).tanh().sum(), x, y)
    assert_grads_match(lambda a, i: a[i.numpy()].sum(), x, np.array([1, 1, 0]))
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(2, 3\)\) at index"):
        assert_grads_match(lambda a: BadCube.apply(a).sum(), x)
    with pytest.raises(ValueError, match="scalar"):
        assert_grads_match(lambda a: a * 2, x)
    assert x.dtype == np.float64 and y.dtype == np.float32


# -- the checker and the strategies as properties --------------------------------------------


@settings(max_examples=25, deadline=None)
@given(tst.arrays(elements=(-3.0, 3.0)))
def test_property_correct_op_passes(x):
    assert gradcheck(lambda x: (x * x.tanh()).sum(), [tensor(x, requires_grad=True)])


@settings(max_examples=25, deadline=None)
@given(tst.arrays(min_dims=1, elements=(0.5, 3.0)))
def test_property_wrong_op_fails(x):
    assert not gradcheck(lambda x: BadCube.apply(x), [tensor(x, requires_grad=True)],
                         raise_exception=False)


@settings(max_examples=200, deadline=None)
@given(tst.arrays())
def test_arrays_default(x):
    assert isinstance(x, np.ndarray) and x.dtype == np.float64
    assert 0 <= x.ndim <= 4 and np.isfinite(x).all() and np.all(np.abs(x) <= 10)


@settings(max_examples=100, deadline=None)
@given(tst.arrays(shape=(2, 3), dtype=np.float32, elements=(0.1, 1.0)))
def test_arrays_fixed(x):
    assert x.shape == (2, 3) and x.dtype == np.float32 and np.all((x >= 0.1) & (x <= 1.0))


@settings(max_examples=200, deadline=None)
@given(tst.broadcastable_shapes())
def test_broadcastable_shapes_default(shapes):
    assert len(shapes) == 2
    np.broadcast_shapes(*shapes)


@settings(max_examples=200, deadline=None)
@given(tst.broadcastable_shapes(shape=(2, 3, 4), num_shapes=3))
def test_broadcastable_shapes_fit_the_given_shape(shapes):
    for s in shapes:
        assert np.broadcast_shapes(s, (2, 3, 4)) == (2, 3, 4)


def test_broadcastable_shapes_cover_0d_and_size_1_axes():
    seen0d, seen1 = [], []

    @settings(max_examples=300, deadline=None)
    @given(tst.broadcastable_shapes(shape=(3, 4)))
    def collect(shapes):
        seen0d.extend(s == () for s in shapes)
        seen1.extend(1 in s for s in shapes)

    collect()
    assert any(seen0d) and any(seen1)


@settings(max_examples=100, deadline=None)
@given(tst.tensors())
def test_tensors_default(x):
    assert isinstance(x, Tensor) and x.requires_grad and x.detach().numpy().dtype == np.float64


@settings(max_examples=50, deadline=None)
@given(tst.tensors(shape=(3,), dtype=np.int64))
def test_integer_tensors_do_not_require_grad(x):
    assert not x.requires_grad and x.shape == (3,)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_reduction_axes_are_valid(data):
    x = data.draw(tst.arrays())
    axis = data.draw(tst.reduction_axes(x.shape))
    kept = np.sum(x, axis=axis, keepdims=True)
    assert kept.ndim == x.ndim
    np.sum(x, axis=axis)
    assert data.draw(tst.reduction_axes()) in (None, 0, -1, (0,), (-1,))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_reduction_gradients_with_strategies(data):
    x = data.draw(tst.tensors(min_dims=1, elements=(-2.0, 2.0)))
    axis = data.draw(tst.reduction_axes(x.shape))
    keepdims = data.draw(st.booleans())
    assert gradcheck(lambda x: x.sum(axis=axis, keepdims=keepdims) * 2.0, [x])


def test_import_does_not_load_hypothesis():
    code = "import sys, tinygrad_nn; assert 'hypothesis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_top_level_names_survive_importing_the_submodule():
    import tinygrad_nn.gradcheck  # noqa: F401  (binds the submodule as an attribute)

    assert tg.gradcheck is gradcheck and tg.gradgradcheck is gradgradcheck
    assert tg.GradcheckError is GradcheckError
