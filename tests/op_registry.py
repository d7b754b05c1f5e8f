"""The gradient registry: one ``OpCase`` row per differentiable public op (rule 11).

``CASES`` is the table that ``test_op_gradients.py`` walks with ``gradcheck`` and
``gradgradcheck`` (float64, two-sided differences), and that ``test_registry_complete.py``
compares with the public surface. It holds the core ops below plus every ``CASES`` list
exported by a ``tests/cases_*.py`` file (nn layers; a missing file is simply absent).

A core row is declared with ``@case({name: form, ...})``: the first name is the case's
name, the others its ``covers``. Each example draws which form to call, so every name a
row claims is really exercised. Names are ``Tensor.<method>``, ``F.<function>`` or
``tinygrad_nn.<function>``; a ``[variant]`` suffix tells rows of one op apart. Inputs are
small (at most ~60 elements per case) and kept away from kinks, ties and singularities.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.registry_base import OpCase
from tinygrad_nn.testing import strategies as tst

Draw = Callable[[Any], Any]
CORE: list[OpCase] = []


def case(forms: dict[str, Callable[..., Any]], **options: Any) -> Callable[..., Any]:
    """Register ``draw_fn(draw, form) -> (fn, arrays)`` as a row named after the first form."""
    names = list(forms)

    def register(draw_fn: Callable[..., Any]) -> Callable[..., Any]:
        def draw_case(draw: Draw) -> tuple[Callable[..., Any], list[np.ndarray]]:
            return draw_fn(draw, forms[draw(st.sampled_from(names))])

        CORE.append(OpCase(names[0], draw_case, covers=tuple(names[1:]), **options))
        return draw_fn

    return register


# -- drawing helpers (the public strategies, dogfooded) ------------------------------------


def shape_of(draw: Draw, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
             max_side: int = 3) -> tuple[int, ...]:
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                 max_side=max_side))


def arr(draw: Draw, shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0,
        **kw: Any) -> np.ndarray:
    return draw(tst.arrays(shape=shape, elements=(lo, hi), **kw))


def nonzero(draw: Draw, shape: tuple[int, ...], lo: float = 0.3, hi: float = 3.0) -> np.ndarray:
    """Values with lo <= |x| <= hi (divisors, reciprocals)."""
    mag = draw(tst.arrays(shape=shape, elements=(lo, hi)))
    sign = draw(tst.arrays(shape=shape, dtype=np.bool_))
    return np.where(sign, -mag, mag)


def distinct(draw: Draw, shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0) -> np.ndarray:
    """Pairwise distinct values at least 0.7 (hi - lo) / size apart (no ties for max/min)."""
    n = math.prod(shape)
    perm = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    jitter = draw(tst.arrays(shape=(n,), elements=(0.0, 0.3)))
    return (lo + (perm + jitter) * (hi - lo) / max(n, 1)).reshape(shape)


def lattice(draw: Draw, shape: tuple[int, ...], offset: float) -> np.ndarray:
    """k + offset + jitter (integer k in [-3, 2], jitter in [0, 0.2]). Arrays drawn with
    offsets 0.5 and 0 differ by an integer + [0.3, 0.7]: never within 0.3 of an integer."""
    k = draw(tst.arrays(shape=shape, dtype=np.int64, elements=(-3, 2)))
    return k + offset + draw(tst.arrays(shape=shape, elements=(0.0, 0.2)))


def two_shapes(draw: Draw, max_dims: int = 3, max_side: int = 3) -> tuple[tuple[int, ...], ...]:
    return draw(tst.broadcastable_shapes(max_dims=max_dims, max_side=max_side))


def reduction_args(draw: Draw, shape: tuple[int, ...]) -> tuple[Any, bool]:
    return draw(tst.reduction_axes(shape)), draw(st.booleans())


def one_axis(draw: Draw, ndim: int) -> int:
    return draw(tst.reduction_axes(ndim, allow_none=False, allow_tuple=False))


REDUCTIONS = st.sampled_from(["mean", "sum", "none"])

# -- elementwise, unary --------------------------------------------------------------------


def unary(forms: dict[str, Callable[..., Any]], lo: float = -3.0, hi: float = 3.0,
          away_from: tuple[float, ...] = (), elements: Any = None, **options: Any) -> None:
    """A row for an elementwise op f(x) with x drawn in [lo, hi] away from ``away_from``."""

    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        x = draw(tst.arrays(max_dims=3, max_side=3, away_from=away_from, margin=1e-3,
                            elements=elements if elements is not None else (lo, hi)))
        return form, [x]

    case(forms, **options)(draw_fn)


_ABS_OUTSIDE = st.one_of(st.floats(-3.0, -0.3), st.floats(0.3, 3.0))

unary({"Tensor.__neg__": lambda x: -x, "Tensor.neg": lambda x: x.neg(), "F.neg": F.neg,
       "Tensor.__pos__": lambda x: +x * 1.0})
unary({"Tensor.__abs__": abs, "Tensor.abs": lambda x: x.abs(), "F.abs": F.abs}, away_from=(0.0,))
unary({"Tensor.exp": lambda x: x.exp(), "F.exp": F.exp})
unary({"Tensor.log": lambda x: x.log(), "F.log": F.log}, 0.1, 10.0)
unary({"Tensor.log1p": lambda x: x.log1p(), "F.log1p": F.log1p}, -0.9, 5.0)
unary({"Tensor.expm1": lambda x: x.expm1(), "F.expm1": F.expm1})
unary({"Tensor.sqrt": lambda x: x.sqrt(), "F.sqrt": F.sqrt}, 0.1, 10.0)
unary({"Tensor.rsqrt": lambda x: x.rsqrt(), "F.rsqrt": F.rsqrt}, 0.2, 5.0)
unary({"Tensor.reciprocal": lambda x: x.reciprocal(), "F.reciprocal": F.reciprocal},
      elements=_ABS_OUTSIDE)
unary({"Tensor.square": lambda x: x.square(), "F.square": F.square})
unary({"Tensor.sin": lambda x: x.sin(), "F.sin": F.sin})
unary({"Tensor.cos": lambda x: x.cos(), "F.cos": F.cos})
unary({"Tensor.tanh": lambda x: x.tanh(), "F.tanh": F.tanh})
unary({"Tensor.erf": lambda x: x.erf(), "F.erf": F.erf})
unary({"Tensor.sigmoid": lambda x: x.sigmoid(), "F.sigmoid": F.sigmoid}, -6.0, 6.0)
unary({"Tensor.relu": lambda x: x.relu(), "F.relu": F.relu}, away_from=(0.0,))
unary({"Tensor.leaky_relu": lambda x: x.leaky_relu(0.2),
       "Tensor.leaky_relu[negative_slope=]": lambda x: x.leaky_relu(negative_slope=0.05),
       "Tensor.leaky_relu[default]": lambda x: x.leaky_relu(),
       "F.leaky_relu": lambda x: F.leaky_relu(x, 0.3)}, away_from=(0.0,))
unary({"Tensor.elu": lambda x: x.elu(), "Tensor.elu[alpha]": lambda x: x.elu(0.5),
       "F.elu": lambda x: F.elu(x, 1.5)}, away_from=(0.0,))
unary({"Tensor.gelu": lambda x: x.gelu(), "F.gelu": F.gelu})
unary({"Tensor.gelu[tanh]": lambda x: x.gelu(approximate="tanh"),
       "F.gelu[tanh]": lambda x: F.gelu(x, approximate="tanh")})
unary({"Tensor.silu": lambda x: x.silu(), "F.silu": F.silu}, -6.0, 6.0)
unary({"Tensor.log_sigmoid": lambda x: x.log_sigmoid(), "F.logsigmoid": F.logsigmoid}, -6.0, 6.0)
unary({"Tensor.softplus": lambda x: x.softplus(), "F.softplus": F.softplus}, -6.0, 6.0)
# beta * x crosses the threshold (the linear branch) at x = 20 / 5 = 4
unary({"Tensor.softplus[beta,threshold]": lambda x: x.softplus(beta=5.0),
       "F.softplus[beta,threshold]": lambda x: F.softplus(x, 5.0, 20.0)}, -5.0, 6.0,
      away_from=(4.0,))


@case({"Tensor.clip": lambda x, lo, hi: x.clip(lo, hi),
       "Tensor.clamp": lambda x, lo, hi: x.clamp(min=lo, max=hi),
       "F.clip": lambda x, lo, hi: F.clip(x, lo, hi), "F.clamp": F.clamp})
def _clip(draw: Draw, form: Any) -> Any:
    lo, hi = draw(st.sampled_from([(-1.0, 1.0), (-0.5, None), (None, 0.5), (0.0, 2.0)]))
    x = arr(draw, shape_of(draw), away_from=tuple(b for b in (lo, hi) if b is not None))
    return (lambda x: form(x, lo, hi)), [x]


# -- elementwise, binary (broadcasting shapes incl. 0-d and size-1 axes) -------------------


def binary(forms: dict[str, Callable[..., Any]], make_x: Any = arr, make_y: Any = arr,
           **options: Any) -> None:
    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        sx, sy = two_shapes(draw)
        return form, [make_x(draw, sx), make_y(draw, sy)]

    case(forms, **options)(draw_fn)


binary({"Tensor.__add__": lambda x, y: x + y, "Tensor.add": lambda x, y: x.add(y),
        "F.add": F.add})
binary({"Tensor.__sub__": lambda x, y: x - y, "Tensor.sub": lambda x, y: x.sub(y),
        "Tensor.subtract": lambda x, y: x.subtract(y), "F.sub": F.sub})
binary({"Tensor.__mul__": lambda x, y: x * y, "Tensor.mul": lambda x, y: x.mul(y),
        "Tensor.multiply": lambda x, y: x.multiply(y), "F.mul": F.mul})
binary({"Tensor.__truediv__": lambda x, y: x / y, "Tensor.div": lambda x, y: x.div(y),
        "Tensor.divide": lambda x, y: x.divide(y),
        "Tensor.true_divide": lambda x, y: x.true_divide(y), "F.div": F.div},
       make_y=nonzero)
binary({"Tensor.__pow__": lambda x, y: x**y, "Tensor.pow": lambda x, y: x.pow(y),
        "F.pow": F.pow}, make_x=lambda d, s: arr(d, s, 0.3, 3.0),
       make_y=lambda d, s: arr(d, s, -2.0, 2.0))
binary({"Tensor.maximum": lambda x, y: x.maximum(y), "tinygrad_nn.maximum": tg.maximum,
        "F.maximum": F.maximum}, make_x=lambda d, s: lattice(d, s, 0.5),
       make_y=lambda d, s: lattice(d, s, 0.0))
binary({"Tensor.minimum": lambda x, y: x.minimum(y), "tinygrad_nn.minimum": tg.minimum,
        "F.minimum": F.minimum}, make_x=lambda d, s: lattice(d, s, 0.5),
       make_y=lambda d, s: lattice(d, s, 0.0))


@case({"Tensor.__pow__[scalar]": lambda x, p: x**p, "Tensor.pow[scalar]": lambda x, p: x.pow(p)})
def _pow_scalar(draw: Draw, form: Any) -> Any:
    p = draw(st.sampled_from([2, 3, 0, 1, -1, -2, 0.5, 1.5, -0.5, 2.5, np.float64(1.25)]))
    shape = shape_of(draw)
    integer = isinstance(p, int)
    x = nonzero(draw, shape) if integer else arr(draw, shape, 0.3, 3.0)
    return (lambda x: form(x, p)), [x]


# constant left operands: Python numbers and NumPy arrays (NumPy defers to Tensor)
@case({"Tensor.__radd__": lambda c, x: c + x, "Tensor.__rsub__": lambda c, x: c - x,
       "Tensor.__rmul__": lambda c, x: c * x, "Tensor.__rtruediv__": lambda c, x: c / x,
       "Tensor.__rpow__": lambda c, x: abs(c) ** x})
def _reflected(draw: Draw, form: Any) -> Any:
    sc, sx = two_shapes(draw)
    c = draw(st.one_of(st.sampled_from([2, 2.5, -1.5]), st.just(nonzero(draw, sc))))
    return (lambda x: form(c, x)), [nonzero(draw, sx, 0.3, 2.0)]


@case({"tinygrad_nn.where": tg.where, "F.where": F.where,
       "Tensor.masked_fill": lambda c, x, y: y.masked_fill(c, x),
       "F.masked_fill": lambda c, x, y: F.masked_fill(y, c, x)})
def _where(draw: Draw, form: Any) -> Any:
    sc, sx, sy = draw(tst.broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    if form is not tg.where and form is not F.where:  # masked_fill: result keeps y's shape
        sy = np.broadcast_shapes(sc, sx, sy)
        sx = ()
    cond = draw(tst.arrays(shape=sc, dtype=np.bool_))
    return (lambda x, y: form(cond, x, y)), [arr(draw, sx), arr(draw, sy)]


# -- reductions (every axis form: None, int, negative int, tuple; keepdims) ----------------


def reduction(forms: dict[str, Callable[..., Any]], values: Any = arr, min_side: int = 1,
              min_dims: int = 0, **options: Any) -> None:
    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        shape = shape_of(draw, min_dims=min_dims, min_side=min_side)
        axis, keep = reduction_args(draw, shape)
        return (lambda x: form(x, axis, keep)), [values(draw, shape)]

    case(forms, **options)(draw_fn)


def _forms(name: str, method: str, f_fn: Any = None, **extra: Any) -> dict[str, Any]:
    """Row ``name``: x.method(axis, keepdims); also x.method(dim=, keepdim=) and F.method."""
    forms = {name: lambda x, a, k: getattr(x, method)(a, k, **extra),
             f"Tensor.{method}[dim=,keepdim=]":
             lambda x, a, k: getattr(x, method)(dim=a, keepdim=k, **extra)}
    if f_fn is not None:
        forms[f"F.{method}"] = lambda x, a, k: f_fn(x, a, k, **extra)
    return forms


reduction(_forms("Tensor.sum", "sum", F.sum))
reduction(_forms("Tensor.mean", "mean", F.mean))
reduction(_forms("Tensor.var", "var", F.var), min_side=2, min_dims=1)
reduction(_forms("Tensor.var[ddof=1]", "var", F.var, ddof=1), min_side=2, min_dims=1)
reduction({"Tensor.var[correction=1]": lambda x, a, k: x.var(a, k, correction=1)},
          min_side=2, min_dims=1)
reduction(_forms("Tensor.std", "std", F.std), values=distinct, min_side=2, min_dims=1)
reduction(_forms("Tensor.std[ddof=1]", "std", F.std, ddof=1), values=distinct, min_side=2,
          min_dims=1)
reduction(_forms("Tensor.max", "max", F.max) | {"Tensor.amax": lambda x, a, k: x.amax(a, k)},
          values=distinct)
reduction(_forms("Tensor.min", "min", F.min) | {"Tensor.amin": lambda x, a, k: x.amin(a, k)},
          values=distinct)
reduction(_forms("Tensor.logsumexp", "logsumexp", F.logsumexp))


@case({"Tensor.softmax": lambda x, a: x.softmax(a), "Tensor.softmax[dim=]":
       lambda x, a: x.softmax(dim=a), "F.softmax": F.softmax})
def _softmax(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    return (lambda x: form(x, a)), [arr(draw, shape)]


case({"Tensor.log_softmax": lambda x, a: x.log_softmax(a),
      "Tensor.log_softmax[dim=]": lambda x, a: x.log_softmax(dim=a),
      "F.log_softmax": F.log_softmax})(_softmax)


# -- shape ---------------------------------------------------------------------------------


@case({"Tensor.reshape": lambda x, s: x.reshape(*s), "Tensor.reshape[tuple]":
       lambda x, s: x.reshape(s), "Tensor.view": lambda x, s: x.view(*s),
       "Tensor.view_as": lambda x, s: x.view_as(tg.zeros(*s)) if -1 not in s else x.view(s),
       "F.reshape": lambda x, s: F.reshape(x, s)})
def _reshape(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    n = math.prod(shape)
    d = draw(st.sampled_from([k for k in range(1, n + 1) if n % k == 0]))
    target = draw(st.sampled_from([(n,), (d, n // d), (d, -1), (1, n, 1), (-1,), shape[::-1]]))
    return (lambda x: form(x, target)), [arr(draw, shape)]


@case({"Tensor.flatten": lambda x, s, e: x.flatten(s, e),
       "Tensor.flatten[start_dim=]": lambda x, s, e: x.flatten(start_dim=s, end_dim=e),
       "F.flatten": F.flatten})
def _flatten(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    s, e = sorted(draw(st.lists(st.integers(0, len(shape) - 1), min_size=2, max_size=2)))
    s -= draw(st.sampled_from([0, len(shape)]))  # negative forms too
    return (lambda x: form(x, s, e)), [arr(draw, shape)]


@case({"Tensor.transpose": lambda x, p: x.transpose(*p),
       "Tensor.transpose[tuple]": lambda x, p: x.transpose(p),
       "Tensor.permute": lambda x, p: x.permute(*p), "F.transpose": lambda x, p: F.transpose(x, p),
       "F.permute": lambda x, p: F.permute(x, *p), "Tensor.T": lambda x, p: x.T,
       "Tensor.t": lambda x, p: x.t()})
def _transpose(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    p = tuple(draw(st.permutations(range(len(shape)))))
    return (lambda x: form(x, p)), [arr(draw, shape)]


@case({"Tensor.swapaxes": lambda x, a, b: x.swapaxes(a, b), "F.swapaxes": F.swapaxes})
def _swapaxes(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a, b = one_axis(draw, len(shape)), one_axis(draw, len(shape))
    return (lambda x: form(x, a, b)), [arr(draw, shape)]


@case({"Tensor.squeeze": lambda x, a: x.squeeze(a), "Tensor.squeeze[dim=]":
       lambda x, a: x.squeeze(dim=a), "F.squeeze": F.squeeze})
def _squeeze(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_dims=4, max_side=2)
    axis = draw(st.one_of(st.none(), tst.reduction_axes(shape)))
    return (lambda x: form(x, axis)), [arr(draw, shape)]


@case({"Tensor.unsqueeze": lambda x, a: x.unsqueeze(a), "F.unsqueeze": F.unsqueeze})
def _unsqueeze(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return (lambda x: form(x, axis)), [arr(draw, shape)]


@case({"Tensor.expand": lambda x, s: x.expand(*s), "Tensor.expand[tuple]":
       lambda x, s: x.expand(s), "Tensor.broadcast_to": lambda x, s: x.broadcast_to(s),
       "Tensor.expand_as": lambda x, s: x.expand_as(tg.zeros(s)) if -1 not in s else x.expand(s),
       "F.expand": lambda x, s: F.expand(x, s), "F.broadcast_to": F.broadcast_to})
def _expand(draw: Draw, form: Any) -> Any:
    target = shape_of(draw)
    (shape,) = draw(tst.broadcastable_shapes(target, num_shapes=1))
    lead = len(target) - len(shape)
    keep = [draw(st.booleans()) and n == target[lead + i] for i, n in enumerate(shape)]
    spec = target[:lead] + tuple(-1 if k else n for k, n in zip(keep, target[lead:]))
    return (lambda x: form(x, spec)), [arr(draw, shape)]


@case({"Tensor.repeat": lambda x, r: x.repeat(*r),
       "Tensor.repeat[tuple]": lambda x, r: x.repeat(r),
       "F.repeat": lambda x, r: F.repeat(x, *r)})
def _repeat(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_side=2)
    reps = tuple(draw(st.lists(st.integers(1, 2), min_size=len(shape), max_size=len(shape) + 1)))
    return (lambda x: form(x, reps)), [arr(draw, shape)]


@case({"Tensor.pad": lambda x, w, v: x.pad(w, v), "F.pad": lambda x, w, v: F.pad(x, w, value=v)})
def _pad(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    ints = st.integers(0, 2)
    width = draw(st.one_of(ints, st.tuples(ints, ints),
                           st.tuples(*[st.tuples(ints, ints) for _ in shape])))
    value = draw(st.sampled_from([0.0, 1.5]))
    return (lambda x: form(x, width, value)), [arr(draw, shape)]


@case({"Tensor.narrow": lambda x, a, s, n: x.narrow(a, s, n),
       "F.narrow": lambda x, a, s, n: F.narrow(x, a, s, n)})
def _narrow(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    start = draw(st.integers(0, shape[a] - 1))
    length = draw(st.integers(0, shape[a] - start))
    return (lambda x: form(x, a, start, length)), [arr(draw, shape)]


@case({"Tensor.split": lambda x, s, a: x.split(s, a), "Tensor.split[dim=]":
       lambda x, s, a: x.split(s, dim=a), "F.split": F.split})
def _split(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    n = shape[a]
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
    sections = [hi - lo for lo, hi in zip([0] + cuts, cuts + [n])]  # sizes adding up to n
    sizes = draw(st.one_of(st.integers(1, n), st.just(sections)))
    return (lambda x: form(x, sizes, a)), [arr(draw, shape)]


@case({"Tensor.chunk": lambda x, c, a: x.chunk(c, a), "Tensor.chunk[dim=]":
       lambda x, c, a: x.chunk(c, dim=a), "F.chunk": F.chunk})
def _chunk(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1, max_side=4)
    a = one_axis(draw, len(shape))
    chunks = draw(st.integers(1, 4))
    return (lambda x: form(x, chunks, a)), [arr(draw, shape)]


@case({"tinygrad_nn.concatenate": lambda xs, a: tg.concatenate(xs, a),
       "tinygrad_nn.cat": lambda xs, a: tg.cat(xs, dim=a), "F.concatenate": F.concatenate,
       "F.cat": lambda xs, a: F.cat(tuple(xs), a)})
def _concatenate(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    a = one_axis(draw, len(shape))
    k = draw(st.integers(1, 3))
    shapes = [shape[:a % len(shape)] + (draw(st.integers(0, 2)),) + shape[a % len(shape) + 1:]
              for _ in range(k)]
    return (lambda *xs: form(list(xs), a)), [arr(draw, s) for s in shapes]


@case({"tinygrad_nn.stack": lambda xs, a: tg.stack(xs, a),
       "tinygrad_nn.stack[dim=]": lambda xs, a: tg.stack(xs, dim=a), "F.stack": F.stack})
def _stack(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, max_dims=2)
    a = draw(st.integers(-len(shape) - 1, len(shape)))
    k = draw(st.integers(1, 3))
    return (lambda *xs: form(list(xs), a)), [arr(draw, shape) for _ in range(k)]


# -- indexing: ints, slices with steps, None, Ellipsis, integer arrays, boolean masks -------


def _basic_index(draw: Draw, shape: tuple[int, ...]) -> Any:
    items: list[Any] = []
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "all"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-n - 1, n + 1))
            step = st.sampled_from([None, 1, 2, -1, -2])
            items.append(slice(draw(bound), draw(bound), draw(step)))
        else:
            items.append(slice(None))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()):  # an Ellipsis standing for a run of axes
        i = draw(st.integers(0, len(items)))
        items[i:draw(st.integers(i, len(items)))] = [Ellipsis]
    return items[0] if len(items) == 1 and draw(st.booleans()) else tuple(items)


@case({"Tensor.__getitem__[basic]": lambda x, i: x[i]})
def _getitem_basic(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    idx = _basic_index(draw, shape)
    return (lambda x: form(x, idx)), [arr(draw, shape)]


@case({"Tensor.__getitem__[int]": lambda x, i: x[i], "Tensor.__iter__": lambda x, i: list(x)[i]})
def _getitem_int(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    i = draw(st.integers(-shape[0], shape[0] - 1))
    return (lambda x: form(x, i)), [arr(draw, shape)]


@case({"Tensor.__getitem__[integer arrays]": lambda x, i: x[i]})
def _getitem_advanced(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)

    def ints(n: int, ishape: tuple[int, ...]) -> np.ndarray:  # repeats and negative indices
        return draw(tst.arrays(shape=ishape, dtype=np.int64, elements=(-n, n - 1)))

    ishape = shape_of(draw, min_dims=1, max_dims=2)
    kind = draw(st.sampled_from(["first", "list", "tensor", "second", "pair", "mixed"]))
    if kind == "first" or len(shape) == 1 and kind in ("second", "pair", "mixed"):
        idx: Any = ints(shape[0], ishape)
    elif kind == "list":
        idx = ints(shape[0], ishape).tolist()
    elif kind == "tensor":
        idx = tg.Tensor(ints(shape[0], ishape))
    elif kind == "second":
        idx = (slice(None), ints(shape[1], ishape))
    elif kind == "pair":
        idx = (ints(shape[0], ishape), ints(shape[1], ishape[-1:]))
    else:
        idx = (ints(shape[0], ishape), slice(None, None, -1))
    return (lambda x: form(x, idx)), [arr(draw, shape)]


@case({"Tensor.__getitem__[boolean mask]": lambda x, m: x[m],
       "Tensor.__getitem__[boolean Tensor]": lambda x, m: x[tg.Tensor(m)]})
def _getitem_mask(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    mshape = shape[:draw(st.integers(1, len(shape)))]
    mask = draw(tst.arrays(shape=mshape, dtype=np.bool_))
    return (lambda x: form(x, mask)), [arr(draw, shape)]


# -- linear algebra --------------------------------------------------------------------------


@case({"Tensor.__matmul__": lambda x, w: x @ w, "Tensor.matmul": lambda x, w: x.matmul(w),
       "F.matmul": F.matmul, "Tensor.mm": lambda x, w: x.mm(w)})
def _matmul(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["1d@1d", "1d@2d", "2d@1d", "2d@2d", "batched", "nd@1d",
                                 "1d@nd"]))
    bx, bw = two_shapes(draw, max_dims=2, max_side=2) if kind in ("batched", "nd@1d",
                                                                  "1d@nd") else ((), ())
    if bx or bw:
        n, k, m = min(n, 2), min(k, 2), min(m, 2)
    sx = {"1d@1d": (k,), "1d@2d": (k,), "1d@nd": (k,)}.get(kind, bx + (n, k))
    sw = {"1d@1d": (k,), "2d@1d": (k,), "nd@1d": (k,)}.get(kind, bw + (k, m))
    return form, [arr(draw, sx), arr(draw, sw)]


@case({"Tensor.__rmatmul__": lambda c, w: c @ w})
def _rmatmul(draw: Draw, form: Any) -> Any:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    c = arr(draw, (n, k))
    return (lambda w: form(c, w)), [arr(draw, (k, m))]


EINSUM_SPECS = ["ij,jk->ik", "ij,jk", "ii->", "ii->i", "ii", "i,j->ij", "bij,bjk->bik",
                "...ij,...jk->...ik", "...ij,jk->...ik", "ij->ji", "i,i->", "ijk->kj",
                "ab,bc,cd->ad", "i->", "ij,ij->ij", "...i->...", "ij,i->j"]


@case({"tinygrad_nn.einsum": tg.einsum, "F.einsum": F.einsum,
       "tinygrad_nn.einsum[list]": lambda s, *xs: tg.einsum(s, list(xs))})
def _einsum(draw: Draw, form: Any) -> Any:
    spec = draw(st.sampled_from(EINSUM_SPECS))
    ell = shape_of(draw, max_dims=2, max_side=2)
    size = {c: draw(st.integers(1, 3)) for c in sorted(set(spec) - set(".,->"))}
    terms = spec.split("->")[0].split(",")
    shapes = [(ell if "..." in t else ()) + tuple(size[c] for c in t.replace("...", ""))
              for t in terms]
    return (lambda *xs: form(spec, *xs)), [arr(draw, s) for s in shapes]


# -- types, copies, in-place updates of non-leaf tensors -----------------------------------

LONG = np.longdouble  # a real cast that keeps float64 precision


@case({"Tensor.astype": lambda x: x.astype(LONG), "Tensor.type": lambda x: x.type(LONG),
       "Tensor.to": lambda x: x.to(LONG), "Tensor.double": lambda x: x.astype(LONG).double(),
       "Tensor.astype[same dtype]": lambda x: x.astype("float64"), "Tensor.clone":
       lambda x: x.clone(), "Tensor.contiguous": lambda x: x.contiguous(), "Tensor.cpu":
       lambda x: x.cpu(), "Tensor.to[cpu]": lambda x: x.to("cpu")})
def _cast(draw: Draw, form: Any) -> Any:
    return (lambda x: form(x) * 2.0), [arr(draw, shape_of(draw))]


# casts to float32 / float16 lose precision: linear maps, with steps far above the rounding
@case({"Tensor.float": lambda x: x.float(), "Tensor.to[float32]": lambda x: x.to("float32")},
      eps=1e-3, atol=1e-3, rtol=1e-3)
def _to_float32(draw: Draw, form: Any) -> Any:
    return (lambda x: form(x) * 2.0), [arr(draw, shape_of(draw))]


@case({"Tensor.half": lambda x: x.half()}, eps=0.25, atol=2e-2, rtol=1e-2)
def _to_half(draw: Draw, form: Any) -> Any:
    return form, [arr(draw, shape_of(draw))]


@case({"Tensor.add_": lambda z, y, m: z.add_(y), "Tensor.add_[alpha]": lambda z, y, m:
       z.add_(y, alpha=2.0), "Tensor.sub_": lambda z, y, m: z.sub_(y, alpha=0.5),
       "Tensor.mul_": lambda z, y, m: z.mul_(y), "Tensor.div_": lambda z, y, m: z.div_(y),
       "Tensor.__iadd__": lambda z, y, m: z.__iadd__(y), "Tensor.__isub__":
       lambda z, y, m: z.__isub__(y), "Tensor.__imul__": lambda z, y, m: z.__imul__(y),
       "Tensor.__itruediv__": lambda z, y, m: z.__itruediv__(y), "Tensor.clamp_":
       lambda z, y, m: z.clamp_(-1.0, 1.0), "Tensor.clip_": lambda z, y, m: z.clip_(None, 0.0),
       "Tensor.masked_fill_": lambda z, y, m: z.masked_fill_(m, 2.0),
       "Tensor.copy_": lambda z, y, m: z.copy_(y)})
def _inplace(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw)
    (sy,) = draw(tst.broadcastable_shapes(shape, num_shapes=1))
    mask = draw(tst.arrays(shape=shape, dtype=np.bool_))

    def fn(x: Any, y: Any) -> Any:
        z = x * 1.0  # a non-leaf: in-place updates are recorded
        form(z, y, mask)
        return z

    return fn, [lattice(draw, shape, 0.5), nonzero(draw, sy)]


# -- functional: layers' building blocks ---------------------------------------------------


@case({"F.linear": F.linear})
def _linear(draw: Draw, form: Any) -> Any:
    lead = shape_of(draw, max_dims=2, max_side=2)
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    xs = [arr(draw, lead + (n_in,)), arr(draw, (n_out, n_in))]
    if draw(st.booleans()):
        return form, xs + [arr(draw, (n_out,))]
    return form, xs


@case({"F.dropout": lambda x, p, seed: F.dropout(x, p),
       "F.dropout[eval]": lambda x, p, seed: F.dropout(x, p, training=False)})
def _dropout(draw: Draw, form: Any) -> Any:
    p, seed = draw(st.sampled_from([0.25, 0.5, 0.0])), draw(st.integers(0, 2**16))

    def fn(x: Any) -> Any:
        tg.manual_seed(seed)  # the same mask at every evaluation of the check
        return form(x, p, seed)

    return fn, [arr(draw, shape_of(draw))]


@case({"F.embedding": F.embedding})
def _embedding(draw: Draw, form: Any) -> Any:
    num, dim = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    idx = draw(tst.arrays(shape=shape_of(draw, max_dims=2), dtype=np.int64, elements=(0, num - 1)))
    return (lambda w: form(idx, w)), [arr(draw, (num, dim))]


# -- losses (every reduction) --------------------------------------------------------------


NO_PARAMS = st.just({})


def pair_loss(forms: dict[str, Callable[..., Any]], make_x: Any = arr, make_y: Any = arr,
              param: Any = NO_PARAMS) -> None:
    """A row for loss(x, y, reduction=r, **param) with x and y both differentiable."""

    def draw_fn(draw: Draw, form: Callable[..., Any]) -> Any:
        shape, r, kw = shape_of(draw), draw(REDUCTIONS), draw(param)
        return (lambda x, y: form(x, y, reduction=r, **kw)), [make_x(draw, shape),
                                                               make_y(draw, shape)]

    case(forms)(draw_fn)


def _lat(offset: float) -> Any:
    return lambda d, s: lattice(d, s, offset)


pair_loss({"F.mse_loss": F.mse_loss})
# x - y stays in k + [0.3, 0.7]: away from the kink of |d| at 0 and from beta, delta below
pair_loss({"F.l1_loss": F.l1_loss}, _lat(0.5), _lat(0.0))
pair_loss({"F.smooth_l1_loss": F.smooth_l1_loss}, _lat(0.5), _lat(0.0),
          st.sampled_from([{}, {"beta": 2.0}, {"beta": 0.25}, {"beta": 0.0}]))
pair_loss({"F.huber_loss": F.huber_loss}, _lat(0.5), _lat(0.0),
          st.sampled_from([{}, {"delta": 2.0}, {"delta": 0.25}]))


@case({"F.binary_cross_entropy": F.binary_cross_entropy})
def _bce(draw: Draw, form: Any) -> Any:
    shape, r = shape_of(draw), draw(REDUCTIONS)
    w = draw(st.one_of(st.none(), st.just(arr(draw, shape, 0.5, 2.0))))
    return (lambda p, y: form(p, y, weight=w, reduction=r)), [arr(draw, shape, 0.05, 0.95),
                                                             arr(draw, shape, 0.0, 1.0)]


@case({"F.binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits})
def _bce_logits(draw: Draw, form: Any) -> Any:
    shape, r = shape_of(draw, min_dims=1), draw(REDUCTIONS)
    w = draw(st.one_of(st.none(), st.just(arr(draw, shape, 0.5, 2.0))))
    xs = [arr(draw, shape, -6.0, 6.0), arr(draw, shape, 0.0, 1.0)]
    if draw(st.booleans()):  # pos_weight (per class, broadcast over the last axis)
        return (lambda z, y, pw: form(z, y, weight=w, reduction=r, pos_weight=pw)), xs + [
            arr(draw, shape[-1:], 0.5, 3.0)]
    return (lambda z, y: form(z, y, weight=w, reduction=r)), xs


def class_logits(draw: Draw) -> tuple[tuple[int, ...], int]:
    """Logit shapes (C,), (N, C) or (N, C, d) and the class count C."""
    c, n, d = draw(st.integers(2, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    return draw(st.sampled_from([(c,), (n, c), (n, c, d)])), c


def class_targets(draw: Draw, shape: tuple[int, ...], c: int, ignore: int) -> np.ndarray:
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = draw(tst.arrays(shape=tshape, dtype=np.int64, elements=(0, c - 1)))
    drop = draw(tst.arrays(shape=tshape, dtype=np.bool_))
    t = np.where(drop, ignore, t)
    if (t == ignore).all():  # keep one counted target, else the mean is 0 / 0
        t.flat[0] = 0
    return t


@case({"F.cross_entropy": F.cross_entropy})
def _cross_entropy(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    ignore = draw(st.sampled_from([-100, 1]))
    t = class_targets(draw, shape, c, ignore)
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    kw = {"weight": w, "ignore_index": ignore, "reduction": draw(REDUCTIONS),
          "label_smoothing": draw(st.sampled_from([0.0, 0.1, 0.3]))}
    return (lambda z: form(z, t, **kw)), [arr(draw, shape)]


@case({"F.cross_entropy[probabilities]": F.cross_entropy})
def _cross_entropy_probs(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    axis = 1 if len(shape) > 1 else 0
    q = arr(draw, shape, 0.1, 1.0)
    q = q / q.sum(axis, keepdims=True)
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    kw = {"weight": w, "reduction": draw(REDUCTIONS),
          "label_smoothing": draw(st.sampled_from([0.0, 0.2]))}
    return (lambda z: form(z, q, **kw)), [arr(draw, shape)]


@case({"F.nll_loss": F.nll_loss})
def _nll(draw: Draw, form: Any) -> Any:
    shape, c = class_logits(draw)
    ignore = draw(st.sampled_from([-100, 0]))
    t = class_targets(draw, shape, c, ignore)
    if (t == ignore).all():
        t.flat[0] = 1
    w = draw(st.one_of(st.none(), st.just(arr(draw, (c,), 0.5, 2.0))))
    kw = {"weight": w, "ignore_index": ignore, "reduction": draw(REDUCTIONS)}
    return (lambda logp: form(logp, t, **kw)), [arr(draw, shape)]


def _distance(x1: np.ndarray, x2: np.ndarray, p: int) -> np.ndarray:
    return (np.abs(x1 - x2 + 1e-6) ** p).sum(-1) ** (1.0 / p)


@case({"F.triplet_margin_loss": F.triplet_margin_loss})
def _triplet(draw: Draw, form: Any) -> Any:
    shape = draw(st.sampled_from([(3,), (2, 3), (3, 2)]))
    a = arr(draw, shape, -1.0, 1.0)
    # every coordinate: |pos - a| in [0.2, 0.8], |neg - a| in [1, 1.6], so |neg - pos| >= 0.2
    # and no distance is near the singular point 0 of the norm
    pos, neg = a + nonzero(draw, shape, 0.2, 0.8), a + nonzero(draw, shape, 1.0, 1.6)
    kw = {"margin": draw(st.sampled_from([0.5, 1.0, 2.0])), "p": draw(st.sampled_from([1, 2, 3])),
          "swap": draw(st.booleans()), "reduction": draw(REDUCTIONS)}
    d_ap, d_an, d_pn = (_distance(u, v, kw["p"]) for u, v in ((a, pos), (a, neg), (pos, neg)))
    if kw["swap"]:
        assume(np.all(np.abs(d_an - d_pn) > 1e-3))  # away from the tie of the minimum
        d_an = np.minimum(d_an, d_pn)
    assume(np.all(np.abs(d_ap - d_an + kw["margin"]) > 1e-3))  # away from the hinge's kink
    return (lambda a, p, n: form(a, p, n, **kw)), [a, pos, neg]


# -- the table: the core rows plus the nn layers' case files -------------------------------


def _load_case_files() -> tuple[list[OpCase], dict[str, str]]:
    """CASES from every tests/cases_*.py; import problems are recorded, not raised."""
    found: list[OpCase] = []
    errors: dict[str, str] = {}
    for path in sorted(Path(__file__).parent.glob("cases_*.py")):
        try:
            module = importlib.import_module(f"{__package__ or 'tests'}.{path.stem}")
        except Exception as e:  # test_registry_complete reports it; other rows still run
            errors[path.name] = f"import failed: {type(e).__name__}: {e}"
            continue
        rows = getattr(module, "CASES", None)
        if not isinstance(rows, (list, tuple)) or not all(
                hasattr(c, "name") and callable(getattr(c, "draw", None)) for c in rows):
            errors[path.name] = "expected a module-level CASES: list[OpCase]"
            continue
        found.extend(rows)
    return found, errors


LAYER_CASES, CASE_FILE_ERRORS = _load_case_files()
CASES: list[OpCase] = CORE + LAYER_CASES
