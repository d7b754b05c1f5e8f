"""Bitwise operators and methods, and the generated in-place forms (``x.sin_()``,
``torch.sin_(x)``), checked against PyTorch: values, dtypes and error types for integer,
bool and float tensors with Tensor and number operands."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

_TENSORS = {
    "int64": lambda lib: lib.tensor([1, 5, 11, -3]),
    "int64b": lambda lib: lib.tensor([2, 7, 10, 1]),
    "bool": lambda lib: lib.tensor([True, False, True, False]),
    "uint8": lambda lib: lib.tensor([1, 5, 200, 3], dtype=lib.uint8),
    "int32": lambda lib: lib.tensor([1, 5, 11, -3], dtype=lib.int32),
    "int8": lambda lib: lib.tensor([1, 5, 11, -3], dtype=lib.int8),
    "float32": lambda lib: lib.tensor([1.0, 5.0, 11.0, -3.0]),
    "int32_0d": lambda lib: lib.tensor(3, dtype=lib.int32),
}
_NUMBERS = {"3": 3, "True": True, "1.5": 1.5, "-1": -1}
_OPS = {"&": "bitwise_and", "|": "bitwise_or", "^": "bitwise_xor", "<<": "bitwise_left_shift",
        ">>": "bitwise_right_shift"}


def _outcome(fn: Any, lib: Any) -> tuple[str, Any]:
    try:
        out = fn(lib)
    except Exception as e:  # noqa: BLE001 - the error type is what is compared
        return ("RuntimeError" if isinstance(e, RuntimeError) else type(e).__name__), None
    return str(out.dtype).removeprefix("torch."), out.detach().numpy().tolist()


def _same(fn: Any) -> None:
    ours, theirs = _outcome(fn, tg), _outcome(fn, torch)
    assert ours[0] == theirs[0], (ours, theirs)
    if theirs[1] is not None:
        np.testing.assert_allclose(np.asarray(ours[1], float), np.asarray(theirs[1], float),
                                   rtol=1e-6, equal_nan=True)


def _in_place(t: str, op: str, other: Any) -> Any:
    def fn(lib: Any) -> Any:
        x = _TENSORS[t](lib).clone()
        o = other(lib) if callable(other) else other
        y = x.clone()
        exec(f"x {op}= o", {"x": x, "o": o})  # noqa: S102 - a fixed table of operators
        getattr(y, _OPS[op] + "_")(o)
        np.testing.assert_array_equal(np.asarray(x.numpy()), np.asarray(y.numpy()))
        return x
    return fn


@pytest.mark.parametrize("op", list(_OPS))
@pytest.mark.parametrize("a", list(_TENSORS))
def test_bitwise_operators_methods_and_functions_match_pytorch(op: str, a: str) -> None:
    others = {**{k: v for k, v in _TENSORS.items()}, **{k: (lambda lib, v=v: v)
                                                       for k, v in _NUMBERS.items()}}
    name = _OPS[op]
    for b in others.values():
        _same(lambda lib, b=b: eval(f"x {op} y", {"x": _TENSORS[a](lib),  # noqa: S307
                                                  "y": b(lib)}))
        _same(lambda lib, b=b: getattr(lib, name)(_TENSORS[a](lib), b(lib)))
        _same(lambda lib, b=b: getattr(_TENSORS[a](lib), name)(b(lib)))
        _same(_in_place(a, op, b))
    for v in _NUMBERS.values():  # the reflected operators
        _same(lambda lib, v=v: eval(f"v {op} x", {"x": _TENSORS[a](lib), "v": v}))  # noqa: S307


@pytest.mark.parametrize("a", list(_TENSORS))
def test_bitwise_not_matches_pytorch(a: str) -> None:
    _same(lambda lib: ~_TENSORS[a](lib))
    _same(lambda lib: lib.bitwise_not(_TENSORS[a](lib)))
    _same(lambda lib: _TENSORS[a](lib).clone().bitwise_not_())


@pytest.mark.parametrize("expr", [
    "x << 64", "x << 63", "x >> 64", "x >> 70", "x << -1", "x >> -1",
    "x << lib.tensor([0, 1, 63, 64])", "x >> lib.tensor([0, 1, 63, 64])",
    "lib.tensor([1, 5, 11, -3], dtype=lib.int8) << 7",
    "lib.tensor([1, 5, 11, -3], dtype=lib.int8) >> 9",
    "lib.tensor([1, 5, 200, 3], dtype=lib.uint8) << 9",
    "lib.bitwise_left_shift(3, lib.tensor(3, dtype=lib.int32))",
    "lib.bitwise_xor(3, 5)", "lib.bitwise_and(input=x, other=x)",
])
def test_shifts_past_the_width_and_number_operands_match_pytorch(expr: str) -> None:
    _same(lambda lib: eval(expr, {"lib": lib, "x": lib.tensor([1, 5, 11, -3])}))  # noqa: S307


_UNARY = ["sin_", "cos_", "tan_", "asin_", "acos_", "atan_", "arcsin_", "arccos_", "arctan_",
          "sinh_", "cosh_", "asinh_", "acosh_", "atanh_", "arcsinh_", "arccosh_", "arctanh_",
          "expm1_", "exp2_", "log1p_", "log2_", "log10_", "rsqrt_", "erf_", "erfc_", "erfinv_",
          "deg2rad_", "rad2deg_", "trunc_", "fix_", "frac_", "sign_", "sgn_", "absolute_",
          "negative_", "nan_to_num_", "logical_not_", "abs_", "exp_", "sqrt_", "relu_",
          "sigmoid_", "tanh_", "zero_", "ceil_", "floor_", "round_", "neg_", "reciprocal_",
          "square_", "log_"]
_BINARY = ["atan2_", "arctan2_", "xlogy_", "hypot_", "copysign_", "heaviside_", "multiply_",
           "subtract_", "divide_", "true_divide_", "floor_divide_", "remainder_", "fmod_", "eq_",
           "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_",
           "less_equal_", "not_equal_", "logical_and_", "logical_or_", "logical_xor_"]
_DTYPES = ["float32", "float64", "int64", "int32", "bool"]


def _x(lib: Any, dt: str) -> Any:
    if dt.startswith("float"):
        return lib.tensor([0.3, -0.7, 1.5, 0.0], dtype=getattr(lib, dt))
    return lib.tensor([3, -7, 1, 0], dtype=getattr(lib, dt)) if dt != "bool" else \
        lib.tensor([True, False, True, False])


@pytest.mark.parametrize("name,dt", list(itertools.product(_UNARY, _DTYPES)))
def test_unary_in_place_forms_match_pytorch(name: str, dt: str) -> None:
    _same(lambda lib: getattr(_x(lib, dt), name)())
    if hasattr(torch, name):  # the top-level function: the same, on the same tensor
        def top(lib: Any) -> Any:
            x = _x(lib, dt)
            out = getattr(lib, name)(x)
            assert out is x
            return x
        _same(top)


@pytest.mark.parametrize("name,dt", list(itertools.product(_BINARY, _DTYPES)))
def test_binary_in_place_forms_match_pytorch(name: str, dt: str) -> None:
    others = [lambda lib: lib.tensor([0.5, 2.0, -1.0, 0.25]), lambda lib: lib.tensor([2, 3, -1, 1])]
    if name not in ("atan2_", "arctan2_", "hypot_", "heaviside_"):  # (PyTorch: Tensors only)
        others.append(lambda lib: 2)
    for other in others:
        _same(lambda lib, other=other: getattr(_x(lib, dt), name)(other(lib)))


@pytest.mark.parametrize("case", [
    lambda lib: lib.tensor([1.0, 2.0]).tril_(),
    lambda lib: lib.ones(3, 3).tril_(-1), lambda lib: lib.ones(3, 3).triu_(1),
    lambda lib: lib.tensor([0.3, 0.5]).cumsum_(0),
    lambda lib: lib.tensor([0.3, 0.5]).cumprod_(dim=0),
    lambda lib: lib.tensor([3.0, -7.0]).divide_(lib.tensor([2.0, 2.0]), rounding_mode="floor"),
    lambda lib: lib.tensor([3.0, -7.0]).subtract_(lib.tensor([2.0, 2.0]), alpha=2),
    lambda lib: lib.tensor([float("nan"), 1.0]).nan_to_num_(nan=5.0),
    lambda lib: lib.sin_(1.0), lambda lib: lib.sin_([1.0]),
    lambda lib: lib.clamp_(lib.tensor([0.3, -0.7, 1.5]), 0, 1),
    lambda lib: lib.fill_(lib.tensor([0.3, -0.7]), 3), lambda lib: lib.zero_(lib.ones(2)),
    lambda lib: lib.selu_(lib.tensor([-1.0, 2.0])),
    lambda lib: lib.celu_(lib.tensor([-1.0, 2.0]), 2.0),
    lambda lib: lib.threshold_(lib.tensor([-1.0, 2.0]), 0.5, 9.0),
    lambda lib: lib.rrelu_(lib.tensor([-1.0, 2.0])),
    lambda lib: lib.dropout_(lib.ones(3), 0.0, True),
    lambda lib: lib.dropout_(lib.ones(3), 1.0, False), lambda lib: lib.selu_(1.0),
    lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64).float_power_(2),
    lambda lib: lib.tensor([1.5, 2.0]).float_power_(2),
    lambda lib: lib.tensor([1.5, 2.0], dtype=lib.float64).float_power_(lib.tensor([2, 3])),
    lambda lib: lib.ones(2, requires_grad=True).sin_(),
    lambda lib: lib.sin_(lib.ones(2, requires_grad=True)),
])
def test_in_place_form_cases_match_pytorch(case: Any) -> None:
    _same(case)


def test_recorded_in_place_forms_back_propagate_as_pytorch() -> None:
    grads = []
    for lib in (tg, torch):
        a = lib.tensor([0.3, 0.9], dtype=lib.float64, requires_grad=True)
        z = a * 2
        lib.atan_(z)
        z.add_(a).cosh_()
        z.sum().backward()
        grads.append(a.grad.numpy())
        w = a.exp()  # exp saved its output: sin_ changes it, so backward refuses
        w.sin_()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            w.sum().backward()
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-13)
