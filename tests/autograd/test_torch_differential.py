"""The same autograd snippets on torch and on tinygrad_nn: values, structures, error types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

from .._compare import same as _same

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
A = RNG.normal(size=(3,))
B = RNG.normal(size=(2, 3))


def _run(lib: Any, snippet: Callable[[Any, Any], Any]) -> Any:
    """Run ``snippet(lib, make)``; ``make(array)`` builds a float64 leaf that requires grad."""

    def make(a: np.ndarray) -> Any:
        return lib.tensor(a.copy(), dtype=lib.float64, requires_grad=True)

    return snippet(lib, make)


def f_poly(lib: Any) -> Callable[..., Any]:
    return lambda x: (x**3 * 2 + x.sin()).sum()


def f_vec(x: Any) -> Any:
    return x.tanh() * x


def f_two_in(x: Any, w: Any) -> Any:
    return (w @ x).exp()


def f_two_out(x: Any) -> Any:
    return x * 2, (x**2).sum()


SNIPPETS: dict[str, Callable[[Any, Any], Any]] = {
    "grad_tuple": lambda lib, mk: (lambda x: lib.autograd.grad((x**2).sum(), x))(mk(A)),
    "grad_two_inputs": lambda lib, mk: (lambda x, w: lib.autograd.grad(
        (w @ x).sum(), (x, w)))(mk(A), mk(B)),
    "grad_outputs_weights": lambda lib, mk: (lambda x: lib.autograd.grad(
        x * 3, x, grad_outputs=lib.tensor(A, dtype=lib.float64)))(mk(A)),
    "grad_unused_allowed": lambda lib, mk: (lambda x, y: lib.autograd.grad(
        (x * 2).sum(), (x, y), allow_unused=True))(mk(A), mk(A)),
    "grad_materialize": lambda lib, mk: (lambda x, y: lib.autograd.grad(
        (x * 2).sum(), (x, y), materialize_grads=True))(mk(A), mk(A)),
    "grad_second_order": lambda lib, mk: (lambda x: lib.autograd.grad(
        lib.autograd.grad((x**3).sum(), x, create_graph=True)[0].sum(), x))(mk(A)),
    "backward_two_roots": lambda lib, mk: (lambda x: (
        lib.autograd.backward([(x * 2).sum(), (x**2).sum()]), x.grad)[1])(mk(A)),
    "backward_grad_tensors": lambda lib, mk: (lambda x: (
        lib.autograd.backward(x * 3, lib.tensor(A, dtype=lib.float64)), x.grad)[1])(mk(A)),
    "backward_inputs": lambda lib, mk: (lambda x, y: (
        lib.autograd.backward((x * y).sum(), inputs=[x]), x.grad, y.grad)[1:])(mk(A), mk(A)),
    "jacobian_tensor": lambda lib, mk: lib.autograd.functional.jacobian(f_vec, mk(A)),
    "jacobian_tuple_in": lambda lib, mk: lib.autograd.functional.jacobian(
        f_two_in, (mk(A), mk(B))),
    "jacobian_tuple_out": lambda lib, mk: lib.autograd.functional.jacobian(f_two_out, mk(A)),
    "jacobian_tuple_both": lambda lib, mk: lib.autograd.functional.jacobian(
        lambda x, w: ((w @ x).exp(), x.sum()), (mk(A), mk(B))),
    "jacobian_unused": lambda lib, mk: lib.autograd.functional.jacobian(
        lambda x, y: x * 2, (mk(A), mk(A))),
    "hessian_tensor": lambda lib, mk: lib.autograd.functional.hessian(f_poly(lib), mk(A)),
    "hessian_tuple": lambda lib, mk: lib.autograd.functional.hessian(
        lambda x, w: (w @ x).exp().sum(), (mk(A), mk(B))),
    "vjp": lambda lib, mk: lib.autograd.functional.vjp(
        f_vec, mk(A), lib.tensor(A, dtype=lib.float64)),
    "vjp_scalar_no_v": lambda lib, mk: lib.autograd.functional.vjp(f_poly(lib), mk(A)),
    "vjp_tuple": lambda lib, mk: lib.autograd.functional.vjp(
        f_two_in, (mk(A), mk(B)), lib.ones(2, dtype=lib.float64)),
    "jvp": lambda lib, mk: lib.autograd.functional.jvp(
        f_vec, mk(A), lib.tensor(A, dtype=lib.float64)),
    "jvp_tuple_out": lambda lib, mk: lib.autograd.functional.jvp(
        f_two_out, mk(A), lib.ones(3, dtype=lib.float64)),
    "hvp": lambda lib, mk: lib.autograd.functional.hvp(
        f_poly(lib), mk(A), lib.tensor(A, dtype=lib.float64)),
    "vhp_tuple": lambda lib, mk: lib.autograd.functional.vhp(
        lambda x, w: (w @ x).exp().sum(), (mk(A), mk(B)),
        (lib.ones(3, dtype=lib.float64), lib.ones(2, 3, dtype=lib.float64))),
    "variable": lambda lib, mk: (lambda v: (v.requires_grad, v.is_leaf))(
        lib.autograd.Variable(mk(A) * 2, requires_grad=True)),
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_result_as_torch(name: str) -> None:
    snippet = SNIPPETS[name]
    _same(_run(torch, snippet), _run(tg, snippet), name)


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "grad_unused_default": lambda lib, mk: (lambda x, y: lib.autograd.grad(
        (x * 2).sum(), (x, y)))(mk(A), mk(A)),
    "grad_input_without_grad": lambda lib, mk: lib.autograd.grad(
        (mk(A) * 2).sum(), lib.tensor(A)),
    "grad_nonscalar_without_grad_outputs": lambda lib, mk: (lambda x: lib.autograd.grad(
        x * 2, x))(mk(A)),
    "grad_materialize_with_allow_unused_false": lambda lib, mk: (lambda x: lib.autograd.grad(
        (x * 2).sum(), x, allow_unused=False, materialize_grads=True))(mk(A)),
    "backward_twice": lambda lib, mk: (lambda y: (y.backward(), y.backward()))(
        (mk(A).exp()).sum()),
    "hessian_nonscalar": lambda lib, mk: lib.autograd.functional.hessian(f_vec, mk(A)),
    "vjp_missing_v": lambda lib, mk: lib.autograd.functional.vjp(f_vec, mk(A)),
    "jacobian_strict_unused": lambda lib, mk: lib.autograd.functional.jacobian(
        lambda x, y: x * 2, (mk(A), mk(A)), strict=True),
    "jacobian_not_a_tensor": lambda lib, mk: lib.autograd.functional.jacobian(f_vec, [1.0]),
    "function_instance_called": lambda lib, mk: type(
        "F", (lib.autograd.Function,), {})()(mk(A)),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # instantiating a Function warns
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_same_error_type_as_torch(name: str) -> None:
    snippet = ERRORS[name]
    with pytest.raises(Exception) as want:
        _run(torch, snippet)
    with pytest.raises(want.type):
        _run(tg, snippet)


class _Cube:
    """One custom Function body shared by both libraries (PyTorch's contract)."""

    @staticmethod
    def forward(ctx: Any, x: Any, k: float) -> Any:
        ctx.save_for_backward(x)
        ctx.k = k
        return x**3 * k, x.sum()

    @staticmethod
    def backward(ctx: Any, g: Any, gs: Any) -> Any:
        (x,) = ctx.saved_tensors
        return 3 * x**2 * ctx.k * g + gs, None


def test_custom_function_matches_torch_to_second_order() -> None:
    def run(lib: Any) -> Any:
        cube = type("Cube", (lib.autograd.Function,), dict(vars(_Cube)))
        x = lib.tensor(A.copy(), dtype=lib.float64, requires_grad=True)
        y, s = cube.apply(x, 0.5)
        (g,) = lib.autograd.grad((y * y).sum() + s * 2, x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return y, s, g, h

    _same(run(torch), run(tg))
