"""torch.func's gradient transforms on torch and on tinygrad_nn: values, pytree structure,
whether results carry a graph, composition, and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

from .._compare import raises_alike, run, same

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)
A = RNG.normal(size=(3,))
B = RNG.normal(size=(2, 3))
S = 0.7


def _poly(x: Any) -> Any:
    return (x ** 3 * 2 + x.sin()).sum()


D = 4
W_D, B_D, X_D = RNG.normal(size=(D, D)), RNG.normal(size=(D,)), RNG.normal(size=(D,))
XS_D = RNG.normal(size=(3, D))


def _predict(lib: Any) -> Any:
    """The model of PyTorch's tutorial "Jacobians, Hessians, hvp, vhp, and more"."""
    return lambda weight, bias, x: lib.nn.functional.linear(x, weight, bias).tanh()


def _tutorial(lib: Any, mk: Any) -> Any:
    predict, f = _predict(lib), lambda x: x.sin().sum()
    weight, bias, x = mk(W_D), mk(B_D), mk(X_D)
    jac_x = lib.func.jacrev(predict, argnums=2)(weight, bias, x)
    jac_w, jac_b = lib.func.jacrev(predict, argnums=(0, 1))(weight, bias, x)
    jac_fwd = lib.func.jacfwd(predict, argnums=2)(weight, bias, x)
    hess = lib.func.hessian(predict, argnums=2)(weight, bias, x)
    batch_jac = lib.func.vmap(lib.func.jacrev(predict, argnums=2), in_dims=(None, None, 0))(
        weight, bias, mk(XS_D))
    hvp_fwdrev = lib.func.jvp(lib.func.grad(f), (x,), (mk(B_D),))[1]
    hvp_revrev = lib.func.vjp(lib.func.grad(f), x)[1](mk(B_D))
    return jac_x, jac_w, jac_b, jac_fwd, hess, batch_jac, hvp_fwdrev, hvp_revrev


def _under_no_grad(lib: Any, fn: Callable[..., Any], *args: Any) -> Any:
    with lib.no_grad():
        return fn(*args)


