"""Complex numbers through the elementwise, reduction and scan ops, beside PyTorch: values,
dtypes and gradients (PyTorch's convention, of the real loss sum |y|) for complex64 and
complex128 inputs holding awkward values: zeros, purely real and purely imaginary numbers,
negative reals on both sides of the branch cuts (-2 + 0j and -2 - 0j), magnitudes of 1e4;
the errors PyTorch raises for ops complex numbers have no meaning for (orders, clamps,
sorts); and the result dtypes of mixed real / complex operands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tn

torch = pytest.importorskip("torch")

# zeros, +-1 (singular points of asin / acos / atanh), pure reals and imaginaries, both
# sides of the negative-real branch cut, 1e4 magnitudes (exp, tanh, sigmoid overflow)
AWKWARD = np.array([0, 1, -1, 2.5, -2.5, 1j, -1j, 3j, 0.5 + 0.5j, -0.7 + 1.3j, -2 + 0j,
                    complex(-2, -0.0), 0.3 - 2j, 1e4 + 1j, -1e4 + 2j, 5 + 1e4j, 1 + 1j,
                    -1 + 0j, 0.9 + 0j, 1.5 - 0.5j])
DTYPES = ["complex64", "complex128"]
Fn = Callable[[Any, Any], Any]


def _np(t: Any) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        return np.asarray(t.detach().resolve_conj().resolve_neg().numpy())
    return np.asarray(t.detach().numpy())


def _close(ours: Any, theirs: Any, rtol: float, what: str) -> None:
    """Same shape and dtype; NaN and infinities in the same parts; the finite entries
    within rtol of PyTorch's, relative to their magnitude (complex64 products of 1e4s
    carry float32 noise in a small imaginary part)."""
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), (what, ours.dtype,
                                                                          theirs.dtype)
    a, b = _np(ours).astype(complex), _np(theirs).astype(complex)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    for part in (np.real, np.imag):
        pa, pb = part(a), part(b)
        np.testing.assert_array_equal(np.isnan(pa), np.isnan(pb), err_msg=f"{what}: NaNs")
        inf = np.isinf(pb)
        np.testing.assert_array_equal(np.isinf(pa), inf, err_msg=f"{what}: infinities")
        np.testing.assert_array_equal(pa[inf], pb[inf], err_msg=f"{what}: infinities")
    fin = np.isfinite(a) & np.isfinite(b)
    err = np.abs(a[fin] - b[fin])
    assert (err <= 1e-6 + rtol * np.abs(b[fin])).all(), (what, a[fin], b[fin])


def _compare(fn: Fn, dtype: str, x: np.ndarray = AWKWARD, grad: bool = True) -> None:
    rtol = 1e-4 if dtype == "complex64" else 1e-10
    results = []
    for lib in (torch, tn):
        t = lib.tensor(x.astype(dtype), requires_grad=grad)
        with np.errstate(all="ignore"):
            y = fn(lib, t)
            if grad and y.requires_grad:
                (y.abs().sum() if y.is_complex() else y.sum()).backward()
        results.append((y, t.grad))
    (ty, tgrad), (oy, ograd) = results
    _close(oy, ty, rtol, "values")
    assert (ograd is None) == (tgrad is None)
    if tgrad is not None:
        _close(ograd, tgrad, rtol * 10, "gradient")


UNARY = ["neg", "abs", "sqrt", "rsqrt", "exp", "exp2", "expm1", "log", "log2", "log10",
         "log1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
         "asinh", "acosh", "atanh", "sigmoid", "reciprocal", "square", "sgn", "conj",
         "conj_physical", "angle", "isnan", "isinf", "isfinite", "isreal", "logical_not",
         "positive", "clone"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_gradients(name: str, dtype: str) -> None:
    _compare(lambda lib, x: getattr(x, name)(), dtype)


REDUCTIONS: dict[str, Fn] = {
    "sum": lambda m, x: x.sum(1), "sum_all": lambda m, x: x.sum(),
    "mean": lambda m, x: x.mean(0), "prod": lambda m, x: x.prod(1),
    "prod_all": lambda m, x: x.prod(), "cumsum": lambda m, x: x.cumsum(1),
    "cumprod": lambda m, x: x.cumprod(1), "cumprod0": lambda m, x: x.cumprod(0),
    "logsumexp": lambda m, x: x.logsumexp(1), "logsumexp_all": lambda m, x: x.logsumexp((0, 1)),
    "logcumsumexp": lambda m, x: x.logcumsumexp(1),
    "logcumsumexp0": lambda m, x: x.logcumsumexp(0),
    "std": lambda m, x: x.std(), "std1": lambda m, x: x.std(1, correction=0),
    "var": lambda m, x: x.var(1), "norm": lambda m, x: x.norm(),
    "norm1": lambda m, x: x.norm(dim=1),
    "norm3": lambda m, x: x.norm(p=3), "norm_inf": lambda m, x: x.norm(p=float("inf")),
    "vector_norm": lambda m, x: m.linalg.vector_norm(x, 2.5, 1),
    "diff": lambda m, x: x.diff(dim=1), "trace": lambda m, x: x[:, :4].trace(),
    "sum_dtype": lambda m, x: x.sum(dtype=m.complex128),
    "cumsum_dtype": lambda m, x: x.cumsum(0, dtype=m.complex128),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reductions_and_scans(name: str, dtype: str) -> None:
    _compare(REDUCTIONS[name], dtype, AWKWARD.reshape(4, 5))


@pytest.mark.parametrize("dtype", DTYPES)
def test_logcumsumexp_ties_and_infinities(dtype: str) -> None:
    """Equal real parts (which input's imaginary part the result keeps), -inf, +inf and NaN
    in the running sum, the first element's -0 imaginary part: PyTorch's scan."""
    inf, nan = np.inf, np.nan
    x = np.array([[1 + 3j, 1 - 3j, 1 + 2.5j, 1 - 2j, 0.5 + 3j],
                  [complex(-inf, 1), complex(-inf, 2), 1 + 1j, complex(nan, 0), 2j],
                  [complex(-2, -0.0), 3, complex(inf, 1), complex(inf, 2), 1j]])
    _compare(lambda m, t: t.logcumsumexp(1), dtype, x, grad=False)
    _compare(lambda m, t: t.logcumsumexp(1), dtype, x[:1])
    _compare(lambda m, t: t.logsumexp(1), dtype, x)
    _compare(lambda m, t: m.logaddexp(t, t.flip(1) * 1j), dtype, x)


OTHER = AWKWARD[::-1] * 0.7 + 0.3j
BINARY: dict[str, Fn] = {
    "add": lambda m, x: x + m.tensor(OTHER.astype(str(x.dtype).removeprefix("torch."))),
    "mul": lambda m, x: x * m.tensor(OTHER.astype(str(x.dtype).removeprefix("torch."))),
    "div": lambda m, x: x / m.tensor(OTHER.astype(str(x.dtype).removeprefix("torch."))),
    "logaddexp": lambda m, x: m.logaddexp(
        x, m.tensor(OTHER.astype(str(x.dtype).removeprefix("torch.")))),
    "logaddexp_self": lambda m, x: m.logaddexp(x, x * 1j),
    "pow_tensor": lambda m, x: x ** x, "pow_2.5": lambda m, x: x ** 2.5,
    "pow_complex": lambda m, x: x ** (0.5 + 1j), "pow_2": lambda m, x: x ** 2,
    "pow_3": lambda m, x: x ** 3, "pow_4": lambda m, x: x ** 4, "pow_-2": lambda m, x: x ** -2,
    "pow_-3": lambda m, x: x ** -3, "pow_0": lambda m, x: x ** 0, "pow_half": lambda m, x: x ** 0.5,
    "pow_-half": lambda m, x: x ** -0.5, "pow_-1": lambda m, x: x ** -1,
    "rpow": lambda m, x: (1 + 1j) ** x, "rpow_2": lambda m, x: 2 ** x,
    "rpow_0": lambda m, x: 0 ** x, "rpow_negative": lambda m, x: -2.0 ** x,
    "rpow_negative_zero": lambda m, x: complex(-2, -0.0) ** x,
    "mul_scalar": lambda m, x: x * (1.5 - 2j), "div_scalar": lambda m, x: x / 2.5,
    "rsub": lambda m, x: 2.5 - x, "lerp": lambda m, x: x.lerp(x * 2, 0.3),
    "addcmul": lambda m, x: x.addcmul(x, x, value=0.5), "addcdiv": lambda m, x: x.addcdiv(x, x + 1),
    "where": lambda m, x: m.where(x.real > 0, x, 0), "eq": lambda m, x: x == x * 1j,
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_values_and_gradients(name: str, dtype: str) -> None:
    _compare(BINARY[name], dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_power_of_zero_with_a_real_exponent(dtype: str) -> None:
    """0 ** x: PyTorch's gradient is 0 where x >= 0 and y log 0 (here -inf) where x < 0."""
    x = np.array([-1.5, -1.0, 0.0, 0.5, 2.0])
    _compare(lambda m, t: (0 ** t).sum(), dtype, x)
    _compare(lambda m, t: (-2.0 ** t).sum(), dtype, x)


def test_second_derivatives() -> None:
    """The complex backward formulas are differentiable: d/dx of sum |dL/dx| as PyTorch."""
    x = AWKWARD[[1, 3, 5, 8, 9, 11, 12, 16]].astype("complex128")
    for fn in (lambda x: x.acosh(), lambda x: x.asin(), lambda x: x ** x,
               lambda x: x.logcumsumexp(0), lambda x: x.logsumexp(0)):
        results = []
        for lib in (torch, tn):
            t = lib.tensor(x, requires_grad=True)
            (g,) = lib.autograd.grad(fn(t).abs().sum(), t, create_graph=True)
            (gg,) = lib.autograd.grad(g.abs().sum(), t)
            results.append((g, gg))
        for ours, theirs in zip(results[1], results[0]):
            _close(ours, theirs, 1e-9, "second order")


REFUSED: dict[str, Fn] = {
    "max": lambda m, x: x.max(), "max_dim": lambda m, x: x.max(1),
    "min": lambda m, x: x.min(), "min_dim": lambda m, x: m.min(x, 0),
    "amax": lambda m, x: x.amax(), "amin": lambda m, x: m.amin(x, 1),
    "aminmax": lambda m, x: x.aminmax(), "argmax": lambda m, x: x.argmax(),
    "argmin": lambda m, x: m.argmin(x, 1), "sort": lambda m, x: x.sort(),
    "argsort": lambda m, x: m.argsort(x, stable=True), "msort": lambda m, x: x.msort(),
    "topk": lambda m, x: x.topk(2), "kthvalue": lambda m, x: x.kthvalue(2),
    "median": lambda m, x: x.median(), "median_dim": lambda m, x: x.median(1),
    "nanmedian": lambda m, x: m.nanmedian(x, 0), "mode": lambda m, x: x.mode(),
    "cummax": lambda m, x: x.cummax(1), "cummin": lambda m, x: m.cummin(x, 0),
    "nansum": lambda m, x: x.nansum(), "nanmean": lambda m, x: m.nanmean(x, 1),
    "unique": lambda m, x: x.unique(), "unique_dim": lambda m, x: m.unique(x, dim=0),
    "unique_consecutive": lambda m, x: x.unique_consecutive(),
    "heaviside": lambda m, x: x.heaviside(x), "searchsorted": lambda m, x: m.searchsorted(x, x),
    "bucketize": lambda m, x: m.bucketize(x, x[0]), "clamp": lambda m, x: x.clamp(0, 1),
    "maximum": lambda m, x: m.maximum(x, x), "lt": lambda m, x: x < 1,
    "floor": lambda m, x: x.floor(), "logaddexp2": lambda m, x: m.logaddexp2(x, x),
    "softplus": lambda m, x: m.nn.functional.softplus(x),
    "leaky_relu": lambda m, x: m.nn.functional.leaky_relu(x),
    "mse_loss": lambda m, x: m.nn.functional.mse_loss(x, x),
    "nan_to_num_grad": lambda m, x: x.requires_grad_().nan_to_num(),
    "silu_grad": lambda m, x: m.nn.functional.silu(x.requires_grad_()),
    "max_empty": lambda m, x: x[:0].max(), "softmax": lambda m, x: m.softmax(x, 1),
    "log_softmax": lambda m, x: m.log_softmax(x, 1),
    "matmul_float": lambda m, x: x @ m.ones(5, 2),  # (no promotion in matmul)
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_for_complex(name: str, dtype: str) -> None:
    """PyTorch refuses these for complex input: the same exception type."""
    errors = []
    for lib in (torch, tn):
        x = lib.tensor(AWKWARD.reshape(4, 5).astype(dtype))
        with pytest.raises(Exception) as info:  # noqa: PT011 (the type is compared below)
            REFUSED[name](lib, x)
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0]), (errors[1], errors[0])


