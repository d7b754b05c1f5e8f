"""Linear-algebra primitives: matmul with NumPy's rules, and einsum."""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from .._shapes import ShapeError
from ..engine import LazyGrad
from ..function import Function, TensorBase


def matmul2d(a: Any, b: Any) -> Any:
    """a @ b; for 2-D arrays with a transposed right operand and a wide result, computed
    as (b.T @ a.T).T: OpenBLAS is up to 2x faster with the transpose on the left there
    (measured: (16,128) @ W.T with W (512,128), and dZ @ X.T in the 4-layer net)."""
    if (
        type(b) is np.ndarray
        and b.ndim == 2
        and a.ndim == 2
        and b.flags.f_contiguous
        and not b.flags.c_contiguous
        and a.shape[0] < b.shape[1]
    ):
        return np.ascontiguousarray((b.T @ a.T).T)
    return a @ b


class MatMul(Function):
    """y = x @ w with NumPy's 1-D, 2-D and batched (broadcast) rules."""

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any) -> Any:
        if x.ndim == 0 or w.ndim == 0:
            raise ShapeError(
                f"matmul: both operands need at least 1 dimension, "
                f"got shapes {x.shape} and {w.shape}"
            )
        k1 = x.shape[-1]
        k2 = w.shape[-2] if w.ndim > 1 else w.shape[0]
        if k1 != k2:
            raise ShapeError(
                f"matmul: shapes {x.shape} and {w.shape} do not multiply "
                f"(inner dimensions {k1} and {k2} differ)"
            )
        ctx.save_for_backward(x, w)
        try:
            return matmul2d(x, w)
        except ValueError:
            raise ShapeError(
                f"matmul: shapes {x.shape} and {w.shape} do not multiply (their batch axes "
                f"{x.shape[:-2]} and {w.shape[:-2]} do not broadcast)"
            ) from None

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, w = ctx.saved_tensors
        xv = x.reshape((1, x.shape[0])) if x.ndim == 1 else x  # row vector
        wv = w.reshape((w.shape[0], 1)) if w.ndim == 1 else w  # column vector
        if x.ndim == 1:
            g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if w.ndim > 1 else g.reshape((1,))
        if w.ndim == 1:
            g = g.reshape(g.shape + (1,))
        need_x, need_w = ctx.needs_input_grad
        gx, gw = _product_grads(need_x, need_w, xv, wv, g, lazy=x.ndim == 2 and w.ndim == 2)
        if gx is not None and x.ndim == 1:
            gx = gx.reshape(gx.shape[:-2] + gx.shape[-1:])
        if gw is not None and w.ndim == 1:
            gw = gw.reshape(gw.shape[:-1])
        return gx, gw


def _product_grads(need_x: bool, need_w: bool, x: Any, w: Any, g: Any,
                   lazy: bool = True) -> tuple[Any, Any]:
    """(dL/dx, dL/dw) of y = x @ w (at least 2-D each) from g = dL/dy; None where not needed.

    With ``lazy`` and 2-D operands, a gradient is an ``OuterGrad`` (the caller must not
    reshape it) laid out in memory like its operand: dL/dx = g @ w.T as (g.T).T @ w.T
    (only for arrays: under create_graph it is recorded as it is written). For speed: the
    engine hands a lazy gradient's product to a leaf as its ``.grad`` without a copy, and
    the weight of a Linear layer (used as W.T, F-ordered) gets a gradient that is
    C-ordered once transposed back (a plain copy, not a transposing one).
    """
    two_d = lazy and x.ndim == 2 and w.ndim == 2
    gx: Any = None
    if need_x:
        gx = (OuterGrad(g.T, w.T, _f_ordered(x)) if two_d and type(g) is np.ndarray
              else matmul2d(g, w.swapaxes(-1, -2)))
    gw: Any = None
    if need_w:
        # for speed: kept as (x, g); a weight used at many steps gets one product
        gw = OuterGrad(x, g, _f_ordered(w)) if two_d else matmul2d(x.swapaxes(-1, -2), g)
    return gx, gw


