"""``tinygrad_nn.special``: PyTorch's ``torch.special`` namespace.

Each function has ``torch.special``'s signature (``out=`` where PyTorch has it), values,
dtypes (integer and bool inputs give the default float) and broadcasting. Those the
package already has under another name are thin wrappers of that one implementation
(``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``, ``psi`` is ``digamma``,
``multigammaln`` is ``mvlgamma`` ...). The others are primitives of ``ops/special.py`` on
NumPy kernels (``ops/_special_np.py``, ``ops/_erfc.py``; no SciPy), differentiable exactly
where PyTorch's are: ``zeta`` in ``other`` only and ``gammainc`` / ``gammaincc`` in
``other`` only (backward raises PyTorch's NotImplementedError for ``input``); the Bessel
functions PyTorch has only under ``special`` (``modified_bessel_i0`` ...) and the
orthogonal polynomials give results without a graph, as PyTorch's (their outputs do not
require grad).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops as P
from ._shapes import ShapeError, broadcast_shapes
from ._torch_functions import FUNCTIONS, _as_input, as_tensor, write_out
from ._torch_functions import polygamma as _polygamma
from .dtypes import get_default_dtype, result_type
from .ops._special_np import (
    np_airy_ai,
    np_bessel_j0,
    np_bessel_j1,
    np_bessel_k,
    np_bessel_y0,
    np_bessel_y1,
    np_i0,
    np_i1,
    np_polynomial,
)
from .tensor import Tensor
from .tensor_elementwise import _not_for, need_tensor
from .tensor_math import _floating_binary


def _out(name: str, result: Tensor, out: Any, *inputs: Any) -> Tensor:
    return result if out is None else write_out(name, result, out, *inputs)


def _floating(name: str, input: Any, half: bool = True) -> Tensor:  # noqa: A002
    """input as a Tensor at a floating dtype (the default float for ints and bools); complex
    refused, and float16 too unless ``half`` (PyTorch's CPU kernel has no Half version)."""
    need_tensor(f"special_{name}", "input", input)
    x = as_tensor(input)._floating(f"{name}_cpu")
    if not half and x.dtype == np.float16:
        raise _not_for(f"{name}_cpu", x.dtype)
    return x  # type: ignore[no-any-return]


def _unary(name: str, cls: Any, input: Any, out: Any, half: bool = True) -> Tensor:  # noqa: A002
    """``cls`` applied to input at a floating dtype (the default float for ints)."""
    return _out(name, cls.apply(_floating(name, input, half)), out, input)


def _binary(name: str, cls: Any, input: Any, other: Any, out: Any,  # noqa: A002
            numbers: bool = True) -> Tensor:
    """``cls`` applied to input and other at their promoted floating dtype; a number on
    either side when ``numbers`` (PyTorch's Scalar overloads), else two Tensors of which
    one must be floating (PyTorch's igamma kernel has no integer version)."""
    if not numbers or not isinstance(other, Tensor):
        need_tensor(f"special_{name}", "input", input)
    if not numbers or not isinstance(input, Tensor):
        need_tensor(f"special_{name}", "other", other, 2)
    if not numbers:
        rt = result_type(input, other)
        if rt.kind != "f":
            raise _not_for(f"{cls.__name__.lower()}_cpu", rt)
    x = _as_input(name, input, (other,), {}) if not isinstance(input, Tensor) else input
    return _out(name, _floating_binary(cls, x, other, f"{name}_cpu"), out, input, other)


def _without_graph(name: str, np_fn: Any, input: Any, out: Any,  # noqa: A002
                   *args: Any) -> Tensor:
    """np_fn of input (float64 inside, input's floating dtype out) as a Tensor with no
    graph: PyTorch defines no derivative for these, and its results do not require grad."""
    x = _floating(name, input, half=False)
    with np.errstate(all="ignore"):
        value = np.asarray(np_fn(x._data.astype(np.float64), *args))
    return _out(name, Tensor._new(value.astype(x.dtype)), out)


# -- the package's functions under torch.special's names ------------------------------------
def erf(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002 - PyTorch's names
    """The error function (``tinygrad_nn.erf``)."""
    return FUNCTIONS["erf"](input, out=out)


def erfc(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """1 - erf(x), without cancellation (``tinygrad_nn.erfc``)."""
    return FUNCTIONS["erfc"](input, out=out)


def erfinv(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The inverse error function on [-1, 1] (``tinygrad_nn.erfinv``)."""
    return FUNCTIONS["erfinv"](input, out=out)


def exp2(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """2^x (``tinygrad_nn.exp2``)."""
    return FUNCTIONS["exp2"](input, out=out)


def expm1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """exp(x) - 1, accurate near 0 (``tinygrad_nn.expm1``)."""
    return FUNCTIONS["expm1"](input, out=out)


def log1p(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """log(1 + x), accurate near 0 (``tinygrad_nn.log1p``)."""
    return FUNCTIONS["log1p"](input, out=out)


def expit(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The logistic sigmoid 1 / (1 + exp(-x)) (``tinygrad_nn.sigmoid``)."""
    return FUNCTIONS["sigmoid"](input, out=out)


def logit(input: Any, eps: float | None = None, *, out: Any = None) -> Tensor:  # noqa: A002
    """log(x / (1 - x)), x clamped to [eps, 1 - eps] first when eps is given
    (``tinygrad_nn.logit``)."""
    return FUNCTIONS["logit"](input, eps, out=out)


def xlogy(input: Any, other: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """x log(y), 0 where x == 0 (unless y is NaN); either may be a number
    (``tinygrad_nn.xlogy``)."""
    if not isinstance(input, Tensor) and isinstance(other, Tensor):
        return FUNCTIONS["xlogy"](input, other, out=out)
    need_tensor("special_xlogy", "input", input)
    return FUNCTIONS["xlogy"](input, other, out=out)


def gammaln(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """log |Gamma(x)| (``tinygrad_nn.lgamma``)."""
    return FUNCTIONS["lgamma"](input, out=out)


def digamma(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """psi(x) = d/dx log Gamma(x) (``tinygrad_nn.digamma``)."""
    return FUNCTIONS["digamma"](input, out=out)


psi = digamma


def polygamma(n: int, input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The n-th derivative of digamma, n first (``tinygrad_nn.polygamma``)."""
    return _polygamma(n, input, out=out)  # type: ignore[no-any-return]


def multigammaln(input: Any, p: int, *, out: Any = None) -> Tensor:  # noqa: A002
    """The log of the multivariate gamma function of dimension p
    (``tinygrad_nn.mvlgamma``)."""
    return FUNCTIONS["mvlgamma"](input, p, out=out)


def i0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The modified Bessel function I0 (``tinygrad_nn.i0``; differentiable)."""
    return FUNCTIONS["i0"](input, out=out)


def sinc(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """sin(pi x) / (pi x), 1 at 0 (``tinygrad_nn.sinc``)."""
    return FUNCTIONS["sinc"](input, out=out)


def round(input: Any, *, decimals: int = 0, out: Any = None) -> Tensor:  # noqa: A001, A002
    """x rounded half to even, to ``decimals`` places (``tinygrad_nn.round``)."""
    return FUNCTIONS["round"](input, decimals=decimals, out=out)


def softmax(input: Any, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """exp(x) / sum exp(x) along dim, computed in ``dtype`` when given
    (``Tensor.softmax``)."""
    need_tensor("special_softmax", "input", input)
    return as_tensor(input).softmax(dim=dim, dtype=dtype)


def log_softmax(input: Any, dim: int, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along dim, computed in ``dtype`` when given
    (``Tensor.log_softmax``)."""
    need_tensor("special_log_softmax", "input", input)
    return as_tensor(input).log_softmax(dim=dim, dtype=dtype)


def logsumexp(input: Any, dim: Any, keepdim: bool = False, *,  # noqa: A002
              out: Any = None) -> Tensor:
    """log sum exp(x) over dim, without overflow (``tinygrad_nn.logsumexp``)."""
    return FUNCTIONS["logsumexp"](input, dim, keepdim, out=out)


# -- new differentiable functions (primitives of ops/special.py) -----------------------------
def entr(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The elementwise entropy -x log x: 0 at 0, -inf for x < 0; d/dx = -(log x + 1)."""
    return _unary("entr", P.SpecialEntr, input, out)


def erfcx(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The scaled complementary error function exp(x^2) erfc(x) (finite far right, where
    erfc underflows; +inf far left); d/dx = 2 x erfcx(x) - 2 / sqrt(pi)."""
    return _unary("erfcx", P.SpecialErfcx, input, out, half=False)


def ndtr(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The standard normal CDF, (1 + erf(x / sqrt 2)) / 2, computed as erfc(-x / sqrt 2) / 2
    so that the left tail keeps its relative accuracy; d/dx = exp(-x^2 / 2) / sqrt(2 pi)."""
    x = _floating("ndtr", input)
    return _out("ndtr", (x * -math.sqrt(0.5)).erfc() * 0.5, out, input)


def ndtri(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The standard normal quantile: x with ndtr(x) = p (-inf at 0, +inf at 1, NaN
    outside [0, 1]); d/dp = sqrt(2 pi) exp(x^2 / 2)."""
    return _unary("ndtri", P.SpecialNdtri, input, out, half=False)


def log_ndtr(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """log ndtr(x), accurate in both tails (~ -x^2 / 2 far left)."""
    return _unary("log_ndtr", P.SpecialLogNdtr, input, out, half=False)


def i0e(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The exponentially scaled Bessel function exp(-|x|) I0(x) (finite where I0 overflows);
    d/dx = i1e(x) - sign(x) i0e(x)."""
    return _unary("i0e", P.SpecialI0E, input, out)


def i1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The modified Bessel function of the first kind of order 1; d/dx = I0(x) - I1(x) / x
    (1/2 at 0)."""
    return _unary("i1", P.SpecialI1, input, out)


def i1e(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """exp(-|x|) I1(x); d/dx = i0e(x) - i1e(x) (sign(x) + 1 / x) (1/2 at 0)."""
    return _unary("i1e", P.SpecialI1E, input, out)


def xlog1py(input: Any, other: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """x log(1 + y), 0 where x == 0 (unless y is NaN); either may be a number. Gradients
    log1p(y) (0 where x == 0 and y <= -1) and x / (1 + y)."""
    return _binary("xlog1py", P.SpecialXlog1Py, input, other, out)


def zeta(input: Any, other: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Hurwitz zeta function sum_k (k + other)^-input (input > 1); either may be a
    number. Differentiable in ``other`` only (-input zeta(input + 1, other)), as PyTorch."""
    return _binary("zeta", P.SpecialZeta, input, other, out)


def gammainc(input: Any, other: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The regularised lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a),
    a = input, x = other (both Tensors). Differentiable in ``other`` only, as PyTorch."""
    return _binary("gammainc", P.Igamma, input, other, out, numbers=False)


def gammaincc(input: Any, other: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The regularised upper incomplete gamma function Q(a, x) = 1 - P(a, x), without the
    cancellation of 1 - gammainc. Differentiable in ``other`` only, as PyTorch."""
    return _binary("gammaincc", P.Igammac, input, other, out, numbers=False)


# -- without a derivative in PyTorch: results without a graph -------------------------------
def modified_bessel_i0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """I0(x) (the values of ``i0``, +inf at +-inf), without a graph as PyTorch's."""
    return _without_graph("modified_bessel_i0", np_i0, input, out)


def modified_bessel_i1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """I1(x) (the values of ``i1``), without a graph as PyTorch's."""
    return _without_graph("modified_bessel_i1", np_i1, input, out)


def bessel_j0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Bessel function of the first kind of order 0, J0(x)."""
    return _without_graph("bessel_j0", np_bessel_j0, input, out)


def bessel_j1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Bessel function of the first kind of order 1, J1(x)."""
    return _without_graph("bessel_j1", np_bessel_j1, input, out)


def bessel_y0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Bessel function of the second kind of order 0, Y0(x) (-inf at 0, NaN below)."""
    return _without_graph("bessel_y0", np_bessel_y0, input, out)


def bessel_y1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Bessel function of the second kind of order 1, Y1(x) (-inf at 0, NaN below)."""
    return _without_graph("bessel_y1", np_bessel_y1, input, out)


def modified_bessel_k0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The modified Bessel function of the second kind of order 0, K0(x) (+inf at 0, NaN
    below)."""
    return _without_graph("modified_bessel_k0", np_bessel_k, input, out, 0)


def modified_bessel_k1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The modified Bessel function of the second kind of order 1, K1(x)."""
    return _without_graph("modified_bessel_k1", np_bessel_k, input, out, 1)


def scaled_modified_bessel_k0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """exp(x) K0(x), finite where K0 underflows."""
    return _without_graph("scaled_modified_bessel_k0", np_bessel_k, input, out, 0, True)


def scaled_modified_bessel_k1(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """exp(x) K1(x), finite where K1 underflows."""
    return _without_graph("scaled_modified_bessel_k1", np_bessel_k, input, out, 1, True)


def airy_ai(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Airy function Ai(x) (NaN at +-inf, as PyTorch's)."""
    return _without_graph("airy_ai", np_airy_ai, input, out)


def _np_spherical_j0(x: np.ndarray) -> np.ndarray:
    """sin(x) / x: 1 - x^2/6 + x^4/120 below |x| = 0.5 (no cancellation), 0 at +-inf."""
    small = np.abs(x) < 0.5
    x2 = x * x
    series = 1 + x2 * (-1 / 6 + x2 * (1 / 120 + x2 * (-1 / 5040 + x2 * (
        1 / 362880 + x2 * (-1 / 39916800 + x2 / 6227020800)))))
    far = np.where(np.isinf(x), 0.0, np.sin(x) / np.where(small, 1.0, x))
    return np.where(small, series, far)


def spherical_bessel_j0(input: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The spherical Bessel function j0(x) = sin(x) / x (1 at 0), without a graph as
    PyTorch's."""
    return _without_graph("spherical_bessel_j0", _np_spherical_j0, input, out)


def _polynomial(kind: str, input: Any, n: Any, out: Any) -> Tensor:  # noqa: A002
    """The orthogonal polynomial ``kind`` of degree n (a number or a Tensor, broadcast with
    input; truncated to an integer, 0 for negative n) at input, at the promoted floating
    dtype of input and n, without a graph as PyTorch's."""
    name = kind.replace("chebyshev", "chebyshev_polynomial").replace(
        "hermite", "hermite_polynomial").replace("laguerre", "laguerre_polynomial").replace(
        "legendre", "legendre_polynomial")
    x = _as_input(name, input, (n,), {}) if not isinstance(input, Tensor) else input
    need_tensor(f"special_{name}", "input", x)
    rt = result_type(x, n)
    if rt.kind == "c" or rt == np.float16:
        raise _not_for(f"{name}_cpu", rt)
    if rt.kind != "f":
        rt = get_default_dtype()
    degree = np.asarray(n._data if isinstance(n, Tensor) else n)
    data = as_tensor(x)._data
    try:
        broadcast_shapes(name, data.shape, degree.shape)
    except ValueError as e:  # (PyTorch's error is a RuntimeError, as ShapeError)
        raise ShapeError(str(e)) from None
    value = np_polynomial(kind, data, degree)
    if kind.startswith("hermite"):  # (PyTorch's kernel gives NaN past a degree per dtype)
        limit = {np.dtype(np.float32): 128, np.dtype(np.float64): 512}.get(np.dtype(rt), 1024)
        value = np.where(np.trunc(degree.astype(np.float64)) > limit, np.nan, value)
    return _out(name, Tensor._new(np.asarray(value).astype(rt)), out)


def chebyshev_polynomial_t(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Chebyshev polynomial of the first kind T_n(x)."""
    return _polynomial("chebyshev_t", input, n, out)


def chebyshev_polynomial_u(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Chebyshev polynomial of the second kind U_n(x)."""
    return _polynomial("chebyshev_u", input, n, out)


def chebyshev_polynomial_v(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Chebyshev polynomial of the third kind V_n(x)."""
    return _polynomial("chebyshev_v", input, n, out)


def chebyshev_polynomial_w(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Chebyshev polynomial of the fourth kind W_n(x)."""
    return _polynomial("chebyshev_w", input, n, out)


def shifted_chebyshev_polynomial_t(input: Any, n: Any, *,  # noqa: A002
                                   out: Any = None) -> Tensor:
    """T_n(2x - 1), the first-kind Chebyshev polynomial shifted to [0, 1]."""
    return _polynomial("shifted_chebyshev_t", input, n, out)


def shifted_chebyshev_polynomial_u(input: Any, n: Any, *,  # noqa: A002
                                   out: Any = None) -> Tensor:
    """U_n(2x - 1), the second-kind Chebyshev polynomial shifted to [0, 1]."""
    return _polynomial("shifted_chebyshev_u", input, n, out)


def shifted_chebyshev_polynomial_v(input: Any, n: Any, *,  # noqa: A002
                                   out: Any = None) -> Tensor:
    """V_n(2x - 1), the third-kind Chebyshev polynomial shifted to [0, 1]."""
    return _polynomial("shifted_chebyshev_v", input, n, out)


def shifted_chebyshev_polynomial_w(input: Any, n: Any, *,  # noqa: A002
                                   out: Any = None) -> Tensor:
    """W_n(2x - 1), the fourth-kind Chebyshev polynomial shifted to [0, 1]."""
    return _polynomial("shifted_chebyshev_w", input, n, out)


def hermite_polynomial_h(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The physicists' Hermite polynomial H_n(x)."""
    return _polynomial("hermite_h", input, n, out)


def hermite_polynomial_he(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The probabilists' Hermite polynomial He_n(x)."""
    return _polynomial("hermite_he", input, n, out)


def laguerre_polynomial_l(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Laguerre polynomial L_n(x)."""
    return _polynomial("laguerre_l", input, n, out)


def legendre_polynomial_p(input: Any, n: Any, *, out: Any = None) -> Tensor:  # noqa: A002
    """The Legendre polynomial P_n(x)."""
    return _polynomial("legendre_p", input, n, out)


__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_k0",
    "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
    "chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
    "laguerre_polynomial_l", "legendre_polynomial_p", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc",
    "gammaincc", "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "log_softmax",
    "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "multigammaln",
    "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax", "spherical_bessel_j0",
    "xlog1py", "xlogy", "zeta",
]