ALLOWED_WITHOUT_GRAD: dict[str, Fn] = {
    "nan_to_num": lambda m, x: x.nan_to_num(), "silu": lambda m, x: m.nn.functional.silu(x)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(ALLOWED_WITHOUT_GRAD))
def test_refused_only_with_grad(name: str, dtype: str) -> None:
    _compare(ALLOWED_WITHOUT_GRAD[name], dtype, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_to_num_in_place_is_recorded(dtype: str) -> None:
    """PyTorch refuses the complex derivative of nan_to_num, not of nan_to_num_."""
    x = np.array([1 + 2j, complex(np.nan, 1), complex(np.inf, 0), -3j])
    _compare(lambda m, t: (t * 1).nan_to_num_(), dtype, x)


MIXED: dict[str, Callable[[Any], Any]] = {
    "float32 + complex64": lambda m: m.ones(3) + m.ones(3, dtype=m.complex64),
    "float64 * complex64": lambda m: m.ones(3, dtype=m.float64) * m.ones(3, dtype=m.complex64),
    "float64 * complex number": lambda m: m.ones(3, dtype=m.float64) * (2 + 1j),
    "float32 * 1j": lambda m: m.ones(3) * 1j, "int + 1j": lambda m: m.arange(3) + 1j,
    "bool * 1j": lambda m: m.ones(3, dtype=m.bool) * 1j,
    "complex64 + 0-d float64": lambda m: (m.ones(3, dtype=m.complex64)
                                          + m.tensor(2.0, dtype=m.float64)),
    "float64 + 0-d complex64": lambda m: (m.ones(3, dtype=m.float64)
                                          + m.tensor(2j, dtype=m.complex64)),
    "complex64 / int": lambda m: m.ones(3, dtype=m.complex64) / m.arange(1, 4),
    "int / 1j": lambda m: m.arange(1, 4) / 1j, "float32 ** 1j": lambda m: m.ones(3) ** 1j,
    "2j ** float32": lambda m: 2j ** m.ones(3), "int ** 1j": lambda m: m.arange(3) ** 1j,
    "complex128 - float32": lambda m: m.ones(3, dtype=m.complex128) - m.ones(3),
    "where complex64 float64": lambda m: m.where(m.ones(3, dtype=m.bool),
                                                 m.ones(3, dtype=m.complex64),
                                                 m.ones(3, dtype=m.float64)),
    "where float32 1j": lambda m: m.where(m.ones(3, dtype=m.bool), m.ones(3), 1j),
    "cat float32 complex64": lambda m: m.cat([m.ones(3), m.ones(3, dtype=m.complex64)]),
    "logaddexp float32 complex64": lambda m: m.logaddexp(m.ones(3), m.ones(3, dtype=m.complex64)),
}


@pytest.mark.parametrize("name", list(MIXED))
def test_mixed_real_complex_promotion(name: str) -> None:
    _close(MIXED[name](tn), MIXED[name](torch), 1e-6, name)


@pytest.mark.parametrize("dtype", DTYPES)
def test_mixed_gradients_are_real_for_real_inputs(dtype: str) -> None:
    """A real input of a complex op gets a real gradient (PyTorch's handle_r_to_c)."""
    real = np.array([0.5, -1.5, 2.0, 0.0])
    results = []
    for lib in (torch, tn):
        r = lib.tensor(real, requires_grad=True)
        z = lib.tensor(AWKWARD[8:12].astype(dtype), requires_grad=True)
        ((r * z + r ** z) / (z + r)).abs().sum().backward()
        results.append((r.grad, z.grad))
    for ours, theirs in zip(results[1], results[0]):
        _close(ours, theirs, 1e-4, "gradient")