class Bmm(MatMul):
    """``x.bmm(y)``: (b, n, k) @ (b, k, m) (PyTorch's BmmBackward0; ``matmul`` of 3-D
    operands records a view of a folded product there, so it keeps MatMul's name here)."""


def _f_ordered(a: Any) -> bool:
    """True for an F-ordered (transposed) 2-D array, such as W.T of a C-ordered W."""
    return type(a) is np.ndarray and a.flags.f_contiguous and not a.flags.c_contiguous


class OuterGrad(LazyGrad):
    """sum_i x_i.T @ g_i kept as pairs: a weight used at T steps (an RNN's W_hh) gets its
    gradient from ONE stacked product instead of T small ones and T additions.

    ``f_order``: the product is computed as (g.T @ x).T, F-ordered like the operand it is
    the gradient of (OpenBLAS is also faster this way round for x.T @ g with wide x)."""

    __slots__ = ("pairs", "f_order")

    def __init__(self, x: Any, g: Any, f_order: bool = False) -> None:
        self.pairs = [(x, g)]
        self.f_order = f_order
        self.shape = (x.shape[1], g.shape[1])
        self.dtype = x.dtype if x.dtype == g.dtype else np.result_type(x.dtype, g.dtype)

    def dense(self) -> Any:
        if len(self.pairs) == 1:  # arrays, or Tensors under create_graph (never merged)
            x, g = self.pairs[0]
        else:
            x = np.concatenate([p[0] for p in self.pairs])
            g = np.concatenate([p[1] for p in self.pairs])
        # (matmul2d: a wide x.T @ g with g F-ordered, as dZ @ X.T for the first layer, runs
        # as (g.T @ x).T copied to C order, 1.5x faster there)
        return (g.T @ x).T if self.f_order else matmul2d(x.T, g)

    def merge(self, other: Any) -> bool:
        if type(other) is OuterGrad and other.dtype == self.dtype:
            self.pairs.extend(other.pairs)
            return True
        return False


class AddMM(Function):
    """y = beta * c + alpha * (a @ b) for 2-D a (n, k) and b (k, m), c broadcast to (n, m).

    One node for "input projection plus bias" (a Linear layer) and "x_t-part plus
    h @ W_hh.T" (a recurrent step): the product's fresh array takes the sum in place.
    """

    @staticmethod
    def forward(ctx: Any, c: Any, a: Any, b: Any, beta: float = 1.0, alpha: float = 1.0) -> Any:
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(a, b)
        y = matmul2d(a, b)
        if alpha != 1:
            y *= alpha
        if beta == 0:  # c is ignored, NaN and inf in it included (PyTorch's rule)
            return y if np.result_type(y, c) == y.dtype else y.astype(np.result_type(y, c))
        if beta != 1:
            c = c * beta
        if c.dtype == y.dtype:
            y += c  # into the product's own fresh array (the caller checked c broadcasts to y)
            return y
        return y + c  # NumPy's promotion decides the dtype

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_c, need_a, need_b = ctx.needs_input_grad
        gc = (g * ctx.beta if ctx.beta != 1 else g) if need_c else None
        if ctx.alpha != 1:
            g = g * ctx.alpha
        ga, gb = _product_grads(need_a, need_b, a, b, g)
        return gc, ga, gb


