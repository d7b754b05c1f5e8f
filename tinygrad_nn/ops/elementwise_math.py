"""More elementwise primitives: rounding, trigonometric, hyperbolic, logarithmic, two-argument.

Why primitives and not composites (STYLE rule 6): each forward is NumPy's correctly rounded
kernel (``np.tan``, ``np.log2``, ``np.hypot`` ...), which a composite of exp/log/sin would
miss by an ulp or more, and several are the stable forms (hypot of 1e200, logaddexp of 1e4,
erfc of 10) a composite would overflow or cancel in. Backward is written with operators and
the ``dual`` functions, so it serves both paths (rule 2) and second order works.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, TensorBase, data_of, dual
from ._erfc import np_erfc, np_erfinv
from ._fma import fma
from .complex import conj_of, real_of
from .elementwise import Sqrt, Where, exp, keep_where, log, log1p, sigmoid, sign_values

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_LN2, _LN10 = math.log(2.0), math.log(10.0)

sqrt = dual(np.sqrt, Sqrt)


def _select(cond: Any, x: Any, y: Any) -> Any:
    """cond ? x : y on either path (cond an array; y an array, or a Tensor under create_graph)."""
    return Where.apply(x, y, cond=cond) if isinstance(y, TensorBase) else np.where(cond, x, y)


def _over_sqrt(g: Any, v: Any) -> Any:
    """g / sqrt(v); for a complex v PyTorch's ``g * rsqrt(v)``, which differs where v = 0:
    complex 1 / 0 is inf + NaN j, and g times that NaN + NaN j (g / 0 would be inf + NaN j)."""
    if v.dtype.kind == "c":
        with np.errstate(divide="ignore", invalid="ignore"):  # (NaN, as PyTorch, silently)
            return g * (1 / sqrt(v))
    return g / sqrt(v)


def _zeros(g: Any) -> Any:
    """The zero gradient of a step function: an array (a constant Tensor under create_graph;
    ``g * 0`` would turn an inf in ``g`` into NaN, PyTorch gives 0)."""
    return np.zeros(np.shape(g), dtype=g.dtype)


# -- piecewise constant: zero gradient (PyTorch's FloorBackward0 ...) ---------------------


class Floor(Function):
    fn: Any = staticmethod(np.floor)

    @classmethod
    def forward(cls, ctx: Any, x: Any) -> Any:  # type: ignore[override]
        return cls.fn(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (_zeros(g),)


class Ceil(Floor):
    fn = staticmethod(np.ceil)


class Trunc(Floor):
    fn = staticmethod(np.trunc)


class Sign(Floor):
    fn = staticmethod(sign_values)


class Sgn(Sign):
    """y = z / |z| (0 at 0), PyTorch's sgn (the complex sign; its own node name). A real x
    has gradient 0; a complex z PyTorch's (g - Re(g conj(y)) y) / |z| (0 at z = 0), written
    in its convention (no conjugation by the engine)."""

    conj_backward = False

    @classmethod
    def forward(cls, ctx: Any, x: Any) -> Any:  # type: ignore[override]
        y = cls.fn(x)
        if x.dtype.kind == "c":
            ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if not ctx.saved_tensors:
            return (_zeros(g),)
        x, y = ctx.saved_tensors
        a = abs(x)
        zero = data_of(a) == 0
        proj = real_of(g * conj_of(y)) * y
        return (keep_where((g - proj) / (a + zero), ~zero),)


class Round(Floor):
    """Round half to even; with ``decimals`` d, rint(x * 10^d) / 10^d (rint(x / 10^-d) *
    10^-d for d < 0), in float32 for float16 input: PyTorch's kernel, so 1e300 with d = 10
    gives inf as PyTorch's does."""

    @staticmethod
    def forward(ctx: Any, x: Any, decimals: int = 0) -> Any:  # type: ignore[override]
        if decimals == 0:
            return np.rint(x)
        xo = x.astype(np.float32) if x.dtype == np.float16 else x
        p = xo.dtype.type(10.0 ** abs(decimals))
        with np.errstate(over="ignore", invalid="ignore"):
            y = np.rint(xo * p) / p if decimals > 0 else np.rint(xo / p) * p
        return y.astype(x.dtype, copy=False)


# -- unary --------------------------------------------------------------------------------


class Tan(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * (1 + y * y),)


