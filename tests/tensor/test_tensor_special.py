"""The methods of tinygrad_nn/tensor_special.py (``x.sinc()``, ``x.gcd_(y)``,
``x.select_scatter(...)`` ...) against torch's Tensor methods: values, dtypes,
requires_grad, gradients, in-place updates and errors; the function forms are the same
logic (one grad_fn). Also PyTorch's TypeError for a number where a Tensor ``other`` is
required (``maximum``, ``fmax``, ``hypot`` ...), in both forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.test_torch_math import _compare
from tests.test_torch_math import _same as _same_values

torch = pytest.importorskip("torch")

R = np.random.default_rng(7)
X = R.uniform(-2.0, 2.0, (3, 4))
I64 = np.array([[4, -6, 0], [9, 12, 7]])

# name: (call(lib, *tensors) using the method, arrays); float arrays require grad
METHODS: dict[str, tuple[Callable[..., Any], list[np.ndarray]]] = {
    "adjoint": (lambda L, x: x.adjoint(), [X]),
    "as_strided": (lambda L, x: x.as_strided((2, 3), (4, 1), 1), [X]),
    # (x detached: torch 2.13's gradient for x misplaces the kept and replaced elements)
    "as_strided_scatter": (lambda L, x, s: x.detach().as_strided_scatter(s, (2, 2), (4, 1), 1),
                           [X, R.uniform(size=(2, 2))]),
    "diagonal_scatter": (lambda L, x, s: x.diagonal_scatter(s, 1), [X, R.uniform(size=3)]),
    "dist": (lambda L, x, y: x.dist(y, 3), [X, R.uniform(size=4)]),
    "frexp": (lambda L, x: x.frexp(), [np.array([1.5, -3.0, 0.0, 1e-5, 1024.0])]),
    "gcd": (lambda L, a, b: a.gcd(b), [I64, np.array([6, 4, 5])]),
    "hardshrink": (lambda L, x: x.hardshrink(0.7), [X]),
    "histogram": (lambda L, x: x.detach().histogram(5, range=(-2.0, 2.0)), [X]),
    "i0": (lambda L, x: x.i0(), [X]),
    "index_reduce": (lambda L, x, s: x.index_reduce(0, L.tensor([0, 2]), s, "amax",
                                                    include_self=False),
                     [X, R.uniform(size=(2, 4))]),
    "lcm": (lambda L, a, b: a.lcm(b), [I64, np.array([6, 4, 5])]),
    # (exponents >= 0: torch's gradient takes 2**k in integers, 0 for k < 0)
    "ldexp": (lambda L, x, k: x.ldexp(k), [X, np.array([1, 0, 2, 3])]),
    "ldexp[float exponent]": (lambda L, x, k: x.ldexp(k), [X, R.uniform(-2.0, 2.0, 4)]),
    "mvlgamma": (lambda L, x: x.mvlgamma(2), [R.uniform(1.0, 3.0, (2, 3))]),
    "nextafter": (lambda L, x, y: x.nextafter(y), [X, R.uniform(size=4)]),
    "prelu": (lambda L, x, w: x.prelu(w), [X, np.array([0.1, 0.2, 0.3, 0.4])]),
    "put": (lambda L, x, s: x.put(L.tensor([0, 5, -1]), s, True), [X, R.uniform(size=3)]),
    "renorm": (lambda L, x: x.renorm(2, 0, 1.0), [X]),
    "select_scatter": (lambda L, x, s: x.select_scatter(s, 1, -1), [X, R.uniform(size=3)]),
    "sinc": (lambda L, x: x.sinc(), [np.array([0.0, 0.5, -1.3, 2.0])]),
    "sinc[int]": (lambda L, x: x.sinc(), [np.array([0, 1, 2])]),
    "slice_scatter": (lambda L, x, s: x.slice_scatter(s, 1, 0, None, 2),
                      [X, R.uniform(size=(3, 2))]),
    "split_with_sizes": (lambda L, x: x.split_with_sizes([1, 3], 1), [X]),
}


def _same(a: Any, b: Any) -> None:
    """test_torch_math's comparison (shapes, dtypes, values), and requires_grad alike."""
    _same_values(a, b)
    for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
        assert y.requires_grad == x.requires_grad


@pytest.mark.parametrize("name", sorted(METHODS))
def test_method_matches_torch(name: str) -> None:
    """Values, dtypes and the float inputs' gradients (test_torch_math's comparison), and
    whether the result requires grad."""
    call, arrays = METHODS[name]
    _compare(call, *arrays)
    outs = [call(lib, *[lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays])
            for lib in (torch, tg)]
    _same(*outs)


