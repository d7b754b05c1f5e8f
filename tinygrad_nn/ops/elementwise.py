"""Elementwise primitives: forward and backward side by side.

Backward returns the gradient at the broadcast shape; the engine sums it back to
each input's shape (un-broadcasting happens once, centrally). Saved values that are
not inputs or outputs (masks, signs) are constants, which is exact where they are
piecewise constant.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, TensorBase, data_of, dual
from ._erf import np_erf

_SQRT_2_OVER_PI = 2.0 / math.sqrt(math.pi)

# 1 as a read-only 0-d array of each float dtype: NumPy combines it with an array of that dtype
# ~2,500 instructions faster than the Python int 1 (no conversion of a weak scalar), with
# the same result. Only for arrays: a Tensor (create_graph) gets the int.
_ONES = {np.dtype(t): np.ones((), t) for t in (np.float16, np.float32, np.float64)}
for _one in _ONES.values():
    _one.flags.writeable = False


def one_of(x: Any) -> Any:
    """The number 1 for arithmetic with ``x``: a 0-d array of its dtype for a float array."""
    return _ONES.get(x.dtype, 1) if type(x) is np.ndarray else 1



class Add(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        return x + y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, g


class Sub(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        return x - y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        gx, gy = ctx.needs_input_grad  # keep x only for y's gradient (x * 2.0 keeps no x)
        if gx or gy:  # (unrecorded, as lr * grad in an update: nothing to keep)
            ctx.save_for_backward(x if gy else None, y if gx else None)
        return x * y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        gx, gy = ctx.needs_input_grad
        return (g * y if gx else None), (g * x if gy else None)


class Div(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        return x / y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        gx = g / y if ctx.needs_input_grad[0] else None
        gy = -(g * x) / (y * y) if ctx.needs_input_grad[1] else None
        return gx, gy


class Neg(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return -x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (-g,)


# PyTorch's shortcuts for a complex base and these number exponents (its scalar kernel)
_COMPLEX_POWERS: dict[Any, Any] = {
    2: lambda x: x * x, 3: lambda x: x * x * x, -2: lambda x: 1 / (x * x), 1: np.copy,
    0.5: np.sqrt, -0.5: lambda x: 1 / np.sqrt(x), -1: lambda x: 1 / x,
    0: lambda x: np.ones_like(x)}


def complex_operands(x: Any, p: Any) -> bool:
    """Whether x or p (arrays or numbers) is complex: two type reads on the real path."""
    tx, tp = type(x), type(p)
    if tx is np.ndarray and tp is not np.ndarray and tp is not complex:
        return x.dtype.kind == "c" or isinstance(p, np.complexfloating)  # type: ignore[no-any-return]
    return (tx is complex or tp is complex or isinstance(x, np.complexfloating)
            or isinstance(p, np.complexfloating)
            or tx is np.ndarray and x.dtype.kind == "c" or tp is np.ndarray and p.dtype.kind == "c")


def _complex_power(x: Any, p: Any) -> Any:
    """x ** p with a complex result, as PyTorch computes it: C's cpow, exp(p log x), for a
    Tensor exponent and most numbers (NumPy multiplies out an integer power, and gives
    0 ** 0 = 1 where cpow gives NaN), the shortcuts above for those numbers."""
    dt = np.result_type(x, p)
    if type(p) is not np.ndarray and p in _COMPLEX_POWERS:
        return np.asarray(_COMPLEX_POWERS[p](np.asarray(x, dt))).astype(dt, copy=False)
    with np.errstate(all="ignore"):  # log 0 = -inf: PyTorch's inf / NaN results
        return np.asarray(np.exp(p * np.log(np.asarray(x, dt)))).astype(dt, copy=False)


class Pow(Function):
    """x ** p for a constant or Tensor exponent p (a number p is an option, not an input:
    PyTorch's PowBackward0 has one)."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        if x.dtype == np.bool_:  # PyTorch: a bool base takes only a number exponent
            if type(y) is np.ndarray:
                raise NotImplementedError('"pow" not implemented for \'Bool\'')
            return np.power(x, y).astype(np.bool_)  # (not NumPy's int8)
        p = y  # (the exponent is named y, as every binary op's second operand)
        y = _complex_power(x, p) if complex_operands(x, p) else x**p
        if type(p) is np.ndarray:  # PyTorch's node: PowBackward1 for a Tensor exponent,
            ctx._overload = 1 if type(x) is np.ndarray else 2  # 2 for a number's power
        ctx.save_for_backward(x, p, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, p, y = ctx.saved_tensors
        gx = None
        if ctx.needs_input_grad[0]:
            if isinstance(p, (int, float, np.number)):  # a scalar exponent keeps x's dtype
                gx = g * p * x ** (p - 1) if p != 0 else g * 0.0  # x**0: 0, not 0 * inf at 0
            else:  # where x == 0 and p == 0 the exponent becomes 0: 0 * 1, not 0 * inf
                gx = g * p * x ** ((p - 1) + (p == 0) * (x == 0))
        if len(ctx.needs_input_grad) == 1:  # a number exponent: an option, not an input
            return (gx,)
        gp = None
        if ctx.needs_input_grad[1]:
            # d/dp x**p = x**p log x; PyTorch's convention makes it 0 where x == 0
            gp = g * y * log(one_at_zero(x))
        return gx, gp


def one_at_zero(x: Any) -> Any:
    """x with its zeros replaced by 1 (log x is then 0 there) and every other entry untouched:
    x + (x == 0) would add +0 to a complex -2 - 0j, moving it across log's branch cut."""
    if isinstance(x, TensorBase):
        return Where.apply(np.ones((), x.dtype), x, cond=data_of(x) == 0)
    if type(x) is np.ndarray:
        return np.where(x == 0, 1, x)
    return x + 1 if x == 0 else x  # a number (a number's power): its own type


class Cast(Function):
    """x.astype(dtype), always a copy (also ``clone``); the gradient is cast back."""

    in_dtype: Any  # (set by forward)

    @staticmethod
    def forward(ctx: Any, x: Any, dtype: Any) -> Any:
        ctx.in_dtype = x.dtype
        return x.astype(dtype, copy=True)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if g.dtype.kind == "c" and ctx.in_dtype.kind != "c":  # a real x gets Re(g), as
            g = g.real  # PyTorch's (NumPy's cast would warn that it drops Im)
        return (g.astype(ctx.in_dtype),)

    def name(self) -> str:
        # PyTorch's node: CloneBackward0 for clone(), ToCopyBackward0 for a dtype change
        return "CloneBackward0" if self.in_dtype == self.out_dtype else "ToCopyBackward0"


class Exp(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * y,)


class Log(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g / x,)


class Log1p(Function):
    """log(1 + x), accurate for small x (a primitive for numerical stability)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g / (x + 1),)


class Expm1(Function):
    """exp(x) - 1, accurate for small x (a primitive for numerical stability)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * (y + 1),)


class Sqrt(Function):
    """sqrt(x); with ``zero_at_zero`` the gradient at x = 0 is 0, not inf (std's convention)."""

    @staticmethod
    def forward(ctx: Any, x: Any, zero_at_zero: bool = False) -> Any:
        y = np.sqrt(x)
        ctx.save_for_backward(y)
        ctx.zero_at_zero = zero_at_zero
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        if ctx.zero_at_zero:
            zero = y == 0
            return (g * 0.5 / (y + zero) * ~zero,)
        return (g * 0.5 / y,)


class Sin(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * cos(x),)


class Cos(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (-(g * sin(x)),)


class Tanh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * (one_of(y) - y * y),)


# below -limit, exp(-x) overflows to inf (the sigmoid is then exactly 0, but NumPy warns)
_EXP_LIMIT = {np.dtype(np.float16): 11.0, np.dtype(np.float32): 88.0}


def _np_sigmoid(x: Any) -> Any:
    # 1 / (1 + exp(-x)) is accurate everywhere (no cancellation, exact limit 0 from inf);
    # the errstate guard costs more than the sigmoid, so it is only paid when needed
    if x.size and not np.minimum.reduce(x, axis=None) >= -_EXP_LIMIT.get(x.dtype, 700.0):
        with np.errstate(over="ignore"):
            e = np.exp(-x)
    else:
        e = np.exp(-x)
    if type(e) is not np.ndarray:  # a 0-d input gives a NumPy scalar
        return 1 / (1 + e)
    e += _ONES.get(e.dtype, 1)
    return np.reciprocal(e, out=e)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = _np_sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * y * (one_of(y) - y),)