class Asin(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (_over_sqrt(g, 1 - x * x),)


class Acos(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (_over_sqrt(-g, 1 - x * x),)


class Atan(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g / (1 + x * x),)


class Sinh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * cosh(x),)


class Cosh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * sinh(x),)


class Asinh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (_over_sqrt(g, x * x + 1),)


class Acosh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.arccosh(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        if x.dtype.kind == "c":  # sqrt(z^2 - 1) is sqrt(z - 1) sqrt(z + 1) only off the branch
            # cut: PyTorch's (and the true) derivative is the product form; z + -1, not z - 1,
            # as PyTorch's: -2 - 0j less 1 keeps the -0 (the other side of the cut), plus -1 not
            return (_over_sqrt(_over_sqrt(g, x + 1), x + -1),)
        return (g / sqrt(x * x - 1),)


class Atanh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore"):  # atanh(+-1) = +-inf, as PyTorch
            return np.arctanh(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g / (1 - x * x),)


class Log2(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g / (x * _LN2),)


class Log10(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g / (x * _LN10),)


class Exp2(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np.exp2(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * y * _LN2,)


class Erfc(Function):
    """1 - erf(x), accurate where erf(x) is near 1; d/dx = -2/sqrt(pi) exp(-x^2)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np_erfc(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * -_TWO_OVER_SQRT_PI * exp(-(x * x)),)


class Erfinv(Function):
    """erf^-1(x); d/dx = sqrt(pi)/2 exp(y^2) with y the output."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np_erfinv(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * (1 / _TWO_OVER_SQRT_PI) * exp(y * y),)


# -- binary (operands already at one dtype; the engine un-broadcasts) ----------------------


class Atan2(Function):
    """atan2(x, y), the angle of the point (y, x); at the origin the gradient is 0 (PyTorch)."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        return np.arctan2(x, y)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        r2 = x * x + y * y
        origin = np.asarray(data_of(r2) == 0)
        scale = g / (r2 + origin) * ~origin
        gx = scale * y if ctx.needs_input_grad[0] else None
        gy = -(scale * x) if ctx.needs_input_grad[1] else None
        return gx, gy


class Hypot(Function):
    """sqrt(x^2 + y^2) without overflow (np.hypot); the gradient is (x, y) / hypot."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        out = np.hypot(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y, out = ctx.saved_tensors
        gx = g * x / out if ctx.needs_input_grad[0] else None
        gy = g * y / out if ctx.needs_input_grad[1] else None
        return gx, gy


def np_logaddexp(x: Any, y: Any) -> Any:
    """np.logaddexp, and for complex x, y (NumPy has no complex loop) PyTorch's kernel:
    max + log1p(exp(min - max)), min and max ordered by the real part (so the result keeps
    max's imaginary part, not the principal angle); NaN + NaN j where either is NaN; where
    both real parts are the same infinity, min (-inf) or log(exp(min) + exp(max)) (+inf)."""
    if np.result_type(x, y).kind != "c":
        return np.logaddexp(x, y)
    x, y = np.asarray(x), np.asarray(y)
    lo = x.real < y.real
    small, big = np.where(lo, x, y), np.where(lo, y, x)
    with np.errstate(all="ignore"):
        out = np.asarray(np.log1p(np.exp(small - big)) + big)
        inf = np.isinf(small.real) & (small.real == big.real)
        if inf.any():
            out = np.where(inf, np.where(small.real < 0, small,
                                         np.log(np.exp(small) + np.exp(big))), out)
    nan = np.isnan(x) | np.isnan(y)  # a NaN in either part of either
    return np.where(nan, np.array(complex(np.nan, np.nan), out.dtype), out)


class Logaddexp(Function):
    """log(exp(x) + exp(y)) without overflow; the gradient is sigmoid(x - y), sigmoid(y - x)."""

    fn: Any = staticmethod(np_logaddexp)
    scale = 1.0

    @classmethod
    def forward(cls, ctx: Any, x: Any, y: Any) -> Any:  # type: ignore[override]
        ctx.save_for_backward(x, y)
        ctx.scale = cls.scale
        return cls.fn(x, y)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        d = (x - y) * ctx.scale if ctx.scale != 1.0 else x - y
        gx = g * sigmoid(d) if ctx.needs_input_grad[0] else None
        gy = g * sigmoid(-d) if ctx.needs_input_grad[1] else None
        return gx, gy


class Logaddexp2(Logaddexp):
    """log2(2^x + 2^y) without overflow; the gradient is sigmoid((x - y) ln 2) and its mirror."""

    fn = staticmethod(np.logaddexp2)
    scale = _LN2


class Lerp(Function):
    """y = x + w (end - x) for a weight w (a Tensor input, or a number), rounded once as
    PyTorch's CPU kernel rounds it (a fused multiply-add: w (end - x) + x where |w| < 0.5,
    else (w - 1)(end - x) + end, exact at w = 1); a complex y as two roundings. One node,
    PyTorch's LerpBackward0 (number weight) / LerpBackward1 (tensor weight).
    dy/dx = 1 - w, dy/dend = w, dy/dw = end - x."""

    @staticmethod
    def forward(ctx: Any, x: Any, end: Any, w: Any) -> Any:
        ctx.save_for_backward(x, end, w)
        ctx.tensor_weight = type(w) is np.ndarray
        diff = end - x
        if x.dtype.kind == "c":
            small = np.abs(w) < 0.5
            return np.where(small, x + w * diff, end - diff * (1 - w))
        wd = np.asarray(w, dtype=x.dtype)  # (a number weight at x's dtype, as PyTorch's)
        small = np.abs(wd) < 0.5
        lo = fma(wd, diff, x, x.dtype)
        if np.all(small):
            return lo
        return np.where(small, lo, fma(wd - 1, diff, end, x.dtype))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, end, w = ctx.saved_tensors
        nx, nend, nw = ctx.needs_input_grad
        return ((g * (1 - w) if nx else None), (g * w if nend else None),
                (g * (end - x) if nw else None))

    def name(self) -> str:
        return "LerpBackward1" if self.__dict__.get("tensor_weight") else "LerpBackward0"


class Xlogy(Function):
    """x log(y), 0 where x == 0 (unless y is NaN). Gradients (PyTorch's): log(y), but 0 where
    x == 0 and y <= 0; and x / y."""

    _np_log, _log, _pole = staticmethod(np.log), staticmethod(log), 0.0  # (SpecialXlog1Py: log1p)

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        cls = type(ctx)  # (the node is an instance of its op: Xlogy or SpecialXlog1Py)
        y = np.asarray(y, dtype=x.dtype)  # a number operand keeps x's dtype
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = x * cls._np_log(y)
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        cls = type(ctx)
        x, y = ctx.saved_tensors
        gx = None
        if ctx.needs_input_grad[0]:
            off = np.asarray((data_of(x) == 0) & (data_of(y) <= cls._pole))  # (an array)
            gx = g * cls._log(_select(off, 1.0 + cls._pole, y)) * ~off
        gy = g * x / (y - cls._pole) if ctx.needs_input_grad[1] else None
        return gx, gy


class SpecialXlog1Py(Xlogy):
    """x log(1 + y) (log1p), 0 where x == 0 (unless y is NaN). Gradients (PyTorch's):
    log1p(y), but 0 where x == 0 and y <= -1; and x / (1 + y)."""

    _np_log, _log, _pole = staticmethod(np.log1p), staticmethod(log1p), -1.0


class Logit(Function):
    """log(z / (1 - z)), z = x clamped to [eps, 1 - eps] when eps is given. PyTorch's
    derivative (LogitBackward0): 1 / (x (1 - x)), NaN outside [0, 1] without eps, 0 outside
    [eps, 1 - eps] with it (a composite of clamp and log would give finite values there)."""

    @staticmethod
    def forward(ctx: Any, x: Any, eps: float | None = None) -> Any:
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x if eps is None else np.clip(x, eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(z / (1 - z)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        xd, eps = data_of(x), ctx.eps
        d = g / (x * (1 - x))
        if eps is None:
            return (_select(np.asarray((xd < 0) | (xd > 1)), math.nan, d),)
        return (keep_where(d, np.asarray((xd >= eps) & (xd <= 1 - eps))),)


class Heaviside(Function):
    """0 where x < 0, v where x == 0, 1 where x > 0; PyTorch defines no derivative: the
    result requires grad, and backward raises as PyTorch's does."""

    @staticmethod
    def forward(ctx: Any, x: Any, v: Any) -> Any:
        return np.where(x == 0, v, x > 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        raise RuntimeError("the derivative for 'heaviside' is not implemented.")


class Fmod(Function):
    """x - trunc(x / y) y, the sign of x (C's fmod); gradients 1 and -trunc(x / y)."""

    number = False  # the divisor was a number (set by forward)

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        if len(ctx.needs_input_grad) == 2 and ctx.needs_input_grad[1]:
            ctx.save_for_backward(np.trunc(x / y))
        ctx.number = not isinstance(y, np.ndarray)
        return np.fmod(x, y)

    def name(self) -> str:
        # PyTorch's node for a tensor divisor is FmodBackward1 (a number's: FmodBackward0)
        return "FmodBackward0" if self.number else "FmodBackward1"

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if len(ctx.needs_input_grad) == 1:  # a number divisor: an option, not an input
            return (g,)
        gy = None
        if ctx.needs_input_grad[1]:
            (q,) = ctx.saved_tensors
            gy = -(g * q)
        return (g if ctx.needs_input_grad[0] else None), gy


class Remainder(Fmod):
    """x - floor(x / y) y, the sign of y (Python's %, PyTorch's remainder); gradients 1 and
    -floor(x / y)."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        if len(ctx.needs_input_grad) == 2 and ctx.needs_input_grad[1]:
            ctx.save_for_backward(np.floor_divide(x, y))
        ctx.number = not isinstance(y, np.ndarray)
        r = np.remainder(x, y)
        if r.dtype.kind == "f":  # a zero has x's sign (PyTorch's fmod-based kernel), not y's
            r = np.where(r == 0, np.copysign(r, x), r)
        return r

    def name(self) -> str:
        return "RemainderBackward0" if self.number else "RemainderBackward1"


class DivRounded(Function):
    """x / y rounded towards zero ('trunc') or down ('floor', exact as Python's //):
    piecewise constant, so zero gradients (PyTorch's div with rounding_mode)."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, mode: str = "trunc") -> Any:
        q = np.floor_divide(x, y)
        if mode == "floor":
            return q
        if q.dtype.kind in "iu":  # floor -> trunc where the exact quotient is negative
            return q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0)))
        return np.trunc(x / y)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return tuple(_zeros(g) if need else None for need in ctx.needs_input_grad)


class Fmax(Function):
    """max ignoring NaN (np.fmax); the gradient goes to x where x >= y or y is NaN, else to y
    (PyTorch's rule: a tie goes to x, not half to each as ``maximum``)."""

    pick = staticmethod(np.fmax)
    wins = staticmethod(np.greater_equal)

    @classmethod
    def forward(cls, ctx: Any, x: Any, y: Any) -> Any:  # type: ignore[override]
        ctx.save_for_backward(cls.wins(x, y) | np.isnan(y))
        return cls.pick(x, y)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (to_x,) = ctx.saved_tensors
        gx = g * to_x if ctx.needs_input_grad[0] else None
        gy = g * ~to_x if ctx.needs_input_grad[1] else None
        return gx, gy


class Fmin(Fmax):
    """min ignoring NaN (np.fmin); the gradient goes to x where x <= y or y is NaN, else to y."""

    pick = staticmethod(np.fmin)
    wins = staticmethod(np.less_equal)


class Copysign(Function):
    """|x| with the sign of y; gradient sign agreement (0 at x == 0) for x, 0 for y."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        out = np.copysign(x, y)
        if ctx.needs_input_grad[0]:
            with np.errstate(invalid="ignore", divide="ignore"):
                ctx.save_for_backward(np.where(x == 0, 0, out / x).astype(x.dtype, copy=False))
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        gx = None
        if ctx.needs_input_grad[0]:
            (s,) = ctx.saved_tensors
            gx = g * s
        return gx, (_zeros(g) if ctx.needs_input_grad[1] else None)


tan = dual(np.tan, Tan)
sinh = dual(np.sinh, Sinh)
cosh = dual(np.cosh, Cosh)

__all__ = [
    "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atan2", "Atanh", "Ceil", "Copysign", "Cosh",
    "Heaviside", "Erfc", "Erfinv", "Exp2", "Fmax", "Fmin", "Floor", "Fmod", "Hypot", "Log10",
    "Log2",
    "Logaddexp", "Logaddexp2", "Remainder", "DivRounded", "Round", "Sgn", "Sign", "Sinh",
    "Tan", "Trunc", "Xlogy",
]
