"""Gamma-function primitives: ``lgamma`` (log |Gamma(x)|), ``digamma`` (psi = lgamma') and
``polygamma(n, x)`` (the n-th derivative of psi), in NumPy (no SciPy): each derivative is the
next polygamma, so gradients of every order come from one op.

psi^(n) is computed in float64 by the recurrence psi^(n)(x) = psi^(n)(x + 1) - (-1)^n n! /
x^(n+1) up to x >= 10, then the asymptotic series (Bernoulli numbers B2 .. B14; error below
1e-16 relative there); digamma and trigamma of x < 0.5 use the reflection formulas
(psi(x) = psi(1 - x) - pi cot(pi x), psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x)). At the poles
(0, -1, -2 ...): digamma is -inf at 0 and NaN at the negative integers, polygamma(n >= 1) is
+inf for odd n and -inf for even n (PyTorch's values at 0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._gammainc import gammainc, gammainc_density
from ..function import Function, data_of, dual

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
        out[pole] = np.where(x[pole] == 0, -np.inf, np.nan)
        out[x == np.inf] = np.inf
    else:
        out[pole] = np.inf if n % 2 else -np.inf
        out[x == np.inf] = 0.0
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


def _np_lgamma(x: Any) -> np.ndarray:
    """log |Gamma(x)| elementwise (math.lgamma; +inf at the poles, as PyTorch)."""
    x64 = np.asarray(x, dtype=np.float64)
    pole = (x64 <= 0) & (x64 == np.floor(x64))
    safe = np.where(pole, 1.0, x64)
    out = np.asarray(np.frompyfunc(math.lgamma, 1, 1)(safe), dtype=np.float64)
    return np.where(pole, np.inf, out)


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


# -- the regularized incomplete gamma functions (NumPy core: _gammainc.py) ------------------
class IgammaDensity(Function):
    """y = dP(a, x)/dx = x^(a-1) e^-x / Gamma(a) for a constant ``a`` (the gradient of
    ``igamma``); dy/dx = y ((a - 1) / x - 1)."""

    @staticmethod
    def forward(ctx: Any, x: Any, a: Any) -> Any:
        ctx.a = a
        ctx.save_for_backward(x)
        return gammainc_density(a, x).astype(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return (g * igamma_density(x, ctx.a) * ((ctx.a - 1) / x - 1),)


igamma_density = dual(lambda x, a: gammainc_density(a, x).astype(x.dtype), IgammaDensity, "a")


class Igamma(Function):
    """y = P(a, x) (``igamma``), or Q(a, x) = 1 - P with ``upper`` (``igammac``); dy/dx =
    +-x^(a-1) e^-x / Gamma(a). No derivative in ``a`` (PyTorch has none either)."""

    upper: bool = False  # (set per call by forward)

    @staticmethod
    def forward(ctx: Any, a: Any, x: Any, upper: bool = False) -> Any:
        ctx.upper = upper
        ctx.save_for_backward(a, x)
        return gammainc(a, x, upper).astype(np.result_type(a, x))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{'igammac' if ctx.upper else 'igamma'}"
                                      ": input' (a) is not implemented.")
        gx = g * igamma_density(x, data_of(a))  # (a and x come broadcast: Tensor.igamma)
        return None, -gx if ctx.upper else gx

    def name(self) -> str:
        return "IgammacBackward0" if self.upper else "IgammaBackward0"
