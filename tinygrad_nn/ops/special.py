"""Gamma-function primitives: ``lgamma`` (log |Gamma(x)|), ``digamma`` (psi = lgamma') and
``polygamma(n, x)`` (the n-th derivative of psi), in NumPy (no SciPy): each derivative is the
next polygamma, so gradients of every order come from one op.

psi^(n) is computed in float64 by the recurrence psi^(n)(x) = psi^(n)(x + 1) - (-1)^n n! /
x^(n+1) up to x >= 10, then the asymptotic series (Bernoulli numbers B2 .. B14; error below
1e-16 relative there); digamma and trigamma of x < 0.5 use the reflection formulas
(psi(x) = psi(1 - x) - pi cot(pi x), psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x)). At the poles
(0, -1, -2 ...): digamma is -inf at +0 (+inf at -0) and NaN at the negative integers,
polygamma(n >= 1) is +inf for odd n and -inf for even n (PyTorch's values at 0); at +inf,
polygamma(n >= 2) is NaN, as PyTorch's zeta-based kernel gives.

Below them, the primitives of ``tinygrad_nn.special`` (i0e, i1, i1e, erfcx, log_ndtr, ndtri,
entr, zeta, the incomplete gamma functions) on the NumPy kernels of ``_special_np.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, TensorBase, data_of, dual
from ._erfc import np_erfcx
from ._special_np import (
    np_gammainc,
    np_i0,
    np_i0e,
    np_i1,
    np_i1e,
    np_log_ndtr,
    np_ndtri,
    np_zeta,
)
from ._special_np import np_lgamma as _np_lgamma
from .elementwise import exp, keep_where, log

_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)  # B2, B4 .. B14


def _asymptotic(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) for x >= 10 by its asymptotic series."""
    if n == 0:
        out = np.log(x) - 0.5 / x
        for k, b in enumerate(_BERNOULLI, start=1):
            out = out - b / (2 * k * x ** (2 * k))
        return out
    total = math.factorial(n - 1) / x ** n + math.factorial(n) / (2 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        total = total + b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k)
                                                           * x ** (2 * k + n))
    return (-1) ** (n + 1) * total


def _shifted(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) by the recurrence up to x >= 10, then the series (finite, non-pole x)."""
    x = x.copy()
    acc = np.zeros_like(x)
    sign_fact = (-1) ** n * math.factorial(n)
    while True:
        low = x < 10
        if not low.any():
            break
        acc = acc - np.where(low, sign_fact / np.where(low, x, 1.0) ** (n + 1), 0.0)
        x = np.where(low, x + 1, x)
    return acc + _asymptotic(n, x)


def np_polygamma(x: Any, n: int = 0) -> np.ndarray:
    """psi^(n)(x) elementwise in float64 (see the module doc)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    pole = (x <= 0) & (x == np.floor(x))
    finite = np.isfinite(x) & ~pole
    xs = x[finite]
    if n <= 1:  # reflection for x < 0.5: the recurrence would lose digits (and steps)
        refl = xs < 0.5
        val = np.empty_like(xs)
        val[~refl] = _shifted(n, xs[~refl])
        xr = xs[refl]
        if n == 0:
            val[refl] = _shifted(0, 1 - xr) - np.pi / np.tan(np.pi * xr)
        else:
            val[refl] = (np.pi / np.sin(np.pi * xr)) ** 2 - _shifted(1, 1 - xr)
        out[finite] = val
    else:
        out[finite] = _shifted(n, xs)
    if n == 0:
        out[pole] = np.where(x[pole] == 0, np.copysign(np.inf, -x[pole]), np.nan)  # psi(-0) = +inf
        out[x == np.inf] = np.inf
    else:
        out[pole] = np.inf if n % 2 else -np.inf
        out[x == np.inf] = 0.0 if n == 1 else np.nan  # (PyTorch's zeta sum gives NaN for n >= 2)
    return out


class Polygamma(Function):
    """y = psi^(n)(x) (``polygamma(n, x)``); dy/dx = psi^(n+1)(x)."""

    @staticmethod
    def forward(ctx: Any, x: Any, n: int = 0) -> Any:
        ctx.n = n
        ctx.save_for_backward(x)
        return np_polygamma(x, n).astype(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * polygamma(x, ctx.n + 1),)


class Digamma(Polygamma):
    """y = psi(x) = d/dx lgamma(x) (``digamma``: PyTorch's DigammaBackward0)."""


class Lgamma(Function):
    """y = log |Gamma(x)|; dy/dx = psi(x)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return _np_lgamma(x).astype(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * digamma(x),)


polygamma = dual(np_polygamma, Polygamma, "n")
digamma = dual(np_polygamma, Digamma)
lgamma = dual(lambda x: _np_lgamma(x).astype(x.dtype), Lgamma)

# -- tinygrad_nn.special's primitives (kernels: _special_np.py, _erfc.py) -------------------
_SQRT_2PI = math.sqrt(2 * math.pi)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _typed(np_fn: Any) -> Any:
    """np_fn computed in float64, rounded once to x's dtype."""
    return lambda x: np.asarray(np_fn(x)).astype(x.dtype, copy=False)