SNIPPETS: dict[str, Callable[[Any, Any], Any]] = {
    "grad": lambda lib, mk: lib.func.grad(_poly)(mk(A)),
    "grad argnums tuple": lambda lib, mk: lib.func.grad(
        lambda x, w: (w @ x).tanh().sum(), argnums=(0, 1))(mk(A), mk(B)),
    "grad argnums negative": lambda lib, mk: lib.func.grad(
        lambda x, w: (w @ x).tanh().sum(), argnums=-1)(mk(A), mk(B)),
    "grad unused argument": lambda lib, mk: lib.func.grad(
        lambda x, y: (x * 2).sum(), argnums=1)(mk(A), mk(A)),
    "grad has_aux": lambda lib, mk: lib.func.grad(
        lambda x: ((x ** 2).sum(), {"y": x * 3, "z": (x,)}), has_aux=True)(mk(A)),
    "grad dict argument": lambda lib, mk: lib.func.grad(
        lambda p, x: (p["w"] @ x + p["b"]).exp().sum())({"w": mk(B), "b": mk(A[:2])}, mk(A)),
    "grad kwargs": lambda lib, mk: lib.func.grad(
        lambda x, scale=1.0: (x * scale).sin().sum())(mk(A), scale=mk(A)),
    "grad of a leaf that requires grad": lambda lib, mk: lib.func.grad(_poly)(mk(A, True)),
    "grad with a closure over a parameter": lambda lib, mk: (
        lambda w: lib.func.grad(lambda x: (x * w).sin().sum())(mk(A)))(mk(A[::-1], True)),
    "grad under no_grad": lambda lib, mk: _under_no_grad(lib, lib.func.grad(_poly), mk(A, True)),
    "grad_and_value": lambda lib, mk: lib.func.grad_and_value(_poly)(mk(A)),
    "grad_and_value has_aux": lambda lib, mk: lib.func.grad_and_value(
        lambda x: (_poly(x), x.cos()), has_aux=True)(mk(A)),
    "grad of grad": lambda lib, mk: lib.func.grad(lib.func.grad(lambda x: x.sin() * x ** 3))(
        mk(S)),
    "grad of grad with a closure": lambda lib, mk: lib.func.grad(
        lambda x: lib.func.grad(lambda y: (x * y).sin())(x))(mk(S)),
    "grad then backward": lambda lib, mk: (
        lambda w: (lib.func.grad(lambda x: (x * w).sin().sum())(mk(A)).sum().backward(), w.grad)[1]
    )(mk(A[::-1], True)),
    "vjp": lambda lib, mk: (lambda r: (r[0], r[1](mk(B))))(
        lib.func.vjp(lambda x, w: w * x.exp(), mk(A), mk(B))),
    "vjp dict output, called twice": lambda lib, mk: (lambda r: (
        r[0], r[1]({"a": mk(A), "b": mk(S)}), r[1]({"a": mk(A * 2), "b": mk(1.0)})))(
        lib.func.vjp(lambda x: {"a": x.sin(), "b": (x ** 2).sum()}, mk(A))),
    "vjp has_aux": lambda lib, mk: (lambda r: (r[0], r[1](mk(A)), r[2]))(
        lib.func.vjp(lambda x: (x.tanh(), x.sum()), mk(A), has_aux=True)),
    "jacrev": lambda lib, mk: lib.func.jacrev(lambda x: x.sin() * x.sum())(mk(A)),
    "jacrev matrix input": lambda lib, mk: lib.func.jacrev(lambda w: (w @ w.T).exp())(mk(B)),
    "jacrev argnums tuple, tuple output": lambda lib, mk: lib.func.jacrev(
        lambda x, w: (w @ x, x.sum()), argnums=(0, 1))(mk(A), mk(B)),
    "jacrev dict argument": lambda lib, mk: lib.func.jacrev(
        lambda p: p["a"] * p["b"].sum())({"a": mk(A), "b": mk(B)}),
    "jacrev has_aux": lambda lib, mk: lib.func.jacrev(
        lambda x: (x.exp(), x * 2), has_aux=True)(mk(A)),
    "jacrev of jacrev": lambda lib, mk: lib.func.jacrev(lib.func.jacrev(
        lambda x: (x ** 3).sum() * x))(mk(A)),
    "jacfwd": lambda lib, mk: lib.func.jacfwd(lambda x, w: w @ x.sin(), argnums=(0, 1))(
        mk(A), mk(B)),
    "jacfwd has_aux": lambda lib, mk: lib.func.jacfwd(
        lambda x: (x.exp(), x.sum()), has_aux=True)(mk(A)),
    "hessian": lambda lib, mk: lib.func.hessian(_poly)(mk(A)),
    "hessian argnums tuple": lambda lib, mk: lib.func.hessian(
        lambda x, w: (w @ x).tanh().sum(), argnums=(0, 1))(mk(A), mk(B)),
    "jvp": lambda lib, mk: lib.func.jvp(lambda x, w: w @ x.sin(), (mk(A), mk(B)),
                                         (mk(A[::-1]), mk(B * 2))),
    "jvp identity": lambda lib, mk: lib.func.jvp(lambda x: x, (mk(A),), (mk(A * 3),)),
    "jvp tuple output, has_aux": lambda lib, mk: lib.func.jvp(
        lambda x: ((x.exp(), x.sum()), x * 2), (mk(A),), (mk(A),), has_aux=True),
    "jvp of an independent output": lambda lib, mk: lib.func.jvp(
        lambda x: x * 0 + mk(A), (mk(A),), (mk(A),)),
    "grad of jvp": lambda lib, mk: lib.func.grad(
        lambda x: lib.func.jvp(lambda y: y.sin(), (x,), (mk(A),))[1].sum())(mk(A)),
    "linearize": lambda lib, mk: (lambda r: (r[0], r[1](mk(A)), r[1](mk(A * 2))))(
        lib.func.linearize(lambda x: x.sin() * x, mk(A))),
    "linearize two primals": lambda lib, mk: lib.func.linearize(
        lambda x, w: w @ x.sin(), mk(A), mk(B))[1](mk(A), mk(B)),
    "functionalize": lambda lib, mk: lib.func.functionalize(lambda x: x.sin().mul_(2))(mk(A)),
    "debug_unwrap": lambda lib, mk: lib.func.debug_unwrap(mk(A)),
    "vmap of grad": lambda lib, mk: lib.func.vmap(lib.func.grad(_poly))(mk(B)),
    "Jacobians and Hessians tutorial": _tutorial,
    "vmap of jacrev": lambda lib, mk: lib.func.vmap(lib.func.jacrev(lambda x: x.sin() * x))(
        mk(B)),
    "grad of vmap": lambda lib, mk: lib.func.grad(
        lambda w: lib.func.vmap(lambda x: (w * x).sin().sum())(mk(B)).sum())(mk(A)),
}


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_same_as_torch(name: str) -> None:
    same(run(torch, SNIPPETS[name]), run(tg, SNIPPETS[name]))


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "grad of a vector output": lambda lib, mk: lib.func.grad(lambda x: x * 2)(mk(A)),
    "grad of a non-tensor output": lambda lib, mk: lib.func.grad(lambda x: 1.0)(mk(A)),
    "grad argnum out of range": lambda lib, mk: lib.func.grad(_poly, argnums=3)(mk(A)),
    "grad argnums list": lambda lib, mk: lib.func.grad(_poly, argnums=[0])(mk(A)),
    "grad argnums repeated": lambda lib, mk: lib.func.grad(
        lambda x, y: (x * y).sum(), argnums=(0, 0))(mk(A), mk(A)),
    "grad argnums empty": lambda lib, mk: lib.func.grad(_poly, argnums=())(mk(A)),
    "grad of an int tensor": lambda lib, mk: lib.func.grad(lambda x: x.sum())(
        lib.arange(3)),
    "grad of a float": lambda lib, mk: lib.func.grad(lambda x: x * 2)(3.0),
    "grad has_aux without a pair": lambda lib, mk: lib.func.grad(_poly, has_aux=True)(mk(A)),
    "grad aux not tensors": lambda lib, mk: lib.func.grad(
        lambda x: (x.sum(), 1), has_aux=True)(mk(A)),
    "vjp aux not tensors": lambda lib, mk: lib.func.vjp(lambda x: (x, "a"), mk(A), has_aux=True),
    "vjp cotangent structure": lambda lib, mk: lib.func.vjp(
        lambda x: (x, x), mk(A))[1](mk(A)),
    "vjp non-tensor output": lambda lib, mk: lib.func.vjp(lambda x: 3, mk(A)),
    "jvp primals not a tuple": lambda lib, mk: lib.func.jvp(lambda x: x, mk(A), mk(A)),
    "jvp structures differ": lambda lib, mk: lib.func.jvp(lambda x: x, (mk(A),), [mk(A)]),
    "jvp tangent shape": lambda lib, mk: lib.func.jvp(lambda x: x, (mk(A),), (mk(B),)),
    "jvp strict": lambda lib, mk: lib.func.jvp(lambda x: mk(A), (mk(A),), (mk(A),),
                                                strict=True),
    "jacrev chunk_size": lambda lib, mk: lib.func.jacrev(_poly, chunk_size=0),
    "linearize tangent shape": lambda lib, mk: lib.func.linearize(lambda x: x * 2, mk(A))[1](
        mk(B)),
    "linearize tangent dtype": lambda lib, mk: lib.func.linearize(lambda x: x * 2, mk(A))[1](
        mk(A).float()),
    "functionalize remove": lambda lib, mk: lib.func.functionalize(_poly, remove="all"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_torch(name: str) -> None:
    # (structure messages print the spec types, which differ; the rest match word for word)
    raises_alike(ERRORS[name], message=name not in {
        "vjp cotangent structure", "jvp structures differ", "linearize tangent shape",
        "linearize tangent dtype"})
