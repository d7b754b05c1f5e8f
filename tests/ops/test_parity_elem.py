"""Elementwise methods against PyTorch: rounding, predicates, logical ops, optimiser helpers
(addcmul, addcdiv, lerp and the in-place forms), trigonometry and its two-argument kin,
and the method forms of where / isclose / allclose / equal.

Each check runs the same call on both libraries: values (NaN where PyTorch has NaN), dtype,
shape, whether the result requires grad, the gradient of a random projection of the output
(float64 inputs), and, where PyTorch raises, the same exception class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn.testing import strategies as tst

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch
RNG = np.random.default_rng(7)

SPECIAL = np.array([0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.3, -0.7, 0.999, -1.0, 1.0, 3.7,
                    -12.25, 1e-300, np.nan, np.inf, -np.inf])
SMOOTH = RNG.uniform(-0.95, 0.95, (2, 3))  # inside every function's domain but acosh's
INPUTS = {
    "f64": SPECIAL, "f32": SPECIAL.astype(np.float32), "f64 2d": SMOOTH,
    "f64 0-d": np.array(0.25), "f64 empty": np.zeros((0, 3)), "acosh domain": SMOOTH + 2.0,
    "i64": np.array([-3, 0, 2, 7]), "i32": np.array([[1, -1]], dtype=np.int32),
    "bool": np.array([True, False, True]), "f16": np.array([0.5, -1.5, 2.0], np.float16),
}


def _ours(a: np.ndarray, grad: bool) -> Any:
    return tg.tensor(a.copy(), requires_grad=grad)


def _theirs(a: np.ndarray, grad: bool) -> Any:
    return torch.tensor(a.copy(), requires_grad=grad)


def _dtype_name(t: Any) -> str:
    return str(t.dtype).replace("torch.", "")


def same(ours: Callable[..., Any], theirs: Callable[..., Any], *args: Any,
         rtol: float | None = None, atol: float = 0.0) -> None:
    """Run both; arrays in ``args`` become tensors (float64 ones require grad), other values
    pass as they are. Compare errors, values, dtype, shape, requires_grad and gradients."""
    grads = [isinstance(a, np.ndarray) and a.dtype == np.float64 for a in args]
    xs = [_ours(a, g) if isinstance(a, np.ndarray) else a for a, g in zip(args, grads)]
    ts = [_theirs(a, g) if isinstance(a, np.ndarray) else a for a, g in zip(args, grads)]
    try:
        tout = theirs(*ts)
    except Exception as e:  # noqa: BLE001 - the class PyTorch raises is the expectation
        with pytest.raises(type(e)):
            ours(*xs)
        return
    out = ours(*xs)
    if isinstance(tout, bool):
        assert out is tout or (type(out) is bool and out == tout)
        return
    assert isinstance(out, tg.Tensor)
    assert out.shape == tuple(tout.shape)
    assert str(out.dtype) == _dtype_name(tout), (out.dtype, tout.dtype)
    assert out.requires_grad == tout.requires_grad
    expect = tout.detach().numpy()
    if rtol is None:
        rtol = 1e-13 if expect.dtype == np.float64 else 2e-6 if expect.dtype.kind == "f" else 0
    if expect.dtype.kind == "f" and expect.dtype != np.float16:
        np.testing.assert_allclose(out.detach().numpy(), expect, rtol=rtol, atol=atol,
                                   equal_nan=True)
        assert np.array_equal(np.signbit(out.detach().numpy()[expect == 0]),
                              np.signbit(expect[expect == 0]))  # the sign of zero too
    else:
        np.testing.assert_allclose(out.detach().numpy(), expect, rtol=max(rtol, 1e-3),
                                   equal_nan=True)
    if not tout.requires_grad:
        return
    mixed = any(isinstance(a, np.ndarray) and a.dtype != np.float64 for a in args)
    # PyTorch does parts of a mixed backward in float32, summing a broadcast operand's
    # gradient there: with random-sign grad_outputs the sum can cancel to 1e-5 relative
    grtol = 1e-4 if mixed else 1e-12
    seed = RNG.standard_normal(expect.shape)
    wrt = [i for i, g in enumerate(grads) if g]
    try:
        want = torch.autograd.grad(tout, [ts[i] for i in wrt], grad_outputs=torch.tensor(seed),
                                   allow_unused=True)
    except RuntimeError as e:  # no derivative defined (heaviside): the same error
        with pytest.raises(type(e), match="not implemented"):
            tg.grad(out, [xs[i] for i in wrt], grad_outputs=tg.tensor(seed), allow_unused=True)
        return
    got = tg.grad(out, [xs[i] for i in wrt], grad_outputs=tg.tensor(seed), allow_unused=True)
    for i, g, w in zip(wrt, got, want):
        w_np = np.zeros(args[i].shape) if w is None else w.numpy(force=True)  # (ZeroTensor)
        g_np = np.zeros(args[i].shape) if g is None else g.numpy()
        # atol scaled to the gradient's size: the random grad_outputs (RNG's state depends on
        # which tests ran before in this worker) can make one element cancel to ~1e-6 of the
        # others, where summation order alone moves its last digits
        finite = np.abs(w_np[np.isfinite(w_np)])
        scale = float(finite.max()) if finite.size else 0.0
        np.testing.assert_allclose(g_np, w_np, rtol=grtol, atol=max(grtol * scale, 1e-300),
                                   equal_nan=True, err_msg=f"gradient of input {i}")


# -- unary: every name on every dtype and edge case, method and top-level form ------------

UNARY = ["floor", "ceil", "round", "trunc", "fix", "frac", "sgn", "absolute", "negative",
         "isinf", "isfinite", "isposinf", "isneginf", "signbit", "nan_to_num", "logical_not",
         "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh", "cosh", "asinh",
         "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "log2", "log10", "exp2", "erfc",
         "erfinv", "deg2rad", "rad2deg"]
_LOOSE = {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh",
          "exp2", "erfc", "erfinv", "asin", "acos", "arcsin", "arccos"}


@pytest.mark.parametrize("kind", list(INPUTS))
@pytest.mark.parametrize("name", UNARY)
def test_unary_method(name: str, kind: str) -> None:
    a = INPUTS[kind]
    if name == "absolute" and a.dtype.kind == "f":
        a = a[~np.isnan(a)]  # (NaN: see the next test)
    # libm and NumPy's SIMD kernels may differ by an ulp or two on transcendental functions
    rtol = (4e-16 * 8 if a.dtype == np.float64 else 4e-7) if name in _LOOSE else None
    same(lambda x: getattr(x, name)(), lambda x: getattr(x, name)(), a, rtol=rtol)


def test_absolute_gradient_at_nan() -> None:
    same(lambda x: x.absolute(), lambda x: x.absolute(), np.array([np.nan, 1.0]))


@pytest.mark.parametrize("name", UNARY)
def test_unary_top_level_form(name: str) -> None:
    if not hasattr(torch, name):
        pytest.skip(f"torch has no top-level {name}")  # (then neither do we: checked below)
    rtol = 1e-14 if name in _LOOSE else None
    same(getattr(tg, name), getattr(torch, name), SMOOTH, rtol=rtol)


def test_top_level_forms_exist_exactly_where_torch_has_them() -> None:
    for name in UNARY + ["atan2", "arctan2", "xlogy", "hypot", "logaddexp", "logaddexp2",
                         "fmod", "fmax", "fmin", "copysign", "heaviside", "float_power",
                         "addcmul", "addcdiv", "lerp", "clamp_min", "clamp_max",
                         "logical_and", "logical_or", "logical_xor", "isclose", "allclose",
                         "equal", "where"]:
        assert hasattr(tg, name) == hasattr(torch, name), name
        assert callable(getattr(tg.Tensor, name)), name


@settings(deadline=None)
@given(a=tst.arrays(max_dims=2, max_side=4, elements=(-30.0, 30.0)),
       name=st.sampled_from(["floor", "ceil", "round", "trunc", "frac", "sgn", "atan", "sinh",
                             "cosh", "asinh", "exp2", "erfc", "deg2rad", "rad2deg",
                             "nan_to_num", "signbit"]))
def test_unary_values_and_gradients_on_drawn_arrays(a: np.ndarray, name: str) -> None:
    same(lambda x: getattr(x, name)(), lambda x: getattr(x, name)(), a, rtol=1e-14)


@pytest.mark.parametrize("decimals", [1, 2, 3, -1, -2, 0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_round_decimals_is_torchs_kernel(decimals: int, dtype: Any) -> None:
    a = np.concatenate([RNG.standard_normal(200) * 100, [1.005, 2.675, 0.125, -0.125, 1250.0,
                                                         1350.0, 0.0, np.nan, np.inf]])
    a = a.astype(dtype)
    same(lambda x: x.round(decimals=decimals), lambda x: x.round(decimals=decimals), a,
         rtol=0.0)
    same(lambda x: tg.round(x, decimals=decimals), lambda x: torch.round(x, decimals=decimals),
         a, rtol=0.0)


def test_round_decimals_overflows_to_inf_as_torch() -> None:
    same(lambda x: x.round(decimals=10), lambda x: x.round(decimals=10), np.array([1e300]))


def test_rounding_refuses_bool_and_round_decimals_refuses_ints() -> None:
    for name in ["floor", "ceil", "round", "trunc", "frac"]:
        with pytest.raises(NotImplementedError, match="Bool"):
            getattr(tg.tensor([True]), name)()
    with pytest.raises(NotImplementedError, match="Long"):
        tg.tensor([1, 2]).round(decimals=1)
    with pytest.raises(NotImplementedError, match="Long"):
        tg.tensor([1, 2]).frac()


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("args", [(), (1.0,), (1.0, 2.0), (0.5, 2.0, -3.0), (0.0, None, 7.0)])
def test_nan_to_num_defaults_and_values_per_dtype(dtype: Any, args: tuple[Any, ...]) -> None:
    a = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0], dtype=dtype)
    same(lambda x: x.nan_to_num(*args), lambda x: x.nan_to_num(*args), a)
    kw = dict(zip(["nan", "posinf", "neginf"], args))
    same(lambda x: tg.nan_to_num(x, **kw), lambda x: torch.nan_to_num(x, **kw), a)


def test_zero_gradient_ops_give_zeros_not_none_and_name_their_nodes() -> None:
    for name, node in [("floor", "FloorBackward0"), ("ceil", "CeilBackward0"),
                       ("round", "RoundBackward0"), ("trunc", "TruncBackward0"),
                       ("sgn", "SgnBackward0")]:
        x = tg.tensor([0.4, -1.5, 2.0], requires_grad=True)
        y = getattr(x, name)()
        assert y.grad_fn is not None and y.grad_fn.name() == node
        y.sum().backward()
        assert x.grad is not None and np.array_equal(x.grad.numpy(), np.zeros(3))
    x = tg.tensor([0.4, -1.5], requires_grad=True)
    x.floor().backward(tg.tensor([np.inf, 1.0]))  # an inf upstream still gives 0 (PyTorch)
    assert np.array_equal(x.grad.numpy(), [0.0, 0.0])


# -- binary ---------------------------------------------------------------------------------

BINARY = ["atan2", "arctan2", "xlogy", "hypot", "logaddexp", "logaddexp2", "fmod", "fmax",
          "fmin", "copysign", "heaviside", "float_power", "logical_and", "logical_or",
          "logical_xor"]
B = RNG.uniform(-3, 3, (3, 1))
C = RNG.uniform(-3, 3, (4,))
EDGE_X = np.array([0.0, 0.0, -0.0, 1.0, -2.0, np.nan, np.inf, -np.inf, 3.0, 1e4, -1e4, 2.5])
EDGE_Y = np.array([0.0, 2.0, 1.0, np.nan, 0.0, 1.0, np.inf, 2.0, -np.inf, 1e4, -1e4, -0.0])
PAIRS = {
    "f64 broadcast": (B, C), "f64 edges": (EDGE_X, EDGE_Y),
    "f32 edges": (EDGE_X.astype(np.float32), EDGE_Y.astype(np.float32)),
    "f32 with f64": (C.astype(np.float32), C), "f32 with f64 0-d": (C.astype(np.float32),
                                                                    np.array(0.5)),
    "i64": (np.array([3, -7, 0, 5]), np.array([2, 2, 3, -3])),
    "i64 with f32": (np.array([3, -7, 0, 5]), np.array([1.5, 2.0, 0.5, -3.0], np.float32)),
    "bool": (np.array([True, False, True]), np.array([True, True, False])),
    "f32 and int": (C.astype(np.float32), 2), "f32 and float": (C.astype(np.float32), 2.5),
    "i64 and float": (np.array([3, -7, 0, 5]), 2.5), "f64 empty": (np.zeros((0, 2)), B[:1, :1]),
    "f64 0-d": (np.array(1.5), np.array(-0.5)),
}


@pytest.mark.parametrize("pair", list(PAIRS))
@pytest.mark.parametrize("name", BINARY)
def test_binary_method(name: str, pair: str) -> None:
    a, b = PAIRS[pair]
    # (same() takes its tolerance from PyTorch's result dtype: float32 for a float32 tensor
    # with a float64 0-d one, where NumPy's result_type says float64)
    same(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), a, b)


@pytest.mark.parametrize("name", BINARY)
def test_binary_top_level_form(name: str) -> None:
    same(getattr(tg, name), getattr(torch, name), B, C, rtol=1e-13)


@pytest.mark.parametrize("name", ["xlogy", "float_power"])
def test_number_first_operand_of_the_top_level_form(name: str) -> None:
    same(lambda y: getattr(tg, name)(2, y), lambda y: getattr(torch, name)(2, y),
         np.abs(C) + 0.1)


def test_binary_extremes_are_stable_as_torch() -> None:
    big = np.array([1e4, -1e4, 1e4, -1e4, 700.0])
    same(lambda x, y: x.logaddexp(y), lambda x, y: x.logaddexp(y), big, big[::-1].copy())
    same(lambda x, y: x.logaddexp2(y), lambda x, y: x.logaddexp2(y), big, big[::-1].copy())
    same(lambda x, y: x.logaddexp(y), lambda x, y: x.logaddexp(y), big.astype(np.float32),
         big[::-1].astype(np.float32))
    same(lambda x, y: x.hypot(y), lambda x, y: x.hypot(y), np.array([1e200, 3e-200]),
         np.array([1e200, 4e-200]))
    same(lambda x: x.atanh(), lambda x: x.atanh(), np.array([1.0, -1.0, 0.999999, 2.0]))
    same(lambda x: x.erfc(), lambda x: x.erfc(), np.array([10.0, 26.0, 30.0, -30.0]), rtol=1e-13)
    near_one = 1.0 - np.logspace(-16, -2, 15)
    same(lambda x: x.erfinv(), lambda x: x.erfinv(), np.concatenate([near_one, -near_one]),
         rtol=1e-14)


def test_atan2_and_xlogy_conventions_at_zero() -> None:
    same(lambda x, y: x.atan2(y), lambda x, y: x.atan2(y), np.array([0.0, 0.0, 1.0]),
         np.array([0.0, 1.0, 0.0]))
    same(lambda x, y: x.xlogy(y), lambda x, y: x.xlogy(y), np.array([0.0, 0.0, 0.0, 2.0]),
         np.array([0.0, np.nan, -1.0, 3.0]))
    same(lambda x, y: x.fmax(y), lambda x, y: x.fmax(y), np.array([1.0, 1.0, np.nan, 3.0]),
         np.array([1.0, 2.0, 1.0, np.nan]))  # a tie's gradient goes to x
    same(lambda x, y: x.copysign(y), lambda x, y: x.copysign(y),
         np.array([1.0, 1.0, 0.0, -3.0]), np.array([1.0, -2.0, -1.0, -0.0]))


def test_fmod_integer_division_by_zero_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError):
        tg.tensor([3]).fmod(tg.tensor([0]))
    with pytest.raises(RuntimeError):
        torch.tensor([3]).fmod(torch.tensor([0]))


def test_number_other_is_refused_where_torch_refuses_it() -> None:
    for name in ["atan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "heaviside",
                 "logical_and", "isclose", "lerp", "addcmul", "addcdiv"]:
        extra = (0.5,) if name in ("lerp", "addcmul", "addcdiv") else ()
        for lib in (tg, torch):
            with pytest.raises(TypeError, match="Tensor"):
                getattr(lib.tensor([1.0]), name)(2.0, *extra)


# -- optimiser helpers ----------------------------------------------------------------------

THREE = {
    "f64 broadcast": (B, C, RNG.uniform(0.5, 2, (3, 4))),
    "f32": tuple(RNG.uniform(0.5, 2, (3,)).astype(np.float32) for _ in range(3)),
    "f32 with f64": (C.astype(np.float32), C, C),
    "f32 with f64 0-d": (C.astype(np.float32), np.array(0.5), C.astype(np.float32)),
    "i64": (np.array([1, -2, 3]), np.array([1, -2, 3]), np.array([2, 2, 2])),
    "f32 with i64": (C[:3].astype(np.float32), np.array([1, -2, 3]), np.array([2, 2, 2])),
    "f32 i64 f32": (C[:3].astype(np.float32), np.array([1, -2, 3]),
                    np.array([2, 2, 2], np.float32)),
    "empty": (np.zeros((0, 3)), np.ones(3), np.ones(3)),
}


@pytest.mark.parametrize("value", [1, 2, 2.5, -0.5])
@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("three", list(THREE))
def test_addcmul_addcdiv(three: str, name: str, value: Any) -> None:
    s, a, b = THREE[three]
    same(lambda x, y, z: getattr(x, name)(y, z, value=value),
         lambda x, y, z: getattr(x, name)(y, z, value=value), s, a, b)
    same(lambda x, y, z: getattr(tg, name)(x, y, z, value=value),
         lambda x, y, z: getattr(torch, name)(x, y, z, value=value), s, a, b)


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.5, 0.75, 1.0, 1.7, -0.4, "tensor", "0-d f64"])
@pytest.mark.parametrize("three", ["f64 broadcast", "f32", "f32 with f64", "i64", "empty"])
def test_lerp(three: str, weight: Any) -> None:
    s, e, w = THREE[three]
    if isinstance(weight, str):
        w = np.array(0.6) if weight == "0-d f64" else RNG.uniform(-0.5, 1.5, w.shape).astype(
            w.dtype)
        same(lambda x, y, z: x.lerp(y, z), lambda x, y, z: x.lerp(y, z), s, e, w)
        same(tg.lerp, torch.lerp, s, e, w)
    else:
        same(lambda x, y: x.lerp(y, weight), lambda x, y: x.lerp(y, weight), s, e)


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
@pytest.mark.parametrize("bound", [0.5, 2, "tensor"])
@pytest.mark.parametrize("a", [C, C.astype(np.float32), np.array([3, -7, 0, 5]),
                               np.array(np.nan), np.array([-0.5, 0.5, 0.5, 1.0])])
def test_clamp_min_clamp_max(a: np.ndarray, bound: Any, name: str) -> None:
    b = np.array([0.2, 0.5, 0.3, 1.5])[: a.size].reshape(a.shape) if bound == "tensor" else bound
    same(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), a, b)
    same(getattr(tg, name), getattr(torch, name), a, b)


INPLACE = [("sqrt_", ()), ("exp_", ()), ("log_", ()), ("abs_", ()), ("neg_", ()),
           ("sigmoid_", ()), ("tanh_", ()), ("relu_", ()), ("reciprocal_", ()), ("square_", ()),
           ("floor_", ()), ("ceil_", ()), ("round_", ()), ("pow_", (2.5,)), ("pow_", (2,)),
           ("clamp_min_", (0.5,)), ("clamp_max_", (0.5,)), ("addcmul_", ("t", "t")),
           ("addcdiv_", ("t", "t")), ("lerp_", ("t", 0.3)), ("lerp_", ("t", 0.8))]


def _in_place_args(lib: Any, args: tuple[Any, ...], dtype: Any) -> list[Any]:
    other = np.array([0.5, 2.0, 1.5, 4.0], dtype=dtype)
    return [lib.tensor(other) if a == "t" else a for a in args]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
@pytest.mark.parametrize(("name", "args"), INPLACE)
def test_in_place_values_dtype_errors(name: str, args: tuple[Any, ...], dtype: Any) -> None:
    a = np.array([0.3, 2.0, 0.7, 3.5]).astype(dtype) if dtype != np.int64 else np.array(
        [1, 2, 0, 4])

    def run(lib: Any) -> Any:
        t = lib.tensor(a.copy())
        alias = t.view(-1) if lib is torch else t.data  # memory shared with t
        out = getattr(t, name)(*_in_place_args(lib, args, a.dtype))
        assert out is t
        return alias

    same(lambda: run(tg), lambda: run(torch))


@pytest.mark.parametrize(("name", "args"), INPLACE)
def test_in_place_refuses_a_leaf_that_requires_grad_and_works_under_no_grad(
        name: str, args: tuple[Any, ...]) -> None:
    w = tg.tensor([0.3, 2.0, 0.7, 3.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(w, name)(*_in_place_args(tg, args, np.float32))
    tw = torch.tensor([0.3, 2.0, 0.7, 3.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(tw, name)(*_in_place_args(torch, args, np.float32))
    with tg.no_grad():
        getattr(w, name)(*_in_place_args(tg, args, np.float32))
    with torch.no_grad():
        getattr(tw, name)(*_in_place_args(torch, args, np.float32))
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-6)
    assert w.requires_grad and w.grad_fn is None


@pytest.mark.parametrize(("name", "args"), INPLACE)
def test_in_place_bumps_the_version_so_a_stale_saved_value_is_caught(
        name: str, args: tuple[Any, ...]) -> None:
    def run(lib: Any) -> None:
        x = lib.tensor([0.3, 2.0, 0.7, 3.5], requires_grad=True)
        h = x * 1.0
        y = h * h  # saves h
        getattr(h, name)(*_in_place_args(lib, args, np.float32))
        y.sum().backward()

    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run(torch)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        run(tg)


@pytest.mark.parametrize(("name", "args"), INPLACE)
def test_in_place_on_a_non_leaf_records_the_gradient(name: str, args: tuple[Any, ...]) -> None:
    a = np.array([0.3, 2.0, 0.7, 3.5])

    def ours(x: Any) -> Any:
        return getattr(x * 1.0, name)(*_in_place_args(tg, args, np.float64))

    def theirs(x: Any) -> Any:
        return getattr(x * 1.0, name)(*_in_place_args(torch, args, np.float64))

    same(ours, theirs, a)


def test_in_place_result_of_another_shape_raises_runtime_error() -> None:
    for lib in (tg, torch):
        with pytest.raises(RuntimeError):
            lib.zeros(3).addcmul_(lib.ones(2, 1), lib.ones(3))
        with pytest.raises(RuntimeError):
            lib.zeros(3).lerp_(lib.ones(2, 3), 0.5)


def test_addcdiv_of_two_integer_tensors_and_lerp_dtypes_raise_as_torch() -> None:
    i = np.array([1, 2])
    same(lambda x, y: x.addcdiv(y, y), lambda x, y: x.addcdiv(y, y), i.astype(np.float32), i)
    same(lambda x, y: x.lerp(y, 0.5), lambda x, y: x.lerp(y, 0.5), i.astype(np.float32),
         i.astype(np.float64))
    same(lambda x, y, w: x.lerp(y, w), lambda x, y, w: x.lerp(y, w), i.astype(np.float32),
         i.astype(np.float32), np.array([0.5, 0.2]))
    same(lambda x: x.lerp(x, 0.5), lambda x: x.lerp(x, 0.5), i)


# -- where / isclose / allclose / equal as methods -----------------------------------------


@pytest.mark.parametrize("y", [C[::-1].copy(), 2.0, np.array(-1.0)])
def test_where_method_is_the_function(y: Any) -> None:
    cond = C > 0
    same(lambda x, v: x.where(tg.tensor(cond), v), lambda x, v: x.where(torch.tensor(cond), v),
         C, y)
    same(lambda x, v: tg.where(tg.tensor(cond), x, v),
         lambda x, v: torch.where(torch.tensor(cond), x, v), C, y)


CLOSE = [(np.array([1.0, np.nan, np.inf, -np.inf, 1e-9, 100.0]),
          np.array([1.0 + 1e-6, np.nan, np.inf, np.inf, 0.0, 100.01])),
         (np.array([1, 0, 2]), np.array([2, 1, 3])), (np.array([True]), np.array([True])),
         (np.array([1.0, 2.0]), np.array([1.0])), (np.array([1, 2]), np.array([1.0, 2.0])),
         (np.zeros((2, 3)), np.zeros((3, 2)))]


@pytest.mark.parametrize("kw", [{}, {"rtol": 0.6, "atol": 0.0}, {"atol": 1.0},
                                {"equal_nan": True}, {"rtol": 1e-3, "atol": 1e-2},
                                {"rtol": -1.0}])
@pytest.mark.parametrize("pair", range(len(CLOSE)))
@pytest.mark.parametrize("name", ["isclose", "allclose"])
def test_isclose_allclose(name: str, pair: int, kw: dict[str, Any]) -> None:
    a, b = CLOSE[pair]
    same(lambda x, y: getattr(x, name)(y, **kw), lambda x, y: getattr(x, name)(y, **kw), a, b)
    same(lambda x, y: getattr(tg, name)(x, y, **kw),
         lambda x, y: getattr(torch, name)(x, y, **kw), a, b)


@pytest.mark.parametrize("pair", range(len(CLOSE)))
def test_equal(pair: int) -> None:
    a, b = CLOSE[pair]
    for x, y in [(a, b), (a, a)]:
        same(lambda p, q: p.equal(q), lambda p, q: p.equal(q), x, y)
        same(tg.equal, torch.equal, x, y)


# (frac is the composite x - trunc(x): its node is SubBackward0, PyTorch's FracBackward0)
UNARY_NODES = ["floor", "ceil", "round", "trunc", "fix", "sgn", "tan", "asin", "acos",
               "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10", "exp2",
               "erfc", "erfinv"]
BINARY_NODES = ["atan2", "hypot", "logaddexp", "logaddexp2", "xlogy", "fmod", "fmax", "fmin",
                "copysign"]


@pytest.mark.parametrize("name", UNARY_NODES + BINARY_NODES)
def test_grad_fn_names_are_torchs(name: str) -> None:
    a = np.array([1.5, 2.25])
    args = (a,) if name in UNARY_NODES else (a, a[::-1].copy())
    ours = getattr(tg.tensor(a, requires_grad=True), name)(*(tg.tensor(x) for x in args[1:]))
    theirs = getattr(torch.tensor(a, requires_grad=True), name)(
        *(torch.tensor(x) for x in args[1:]))
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    if name == "fmod":
        ours, theirs = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        assert ours.fmod(1.5).grad_fn.name() == theirs.fmod(1.5).grad_fn.name()