def _nonzero(x: Any) -> tuple[np.ndarray, Any]:
    """(x != 0 as an array, x with its zeros replaced by 1): the safe divisor for the
    backward formulas PyTorch gives a limit at 0."""
    nz = np.asarray(data_of(x) != 0)
    return nz, x * nz + ~nz


def _i0(x: Any) -> Any:
    """I0(x): ``Tensor.i0`` (differentiable) under create_graph, else the array kernel."""
    return x.i0() if isinstance(x, TensorBase) else np_i0(x).astype(x.dtype, copy=False)  # type: ignore[attr-defined]


class SpecialI0E(Function):
    """y = exp(-|x|) I0(x); dy/dx = i1e(x) - sign(x) y (PyTorch's formula)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np_i0e(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        return (g * (i1e(x) - np.sign(data_of(x)) * y),)


class SpecialI1(Function):
    """y = I1(x); dy/dx = I0(x) - y / x (1/2 at 0)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np_i1(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        nz, safe = _nonzero(x)
        return (g * (keep_where(_i0(x) - y / safe, nz) + 0.5 * ~nz),)


class SpecialI1E(Function):
    """y = exp(-|x|) I1(x); dy/dx = i0e(x) - y (sign(x) + 1 / x) (1/2 at 0)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np_i1e(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        nz, safe = _nonzero(x)
        d = i0e(x) - y * (np.sign(data_of(x)) + 1 / safe)
        return (g * (keep_where(d, nz) + 0.5 * ~nz),)


class SpecialErfcx(Function):
    """y = exp(x^2) erfc(x); dy/dx = 2 x y - 2 / sqrt(pi)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np_erfcx(x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        return (g * (2 * x * y - _TWO_OVER_SQRT_PI),)


class SpecialLogNdtr(Function):
    """y = log ndtr(x); dy/dx = exp(-x^2 / 2 - y) / sqrt(2 pi) (finite far left: ~ -x)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = np_log_ndtr(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        return (g * exp(-(x * x) / 2 - y) / _SQRT_2PI,)


class SpecialNdtri(Function):
    """y = ndtr^-1(p); dy/dp = sqrt(2 pi) exp(y^2 / 2)."""

    @staticmethod
    def forward(ctx: Any, p: Any) -> Any:
        y = np_ndtri(p).astype(p.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        return (g * _SQRT_2PI * exp(y * y / 2),)


class SpecialEntr(Function):
    """y = -x log x (0 at 0, -inf for x < 0); dy/dx = -(log x + 1) (PyTorch's, everywhere)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        with np.errstate(all="ignore"):
            y = np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)),
                         np.where(x == 0, 0.0, -np.inf))
        return np.where(np.isnan(x), x, y).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (-g * (log(x) + 1),)


class SpecialZeta(Function):
    """y = zeta(x, q), the Hurwitz zeta function; dy/dq = -x zeta(x + 1, q). PyTorch has no
    derivative in x: backward raises its NotImplementedError when x needs one."""

    @staticmethod
    def forward(ctx: Any, x: Any, q: Any) -> Any:
        ctx.save_for_backward(x, q)
        return np_zeta(x, q).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        x, q = ctx.saved_tensors
        return None, -g * x * zeta(x + 1, q)


def zeta(x: Any, q: Any) -> Any:
    """zeta(x, q) on either backward path (a Tensor operand records the op)."""
    if isinstance(x, TensorBase) or isinstance(q, TensorBase):
        return SpecialZeta.apply(x, q)
    return np_zeta(x, q).astype(np.result_type(x, q), copy=False)


class Igamma(Function):
    """y = P(a, x), the regularised lower incomplete gamma function; dy/dx = x^(a - 1)
    exp(-x) / Gamma(a). PyTorch has no derivative in a: backward raises its
    NotImplementedError when a needs one."""

    upper = False  # (Igammac: Q = 1 - P, the negated derivative)

    @staticmethod
    def forward(ctx: Any, a: Any, x: Any) -> Any:
        ctx.save_for_backward(a, x)
        return np_gammainc(a, x, type(ctx).upper).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        upper = type(ctx).upper
        if ctx.needs_input_grad[0]:
            name = "igammac" if upper else "igamma"
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        a, x = ctx.saved_tensors
        d = exp((a - 1) * log(x) - x - lgamma(a))
        return None, -g * d if upper else g * d


class Igammac(Igamma):
    """y = Q(a, x) = 1 - P(a, x), the regularised upper incomplete gamma function."""

    upper = True


i0e = dual(_typed(np_i0e), SpecialI0E)
i1e = dual(_typed(np_i1e), SpecialI1E)