@pytest.mark.parametrize("name", ["sinc", "i0", "ldexp", "nextafter", "dist", "renorm",
                                  "mvlgamma", "adjoint", "as_strided", "select_scatter", "put",
                                  "hardshrink", "prelu"])
def test_function_form_is_the_method(name: str) -> None:
    """tinygrad_nn.<name>(x, ...) (F.<name> for the activations) records what x.<name>(...)
    records: one piece of logic."""
    call, arrays = METHODS[name]
    fn = getattr(tg.functional if name in ("hardshrink", "prelu") else tg, name)
    ts = [tg.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    by_method = call(tg, *ts)
    method_name = name

    class Forward:  # x.<name>(*args) -> fn(x, *args)
        def __getattr__(self, attr: str) -> Any:
            assert attr == method_name
            return lambda *args, **kw: fn(ts[0], *args, **kw)

    by_function = call(tg, Forward(), *ts[1:])
    _same(by_method, by_function)
    assert by_function.grad_fn.name() == by_method.grad_fn.name()


@pytest.mark.parametrize("call", [
    lambda L, x: x.slice_scatter(src=L.ones(3, 2), dim=1, step=2),
    lambda L, x: x.renorm(p=1, dim=1, maxnorm=0.5),
    lambda L, x: x.split_with_sizes(split_sizes=[2, 1], dim=0),
    lambda L, x: x.as_strided(size=(2,), stride=(2,), storage_offset=1),
    lambda L, x: x.hardshrink(lambd=1.0),
    lambda L, x: x.dist(other=L.ones(4), p=1),
    lambda L, x: x.diagonal_scatter(src=L.ones(3), offset=0, dim1=0, dim2=1),
    lambda L, x: x.select_scatter(src=L.ones(3), dim=1, index=0),
    lambda L, x: x.put(index=L.tensor([1]), source=L.ones(1, dtype=L.float64),
                           accumulate=False),
    lambda L, x: x.index_reduce(dim=0, index=L.tensor([1]), source=L.ones(1, 4, dtype=L.float64),
                                reduce="prod", include_self=True),
    lambda L, x: x.histogram(bins=4, range=(-1.0, 1.0), weight=None, density=True),
    lambda L, x: x.mvlgamma(p=1),
])
def test_method_takes_torchs_keywords(call: Callable[..., Any]) -> None:
    _same(call(torch, torch.tensor(X)), call(tg, tg.tensor(X)))


# name: (call on a copy of x, arrays x and the other operand)
INPLACE: dict[str, tuple[Callable[..., Any], list[np.ndarray]]] = {
    "sinc_": (lambda x: x.sinc_(), [np.array([0.0, 0.5, -1.3])]),
    "i0_": (lambda x: x.i0_(), [np.array([0.0, 0.5, -3.0])]),
    "ldexp_": (lambda x, k: x.ldexp_(k), [np.array([1.5, -2.0, 3.0]), np.array([1, 0, 2])]),
    "gcd_": (lambda x, y: x.gcd_(y), [np.array([4, -6, 9]), np.array([6, 4, 3])]),
    "lcm_": (lambda x, y: x.lcm_(y), [np.array([4, -6, 9]), np.array([6, 4, 3])]),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_changes_self_and_returns_it(name: str) -> None:
    call, arrays = INPLACE[name]
    results = []
    for lib in (torch, tg):
        x, *rest = [lib.tensor(a) for a in arrays]
        version = x._version
        out = call(x, *rest)
        assert out is x
        assert x._version == version + 1
        results.append(x)
    _same(*results)


@pytest.mark.parametrize("name", ["sinc_", "i0_", "ldexp_"])
def test_inplace_gradient_and_leaf_refusal(name: str) -> None:
    call, arrays = INPLACE[name]
    grads = []
    for lib in (torch, tg):
        leaf = lib.tensor(arrays[0], requires_grad=True)
        rest = [lib.tensor(a) for a in arrays[1:]]
        with pytest.raises(RuntimeError, match="leaf"):
            call(leaf, *rest)
        y = leaf * 1.0
        call(y, *rest)
        assert y.grad_fn is not None
        (y * lib.tensor([1.0, -2.0, 0.5], dtype=y.dtype)).sum().backward()
        grads.append(leaf.grad)
    np.testing.assert_allclose(grads[1].numpy(), grads[0].numpy(), rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda L: L.tensor([1, 2, 3]).sinc_(),  # an int tensor cannot hold the float result
    lambda L: L.tensor([1, 2, 3]).i0_(),
    lambda L: L.tensor([1, 2, 3]).ldexp_(L.tensor([1, 1, 1])),
    lambda L: L.tensor([1.0, 2.0]).gcd_(L.tensor([1, 2])),
    lambda L: L.tensor([1, 2]).gcd(L.tensor([1.0, 2.0])),
    lambda L: L.tensor([1, 2]).lcm_(L.tensor([1.0, 2.0])),
    lambda L: L.tensor([1, 2]).frexp(),
    lambda L: L.zeros(3).adjoint(),
    lambda L: L.zeros(3, 4).select_scatter(L.ones(2), 1, 0),
    lambda L: L.zeros(3, 4).put(L.tensor([20]), L.ones(1)),
    lambda L: L.zeros(3, 4).as_strided((3, 3), (4, 2)),
    lambda L: L.zeros(3, 4).split_with_sizes([1, 1]),
    lambda L: L.zeros(3, 4).index_reduce(0, L.tensor([0]), L.ones(1, 4), "sum"),
    lambda L: L.zeros(3, 4).mvlgamma(0),
    lambda L: L.tensor([1, 2]).histogram(3),
    lambda L: L.zeros(2, 3).prelu(L.ones(2)),
    lambda L: L.tensor(1.0).prelu(L.ones(2)),
    lambda L: L.zeros(2, 3).renorm(-1, 0, 1.0),
])
def test_errors_match_torch(call: Callable[..., Any]) -> None:
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(want.type):
        call(tg)


# ---------------------------------------------------------- a Tensor where torch needs one
TENSOR_ONLY = [("maximum", "other"), ("minimum", "other"), ("fmax", "other"),
               ("fmin", "other"), ("hypot", "other"), ("atan2", "other"), ("arctan2", "other"),
               ("nextafter", "other"), ("ldexp", "other"), ("logaddexp", "other"),
               ("logaddexp2", "other"), ("heaviside", "values"), ("dist", "other"),
               ("gcd", "other"), ("lcm", "other"), ("logical_and", "other"),
               ("logical_xor", "other"),
               # the products: inner and kron took a number silently, matmul crashed
               ("dot", "tensor"), ("vdot", "other"), ("outer", "vec2"), ("ger", "vec2"),
               ("inner", "other"), ("kron", "other"), ("cross", "other"), ("mv", "vec"),
               ("mm", "mat2"), ("bmm", "mat2"), ("matmul", "other")]


@pytest.mark.parametrize("name, arg", TENSOR_ONLY)
@pytest.mark.parametrize("number", [2, 2.5, True])
def test_a_number_other_raises_torchs_type_error(name: str, arg: str, number: Any) -> None:
    for position, call in ((1, lambda L: getattr(L.tensor([1.0, 2.0]), name)(number)),
                           (2, lambda L: getattr(L, name)(L.tensor([1.0, 2.0]), number))):
        with pytest.raises(TypeError) as want:
            call(torch)
        with pytest.raises(TypeError) as got:
            call(tg)
        assert type(got.value) is type(want.value) is TypeError
        assert str(got.value) == str(want.value)
        assert f"argument '{arg}' (position {position})" in str(got.value)


@pytest.mark.parametrize("number", [2, 2.5])
def test_the_matmul_operator_with_a_number_is_pythons_type_error(number: Any) -> None:
    for call in (lambda L: L.tensor([1.0, 2.0]) @ number,
                 lambda L: number @ L.tensor([1.0, 2.0])):
        with pytest.raises(TypeError) as want:
            call(torch)
        with pytest.raises(TypeError) as got:
            call(tg)
        assert str(got.value) == str(want.value)  # unsupported operand type(s) for @ ...


@pytest.mark.parametrize("name", ["copysign", "xlogy", "float_power", "fmod", "remainder",
                                  "pow", "mul", "add"])
def test_forms_torch_accepts_with_a_number_still_work(name: str) -> None:
    for make in (lambda L: getattr(L.tensor([1.0, 2.0]), name)(2),
                 lambda L: getattr(L, name)(L.tensor([1.0, 2.0]), 2)):
        _same(make(torch), make(tg))


def test_addcmul_counts_positions_as_torch() -> None:
    for call in (lambda L: L.tensor([1.0]).addcmul(L.tensor([1.0]), 2),
                 lambda L: L.addcmul(L.tensor([1.0]), L.tensor([1.0]), 2)):
        with pytest.raises(TypeError) as want:
            call(torch)
        with pytest.raises(TypeError) as got:
            call(tg)
        assert str(got.value) == str(want.value)