class ReLU(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        # max(0, x), not x * mask: -1 gives +0.0 (not -0.0) and -inf gives 0 (not NaN), as
        # in PyTorch; NaN stays NaN, and -0.0 (equal to 0: the second operand) stays -0.0
        y = np.maximum(x.dtype.type(0), x)
        # PyTorch's threshold rule, not (x <= 0), read off y in one op: NaN passes the
        # gradient, x <= 0 (y is +-0) blocks it
        ctx.save_for_backward(y != 0)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (mask,) = ctx.saved_tensors
        return (g * mask,)


def sign_values(x: Any) -> Any:
    """-1, 0 or 1 per element, and 0 at NaN (PyTorch's sign; NumPy's gives NaN)."""
    s = np.sign(x)
    if s.dtype.kind in "fc" and np.isnan(s).any():
        return np.nan_to_num(s, nan=0.0)
    return s


class Abs(Function):
    """|x|; the gradient is g sign(x) (0 at 0), for a complex z PyTorch's g z / |z|, kept
    differentiable in z (the real sign is piecewise constant: saved as one)."""

    cplx = False  # (set on a node of a complex input)

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        if x.dtype.kind == "c":
            ctx.cplx = True
            ctx.save_for_backward(x)
        else:
            ctx.save_for_backward(sign_values(x))
        return np.abs(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (s,) = ctx.saved_tensors
        if not ctx.cplx:
            return (g * s,)
        a = abs(s)  # (|z|: recorded under create_graph, so the result stays differentiable)
        zero = data_of(a) == 0
        return (keep_where(g * s / (a + zero), ~zero),)


class Erf(Function):
    """The error function; d/dx erf(x) = 2/sqrt(pi) exp(-x^2)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np_erf(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * _SQRT_2_OVER_PI * exp(-(x * x)),)


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold (PyTorch's form)."""

    @staticmethod
    def forward(ctx: Any, x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
        bx = x * beta
        linear = bx > threshold
        ctx.save_for_backward(x, linear)
        ctx.beta = beta
        return np.where(linear, x, np.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, linear = ctx.saved_tensors
        return (g * (sigmoid(x * ctx.beta) * ~linear + linear),)


class Clip(Function):
    """min(max(x, lo), hi); gradient 1 where lo <= x <= hi (PyTorch's clamp)."""

    _overload = 1  # PyTorch's clamp with number bounds: ClampBackward1

    @staticmethod
    def forward(ctx: Any, x: Any, lo: Any = None, hi: Any = None) -> Any:
        mask = (x >= lo) if lo is not None else True  # bounds may broadcast x up (PyTorch)
        if hi is not None:
            mask = mask & (x <= hi)
        ctx.save_for_backward(mask)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (mask,) = ctx.saved_tensors
        return (g * mask,)


class ClampMin(Clip):
    """max(x, lo): ``x.clamp_min(number)`` (PyTorch's ClampMinBackward0)."""

    _overload = 0


class ClampMax(Clip):
    """min(x, hi): ``x.clamp_max(number)`` (PyTorch's ClampMaxBackward0)."""

    _overload = 0


class ClipTensors(Function):
    """min(max(x, lo), hi) for Tensor bounds (either may be None), with PyTorch's
    clamp_backward_min_max: x gets g where lo <= x <= hi, lo where x < lo < hi, hi where
    x > hi or hi < lo. A primitive, not a select composite: a NaN bound gives a NaN value
    while the masks may still route the gradient to the other bound (as PyTorch)."""

    @staticmethod
    def forward(ctx: Any, x: Any, lo: Any, hi: Any) -> Any:
        if lo is None:
            out, masks = np.minimum(x, hi), (x <= hi, None, x > hi)
        elif hi is None:
            out, masks = np.maximum(x, lo), (x >= lo, x < lo, None)
        else:
            out = np.minimum(np.maximum(x, lo), hi)
            masks = ((x >= lo) & (x <= hi), (x < lo) & (lo < hi), (x > hi) | (hi < lo))
        ctx.save_for_backward(*masks)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return tuple(None if m is None or not need else g * m
                     for m, need in zip(ctx.saved_tensors, ctx.needs_input_grad))


class Maximum(Function):
    """Elementwise max; a tie sends half the gradient to each side (as PyTorch)."""

    pick = staticmethod(np.maximum)
    wins = staticmethod(np.greater)

    @classmethod
    def forward(cls, ctx: Any, x: Any, y: Any) -> Any:  # type: ignore[override]
        ctx.save_for_backward(cls.wins(x, y) + 0.5 * (x == y))  # x's share of the gradient
        return cls.pick(x, y)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (wx,) = ctx.saved_tensors
        gx = g * wx if ctx.needs_input_grad[0] else None
        gy = g * (1 - wx) if ctx.needs_input_grad[1] else None
        return gx, gy


class Minimum(Maximum):
    """Elementwise min; a tie sends half the gradient to each side (as PyTorch)."""

    pick = staticmethod(np.minimum)
    wins = staticmethod(np.less)


class Where(Function):
    """cond ? x : y with a constant boolean cond, an option (PyTorch's WhereBackward0 has
    the inputs x and y only)."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, *, cond: Any) -> Any:
        ctx.save_for_backward(cond)
        return np.where(cond, x, y)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (cond,) = ctx.saved_tensors
        # g where the branch was taken, else 0 (not g * cond: an inf or NaN in g from
        # the other branch would give NaN, as in where(x > 0, x, 0).log()'s backward)
        gx = keep_where(g, cond) if ctx.needs_input_grad[0] else None
        gy = keep_where(g, ~cond) if ctx.needs_input_grad[1] else None
        return gx, gy


class MaskedFill(Function):
    """``x.masked_fill(mask, value)`` = where(mask, value, x), x first (PyTorch's
    MaskedFillBackward0: a number ``value`` is an option and x the only input;
    MaskedFillBackward1: a 0-d Tensor ``v`` is the second input)."""

    @staticmethod
    def forward(ctx: Any, x: Any, v: Any = None, *, cond: Any, value: Any = None) -> Any:
        ctx.save_for_backward(cond)
        return np.where(cond, value if v is None else v, x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (cond,) = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = keep_where(g, ~cond) if need[0] else None
        if len(need) == 1:
            return (gx,)
        return gx, (keep_where(g, cond) if need[1] else None)


class IndexFill(MaskedFill):
    """``x.index_fill(dim, index, value)`` = where(selected slices, value, x) (PyTorch's
    IndexFillBackward0)."""


class Tril(Function):
    """``x.tril(k)`` = where(lower-triangle mask, x, 0); the mask is an option (PyTorch's
    TrilBackward0 has the one input x)."""

    @staticmethod
    def forward(ctx: Any, x: Any, *, cond: Any) -> Any:
        ctx.save_for_backward(cond)
        return np.where(cond, x, x.dtype.type(0))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (cond,) = ctx.saved_tensors
        return (keep_where(g, cond),)


class Triu(Tril):
    """``x.triu(k)`` = where(upper-triangle mask, x, 0) (PyTorch's TriuBackward0)."""


def _keep_where(x: Any, mask: Any) -> Any:
    return np.where(mask, x, x.dtype.type(0))


class KeepWhere(Function):
    """y = x where ``mask`` else 0, for a constant boolean mask (``Where``'s gradient)."""

    @staticmethod
    def forward(ctx: Any, x: Any, mask: Any) -> Any:
        ctx.mask = mask
        return _keep_where(x, mask)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (keep_where(g, ctx.mask),)


keep_where = dual(_keep_where, KeepWhere, "mask")


class NanToZero(Function):
    """y = x with NaN entries 0; gx = g * (x is not NaN), PyTorch's ``nansum`` rule (so a
    NaN or inf in g gives NaN at the NaN entries, where ``where``'s gradient gives 0)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        keep = ~np.isnan(x)
        ctx.keep = keep.astype(x.dtype)
        return _keep_where(x, keep)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g * ctx.keep,)


exp = dual(np.exp, Exp)
log = dual(np.log, Log)
log1p = dual(np.log1p, Log1p)
sin = dual(np.sin, Sin)
cos = dual(np.cos, Cos)
sigmoid = dual(_np_sigmoid, Sigmoid)
# max(x, lo): np.clip's value (NaN included), at a fraction of its wrapper's cost
clamp_min = dual(np.maximum, Clip, "lo")
