"""PyTorch's ``torch.autograd.functional``: jacobian, hessian, vjp, jvp, hvp, vhp.

Each takes ``func`` and ``inputs`` (a Tensor or a tuple of Tensors) and returns PyTorch's
structures: a Tensor where PyTorch gives one (a Tensor input and a Tensor output), tuples
where ``inputs`` or the outputs are tuples. All are built on reverse mode (``grad``); ``jvp``
uses the double-backward trick (J·v = d/du (uᵀJ)·v), so it needs ``func`` to be twice
differentiable, as every op of the library is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..grad_mode import enable_grad
from ..tensor import Tensor
from ..tensor_autograd import grad
from ..tensor_functions import stack

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]


def _as_tuple(x: Any, arg: str, fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(was_tuple, the Tensors) for ``inputs``, ``v`` or the outputs of ``func``."""
    is_tuple = isinstance(x, (tuple, list))
    xs = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but "
                f"the value at index {i} has type {type(t).__name__}."
            )
    return is_tuple, xs


def _prepare(xs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Fresh leaves to differentiate at; under create_graph inputs keep their own graph."""
    return tuple(
        x if create_graph and x.requires_grad else x.detach().requires_grad_(True) for x in xs
    )


def _grads(outs: tuple[Tensor, ...], xs: tuple[Tensor, ...], seeds: tuple[Any, ...],
           create_graph: bool, strict: bool, fn: str) -> tuple[Tensor, ...]:
    """sum_k seeds[k]·d(outs[k])/d(xs), zeros where an input is unused (an error if strict)."""
    live = [(o, s) for o, s in zip(outs, seeds) if o.requires_grad]
    if live:
        got = grad([o for o, _ in live], xs, [s for _, s in live], retain_graph=True,
                   create_graph=create_graph, allow_unused=True)
    else:
        got = (None,) * len(xs)
    result = []
    for i, (g, x) in enumerate(zip(got, xs)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {i}. "
                    f"This is not allowed in strict mode ({fn})."
                )
            g = Tensor._new(np.zeros(x.shape, dtype=x.dtype))
        result.append(g if create_graph else g.detach())
    return tuple(result)


def _call(func: Callable[..., Any], xs: tuple[Tensor, ...],
          fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    with enable_grad():
        out = func(*xs)
    return _as_tuple(out, "outputs of the user-provided function", fn)


def _check_v(v: Any, like: tuple[Tensor, ...], what: str, fn: str) -> tuple[Tensor, ...]:
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(
                f"The vector v can only be None if the {what} of the user-provided function "
                f"is a single Tensor with a single element ({fn})."
            )
        return (Tensor._new(np.ones(like[0].shape, dtype=like[0].dtype)),)
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(like):
        raise RuntimeError(f"{fn}: v has {len(vs)} Tensor(s), expected {len(like)} (one per "
                           f"{what})")
    for i, (a, b) in enumerate(zip(vs, like)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"{fn}: entry {i} of v has shape {tuple(a.shape)}, expected "
                               f"{tuple(b.shape)} (the shape of {what} {i})")
    return vs


def _out(is_tuple: bool, values: tuple[Any, ...], create_graph: bool) -> Any:
    vals = tuple(v if create_graph or not isinstance(v, Tensor) else v.detach() for v in values)
    return vals if is_tuple else vals[0]


def _double_vjp(outs: tuple[Tensor, ...], xs: tuple[Tensor, ...], vs: tuple[Any, ...],
               create_graph: bool, strict: bool, fn: str) -> tuple[Tensor, ...]:
    """J·v per output, by differentiating uᵀJ (linear in a dummy u) with respect to u."""
    us = tuple(Tensor._new(np.zeros(o.shape, dtype=o.dtype), requires_grad=True) for o in outs)
    with enable_grad():
        ujs = _grads(outs, xs, us, True, strict, fn)  # uᵀJ, linear in u
        return _grads(ujs, us, vs, create_graph, False, fn)


def _jacobian_blocks(o: Tensor, xs: tuple[Tensor, ...],
                    pull: Callable[[Tensor], tuple[Tensor, ...]]) -> list[Tensor]:
    """Per input x_j, d o / d x_j of shape o.shape + x_j.shape: one ``pull`` (eᵀJ, a
    tuple over ``xs``) per element of ``o``, the rows stacked."""
    n = o.numel()
    per_in: list[list[Tensor]] = [[] for _ in xs]
    for k in range(n):  # row k of J: the gradient of output element k
        e = np.zeros(n, dtype=o.dtype)
        e[k] = 1
        for j, gj in enumerate(pull(Tensor._new(e.reshape(o.shape)))):
            per_in[j].append(gj)
    blocks = []
    for j, x in enumerate(xs):
        if per_in[j]:
            blocks.append(stack(per_in[j]).reshape(*o.shape, *x.shape))
        else:  # an empty output
            blocks.append(Tensor._new(np.zeros((*o.shape, *x.shape), dtype=x.dtype)))
    return blocks


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), vᵀ·J): J = d func / d inputs; v shaped like the output(s)."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
    xs = _prepare(xs, create_graph)
    out_tuple, outs = _call(func, xs, "vjp")
    vs = _check_v(v, outs, "output", "vjp")
    g = _grads(outs, xs, vs, create_graph, strict, "vjp")
    return _out(out_tuple, outs, create_graph), _out(in_tuple, g, create_graph)


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), J·v): v shaped like the input(s); by double backward through uᵀJ."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
    xs = _prepare(xs, create_graph)
    vs = _check_v(v, xs, "input", "jvp")
    out_tuple, outs = _call(func, xs, "jvp")
    res = _double_vjp(outs, xs, vs, create_graph, strict, "jvp")
    return _out(out_tuple, outs, create_graph), _out(out_tuple, res, create_graph)


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """J[i][j] = d outputs[i] / d inputs[j], each of shape out_i.shape + in_j.shape.

    A Tensor for a Tensor input and output; a tuple over inputs or outputs where that side is
    a tuple; a tuple of tuples when both are. One backward pass per output element
    (``vectorize`` is accepted and gives the same values).
    """
    del vectorize
    if strategy != "reverse-mode":
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' here, got {strategy!r}")
    in_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
    xs = _prepare(xs, create_graph)
    out_tuple, outs = _call(func, xs, "jacobian")
    rows = []
    for o in outs:
        row = _jacobian_blocks(o, xs, functools.partial(_row, o, xs, create_graph, strict))
        rows.append(tuple(row) if in_tuple else row[0])
    return tuple(rows) if out_tuple else rows[0]


def _row(o: Tensor, xs: tuple[Tensor, ...], create_graph: bool, strict: bool,
         e: Tensor) -> tuple[Tensor, ...]:
    return _grads((o,), xs, (e,), create_graph, strict, "jacobian")


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """H[i][j] = d² func / d inputs[i] d inputs[j] of a scalar func, shape in_i + in_j."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*ys: Tensor) -> Any:
        g = _gradient(func, ys, strict, "hessian")[1]
        return g if in_tuple else g[0]

    return jacobian(gradient, inputs if in_tuple else xs[0], create_graph, strict, vectorize,
                    outer_jacobian_strategy)


def _gradient(func: Callable[..., Any], xs: tuple[Tensor, ...], strict: bool,
              fn: str) -> tuple[tuple[Tensor, ...], tuple[Tensor, ...]]:
    """(func(xs), d func/d xs recorded with create_graph) for a scalar-valued func."""
    out_tuple, outs = _call(func, xs, fn)
    if out_tuple or outs[0].numel() != 1:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor "
                           "containing a single element")
    return outs, _grads(outs, xs, (None,), True, strict, fn)


def _hessian_vector(func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool,
                    strict: bool, fn: str) -> tuple[Tensor, Any]:
    """(func(inputs), vᵀ·H) by differentiating the gradient (built with create_graph) again."""
    in_tuple, xs = _as_tuple(inputs, "inputs", fn)
    xs = _prepare(xs, create_graph)
    vs = _check_v(v, xs, "input", fn)
    outs, g = _gradient(func, xs, strict, fn)
    res = _grads(g, xs, vs, create_graph, strict, fn)
    return _out(False, outs, create_graph), _out(in_tuple, res, create_graph)


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """(func(inputs), vᵀ·H) for a scalar func; v shaped like the input(s)."""
    return _hessian_vector(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Tensor, Any]:
    """(func(inputs), H·v) for a scalar func; equal to vᵀ·H because H is symmetric."""
    return _hessian_vector(func, inputs, v, create_graph, strict, "hvp")