def parse_einsum(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Explicit per-operand subscripts and output, with '...' expanded to letters. A
    malformed equation is PyTorch's RuntimeError (``ShapeError``, also a ValueError)."""
    spec = subscripts.replace(" ", "")
    ins, arrow, out_given = spec.partition("->")
    out: str | None = out_given if arrow else None
    for i, c in enumerate(spec):
        if not (c in string.ascii_letters or c in ".,"
                or c == "-" and spec[i:i + 2] == "->" and i == len(ins)
                or c == ">" and i == len(ins) + 1):
            raise ShapeError(f"einsum(): invalid subscript given at index {i} in the equation "
                             f"string '{subscripts}', subscripts must be in [a-zA-Z]")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ShapeError(
            f"einsum(): '{subscripts}' names {len(terms)} operand(s) but {len(shapes)} were "
            "given")
    used = set(spec) - set(".,->")
    spare = [c for c in string.ascii_letters if c not in used]
    ell_nd = max((len(s) - (len(t) - 3) for t, s in zip(terms, shapes) if "..." in t), default=0)
    ell = "".join(spare[:ell_nd])
    full = []
    for t, s in zip(terms, shapes):
        if "..." in t:
            n = len(s) - (len(t) - 3)
            t = t.replace("...", ell[ell_nd - n :] if n else "")
        if len(t) != len(s):
            raise ShapeError(
                f"einsum(): the number of subscripts in the equation ({len(t)}) does not match "
                f"the number of dimensions ({len(s)}) of an operand of shape {tuple(s)}")
        full.append(t)
    if out is None:
        letters = "".join(full)
        out = ell + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell)
        )
    else:
        out = out.replace("...", ell)
        for c in out:
            if out.count(c) > 1:
                raise ShapeError(f"einsum(): output subscript {c} appears more than once in "
                                 "the output")
            if not any(c in t for t in full):
                raise ShapeError(f"einsum(): output subscript {c} does not appear in the "
                                 "equation for any input operand")
    return full, out


def _np_einsum(spec: str, *ops: Any) -> Any:
    return np.einsum(spec, *ops, optimize=len(ops) > 2)


class Einsum(Function):
    """y = einsum(spec, *xs) for explicit subscripts (see ``parse_einsum``)."""

    @staticmethod
    def forward(ctx: Any, *xs: Any, terms: tuple[str, ...] = (), out: str = "") -> Any:
        ctx.terms, ctx.out = terms, out
        ctx.save_for_backward(*xs)
        return _np_einsum(",".join(terms) + "->" + out, *xs)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        xs = ctx.saved_tensors
        return tuple(
            _einsum_grad(ctx.terms, ctx.out, xs, g, k) if need else None
            for k, need in enumerate(ctx.needs_input_grad)
        )


def _einsum_grad(terms: tuple[str, ...], out: str, xs: Any, g: Any, k: int) -> Any:
    """Gradient for operand k: one einsum of g with the other operands.

    Letters of operand k that appear nowhere else are broadcast with a ones vector;
    a repeated letter (a diagonal, as in 'ii') gets a fresh letter and an identity.
    """
    target = terms[k]
    used = set("".join(terms) + out)
    spare = iter(c for c in string.ascii_letters if c not in used)
    specs = [out] + [t for i, t in enumerate(terms) if i != k]
    ops = [g] + [x for i, x in enumerate(xs) if i != k]
    avail = set("".join(specs))
    dtype = xs[k].dtype
    shape = xs[k].shape
    res = []
    seen: dict[str, int] = {}
    for pos, c in enumerate(target):
        n = shape[pos]
        if c in seen:
            fresh = next(spare)
            specs.append(c + fresh)
            ops.append(np.eye(n, dtype=dtype))
            res.append(fresh)
            continue
        seen[c] = pos
        if c not in avail:
            specs.append(c)
            ops.append(np.ones(n, dtype=dtype))
            avail.add(c)
        res.append(c)
    return einsum_call(",".join(specs) + "->" + "".join(res), *ops)


def einsum_call(spec: str, *ops: Any) -> Any:
    """einsum on arrays (fast path), or recorded when any operand is a Tensor."""
    if any(isinstance(o, TensorBase) for o in ops):
        ins, out = spec.split("->")
        return Einsum.apply(*ops, terms=tuple(ins.split(",")), out=out)
    return _np_einsum(spec, *ops)
