"""``tinygrad_nn.special`` against ``torch.special`` on shared inputs: the names, values and
dtypes (extreme inputs included: +-1e4, 0, -0, negatives, NaN, +-inf), broadcasting, the
number operands PyTorch accepts, first and second derivatives (against torch's and by the
package's gradcheck / gradgradcheck), the derivatives PyTorch does not define (same error
type on backward, or no graph at all), ``out=`` and the exception types."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.special as special
from tinygrad_nn.gradcheck import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

# torch.special's public names that are not functions (the module's own imports and its
# docstring tables)
NOT_FUNCTIONS = {"Tensor", "torch", "common_args", "multi_dim_common"}
# not implemented yet (left out rather than stubbed)
MISSING: set[str] = set()

X = np.array([-1e4, -30.0, -5.5, -1.0, -0.5, 0.0, -0.0, 1e-8, 0.3, 0.5, 0.7, 1.0, 2.5, 7.9,
              8.1, 30.0, 1e4, np.inf, -np.inf, np.nan])
P = np.array([0.0, 1e-300, 1e-20, 1e-5, 0.01, 0.13, 0.3, 0.5, 0.9, 1 - 1e-12, 1.0, -0.5, 1.5,
              np.nan])
UNARY = ["erf", "erfc", "erfinv", "exp2", "expm1", "log1p", "expit", "logit", "gammaln",
         "digamma", "psi", "i0", "sinc", "round", "entr", "erfcx", "ndtr", "log_ndtr", "i0e",
         "i1", "i1e", "modified_bessel_i0", "modified_bessel_i1", "spherical_bessel_j0",
         "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
         "scaled_modified_bessel_k1"]
# PyTorch's kernels of these evaluate Cephes' p1evl denominators without their implied
# leading 1, which puts them up to ~2.4e-5 relative off for 5 < |x| < 10 (j0, j1, y0, y1) and
# near x = -2.1 (airy_ai); ours follow Cephes (checked against mpmath below)
BESSEL = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "airy_ai"]
BINARY = ["xlogy", "xlog1py", "zeta", "gammainc", "gammaincc"]
POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
               "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
               "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]


def _torch(a: Any) -> Any:
    return torch.tensor(a) if isinstance(a, np.ndarray) else a


def _ours(a: Any, requires_grad: bool = False) -> Any:
    return tg.tensor(a, requires_grad=requires_grad) if isinstance(a, np.ndarray) else a


def _tol(dtype: Any) -> dict[str, float]:
    # float64: 1e-6 relative (the target), and an absolute 1e-15 for torch's ndtr, which
    # computes (1 + erf(x / sqrt 2)) / 2 and so is only absolutely accurate in the left tail
    # (ours keeps its relative accuracy there); float32: PyTorch computes in float32, we in
    # float64 rounded once, so its own rounding (up to ~2e-6 relative in digamma) shows
    return {"rtol": 1e-6, "atol": 1e-15} if dtype == np.float64 else {"rtol": 1e-5,
                                                                      "atol": 1e-7}


def assert_like_torch(ours: Any, theirs: Any) -> None:
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    expected = theirs.detach().numpy()
    np.testing.assert_allclose(ours.detach().numpy(), expected, equal_nan=True,
                               **_tol(expected.dtype))


def test_every_torch_special_function_exists_but_the_listed_missing_ones() -> None:
    names = {n for n in dir(torch.special) if not n.startswith("_")} - NOT_FUNCTIONS
    assert {n for n in names if not hasattr(special, n)} == MISSING
    assert set(special.__all__) == names - MISSING


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_dtypes(name: str, dtype: Any) -> None:
    x = X if dtype != np.int64 else np.array([-3, -1, 0, 1, 2, 5, 40])
    x = x.astype(dtype)
    fn_torch, fn_ours = getattr(torch.special, name), getattr(special, name)
    try:
        expected = fn_torch(torch.tensor(x))
    except Exception as e:  # (round has no integer kernel in PyTorch)
        with pytest.raises(type(e)):
            fn_ours(tg.tensor(x))
        return
    assert_like_torch(fn_ours(tg.tensor(x)), expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ndtri_on_probabilities(dtype: Any) -> None:
    p = P.astype(dtype)
    assert_like_torch(special.ndtri(tg.tensor(p)), torch.special.ndtri(torch.tensor(p)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
@pytest.mark.parametrize("name", BESSEL)
def test_bessel_values_and_dtypes(name: str, dtype: Any) -> None:
    x = X if dtype != np.int64 else np.array([-3, -1, 0, 1, 2, 5, 40])
    x = np.concatenate([x, np.linspace(-12, 12, 97)]).astype(dtype)
    if dtype == np.float32:  # (PyTorch reduces the phase of the far-out forms in float32,
        x = x[~(np.abs(x) > 100)]  # 5e-4 off at |x| = 1e4; we in float64)
    ours = getattr(special, name)(tg.tensor(x))
    theirs = getattr(torch.special, name)(torch.tensor(x))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=3e-5, atol=1e-6,
                               equal_nan=True)


def test_bessel_accuracy_against_mpmath() -> None:
    mpmath = pytest.importorskip("mpmath")
    x = np.array([0.3, 1.7, 4.99, 5.01, 6.3, 7.7, 9.2, 15.5, 40.0])
    refs = {"bessel_j0": (mpmath.besselj, 0), "bessel_j1": (mpmath.besselj, 1),
            "bessel_y0": (mpmath.bessely, 0), "bessel_y1": (mpmath.bessely, 1),
            "modified_bessel_k0": (mpmath.besselk, 0), "modified_bessel_k1": (mpmath.besselk, 1)}
    for name, (ref, order) in refs.items():
        expected = np.array([float(ref(order, v)) for v in x])
        np.testing.assert_allclose(getattr(special, name)(tg.tensor(x)).numpy(), expected,
                                   rtol=1e-11, err_msg=name)
    a = np.array([-8.0, -3.0, -2.2, -2.0, 0.5, 2.2, 9.0])
    np.testing.assert_allclose(special.airy_ai(tg.tensor(a)).numpy(),
                               [float(mpmath.airyai(v)) for v in a], rtol=1e-11)


def test_scaled_and_tail_functions_on_a_dense_grid() -> None:
    # the kernels' accuracy figures (docs): 1e-6 relative is the target, they reach ~1e-13
    x = np.concatenate([np.linspace(-40, 40, 4001), np.geomspace(1e-300, 1e300, 301)])
    for name in ["erfcx", "log_ndtr", "i0e", "i1", "i1e", "modified_bessel_k0",
                 "scaled_modified_bessel_k1"]:
        ours = getattr(special, name)(tg.tensor(x)).numpy()
        theirs = getattr(torch.special, name)(torch.tensor(x)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, err_msg=name)
    p = np.concatenate([np.linspace(0, 1, 4001), np.geomspace(1e-300, 0.5, 301)])
    np.testing.assert_allclose(special.ndtri(tg.tensor(p)).numpy(),
                               torch.special.ndtri(torch.tensor(p)).numpy(), rtol=1e-13)


@pytest.mark.parametrize("name", BINARY)
def test_binary_values_broadcasting_and_numbers(name: str) -> None:
    a = np.array([0.0, 0.5, 1.0, 2.0, 3.5, 30.0, -1.0, np.nan, np.inf])
    b = np.array([[0.0], [1e-3], [1.5], [-1.0], [-2.5], [2.0], [25.0], [np.inf], [np.nan]])
    fn_torch, fn_ours = getattr(torch.special, name), getattr(special, name)
    for args in [(a, b), (a.astype(np.float32), b), (a.astype(np.float32), b.astype(np.float32)),
                 (np.array([1, 2, 3]), np.array([2.0, 3.0, 4.0])), (2.5, b), (a, 3.0),
                 (np.array([1, 2, 3]), np.array([2, 3, 4]))]:
        try:
            expected = fn_torch(*map(_torch, args))
        except Exception as e:  # numbers for gammainc, integer pairs for the igamma kernels
            with pytest.raises(type(e)):
                fn_ours(*map(_ours, args))
            continue
        assert_like_torch(fn_ours(*map(_ours, args)), expected)


def test_incomplete_gamma_and_zeta_on_a_grid() -> None:
    # PyTorch's gammainc near x = a for a > 20 (its asymptotic series) is itself only
    # ~2e-9 relative accurate (mpmath); ours, series and continued fraction, ~1e-14 there
    a, x = np.meshgrid([1e-3, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 1e3],
                       np.concatenate([[1e-5, 1e-3], np.linspace(0.01, 150, 200)]))
    for name in ["gammainc", "gammaincc"]:
        ours = getattr(special, name)(tg.tensor(a), tg.tensor(x)).numpy()
        theirs = getattr(torch.special, name)(torch.tensor(a), torch.tensor(x)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-300, err_msg=name)
    s, q = np.meshgrid([1.5, 2.0, 3.0, 4.5, 10.0, 50.0],
                       np.concatenate([np.linspace(-9.5, 30, 80), np.geomspace(1e-4, 1e4, 30)]))
    np.testing.assert_allclose(special.zeta(tg.tensor(s), tg.tensor(q)).numpy(),
                               torch.special.zeta(torch.tensor(s), torch.tensor(q)).numpy(),
                               rtol=1e-10)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials(name: str) -> None:
    x = np.concatenate([np.linspace(-2.5, 2.5, 41), [-1.0, 0.0, 1.0]])
    if name.startswith("shifted"):
        x = (x + 2.5) / 5
    xs, ns = np.meshgrid(x, np.arange(-2.0, 21.0))
    fn_torch, fn_ours = getattr(torch.special, name), getattr(special, name)
    expected = fn_torch(torch.tensor(xs), torch.tensor(ns)).numpy()
    ours = fn_ours(tg.tensor(xs), tg.tensor(ns)).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-11, atol=1e-11)
    for args in [(np.array([0.3, 0.6]), 3), (0.3, np.array([2, 3])), (np.array([1, 2]), 2),
                 (np.array([0.25, 0.5], dtype=np.float32), 2.7), (np.array([0.4]), -1),
                 (np.array([0.4, 0.8], dtype=np.float32), np.array([5, 6]))]:
        assert_like_torch(fn_ours(*map(_ours, args)), fn_torch(*map(_torch, args)))
    if name.startswith("hermite"):  # PyTorch's NaN past degree 512 (float64), 128 (float32)
        for dtype, n in ((np.float64, 513), (np.float32, 129)):
            x = np.array([0.5], dtype=dtype)
            assert np.isnan(fn_torch(torch.tensor(x), n).numpy()).all()
            assert np.isnan(fn_ours(tg.tensor(x), n).numpy()).all()


@pytest.mark.parametrize(("name", "x"), [
    ("entr", [0.2, 0.7, 2.5]), ("erfcx", [-3.0, -0.3, 0.2, 0.7, 5.0, 30.0]),
    ("ndtr", [-9.0, -0.3, 0.0, 0.7, 4.0]), ("log_ndtr", [-40.0, -3.0, -0.3, 0.7, 5.0]),
    ("ndtri", [1e-12, 0.01, 0.3, 0.5, 0.99]), ("i0e", [-9.0, -0.3, 0.2, 0.7, 12.0]),
    ("i1", [-9.0, -0.3, 0.0, 0.7, 12.0]), ("i1e", [-9.0, -0.3, 0.0, 0.7, 12.0]),
    ("expit", [-3.0, 0.5]), ("gammaln", [0.3, 4.5]), ("psi", [0.3, 4.5]),
    ("erfinv", [-0.5, 0.9]), ("logit", [0.2, 0.7])])
def test_first_and_second_derivatives_like_torch(name: str, x: list[float]) -> None:
    a = np.array(x)
    t = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad(getattr(torch.special, name)(t).sum(), t, create_graph=True)
    (ggt,) = torch.autograd.grad(gt.sum(), t)
    o = tg.tensor(a, requires_grad=True)
    (go,) = tg.autograd.grad(getattr(special, name)(o).sum(), o, create_graph=True)
    (ggo,) = tg.autograd.grad(go.sum(), o)
    np.testing.assert_allclose(go.detach().numpy(), gt.detach().numpy(), rtol=1e-9)
    np.testing.assert_allclose(ggo.numpy(), ggt.numpy(), rtol=1e-8)
    if name != "ndtr":  # (a composite: erfc(-x / sqrt 2) / 2)
        assert getattr(special, name)(o).grad_fn.name() == getattr(torch.special, name)(
            t).grad_fn.name()
    if name not in ("ndtri", "logit"):  # (keep the finite differences inside the domain)
        o = tg.tensor(a[np.abs(a) < 10], requires_grad=True)
        assert gradcheck(getattr(special, name), [o])
        assert gradgradcheck(getattr(special, name), [o])


@pytest.mark.parametrize("name", ["xlogy", "xlog1py", "zeta", "gammainc", "gammaincc"])
def test_binary_derivatives_like_torch(name: str) -> None:
    a, b = np.array([0.0, 1.5, 2.0, 3.5]), np.array([-1.0, 0.5, 2.0, 4.0])
    if name in ("zeta", "gammainc", "gammaincc"):
        a = np.array([1.5, 2.0, 3.5, 6.0])
    for which in (0, 1):
        ta = [torch.tensor(v, requires_grad=i == which) for i, v in enumerate((a, b))]
        oa = [tg.tensor(v, requires_grad=i == which) for i, v in enumerate((a, b))]
        try:
            (gt,) = torch.autograd.grad(getattr(torch.special, name)(*ta).sum(), ta[which])
        except Exception as e:  # no derivative in input: the same error on backward
            y = getattr(special, name)(*oa)
            assert y.requires_grad  # (PyTorch records the op; only backward raises)
            with pytest.raises(type(e), match="not implemented"):
                y.sum().backward()
            continue
        (go,) = tg.autograd.grad(getattr(special, name)(*oa).sum(), oa[which])
        np.testing.assert_allclose(go.numpy(), gt.numpy(), rtol=1e-9)
        assert getattr(special, name)(*oa).grad_fn.name() == getattr(torch.special, name)(
            *ta).grad_fn.name()
    if name != "xlogy":  # (xlogy's derivatives: tests/ops)
        x = tg.tensor(b[1:] + 1.0, requires_grad=True)
        fixed = tg.tensor(a[1:])
        assert gradcheck(lambda v: getattr(special, name)(fixed, v), [x])
        assert gradgradcheck(lambda v: getattr(special, name)(fixed, v), [x])


@pytest.mark.parametrize("name", ["modified_bessel_i0", "modified_bessel_i1", "bessel_j0",
                                  "scaled_modified_bessel_k1", "airy_ai",
                                  "spherical_bessel_j0", "chebyshev_polynomial_t"])
def test_functions_without_a_derivative_give_results_without_a_graph(name: str) -> None:
    args = (np.array([0.5, 2.0]),) + ((3,) if "polynomial" in name else ())
    theirs = getattr(torch.special, name)(torch.tensor(args[0], requires_grad=True), *args[1:])
    ours = getattr(special, name)(tg.tensor(args[0], requires_grad=True), *args[1:])
    assert ours.requires_grad is theirs.requires_grad is False
    with pytest.raises(RuntimeError):
        theirs.sum().backward()
    with pytest.raises(RuntimeError):
        ours.sum().backward()


@pytest.mark.parametrize("eps", [None, 0.1])
def test_logit_gradient_outside_its_domain(eps: float | None) -> None:
    # PyTorch's LogitBackward0: NaN outside [0, 1] without eps, 0 outside [eps, 1 - eps]
    x = np.array([-0.5, 0.0, 0.05, 0.5, 0.95, 1.0, 1.5])
    t, o = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    torch.special.logit(t, eps).sum().backward()
    special.logit(o, eps).sum().backward()
    np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-12, equal_nan=True)


def test_out_and_argument_errors() -> None:
    for lib, mod in ((torch, torch.special), (tg, special)):
        out = lib.zeros(3, dtype=lib.float64)
        assert mod.i0e(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), out=out) is out
    np.testing.assert_allclose(out.numpy(), torch.special.i0e(torch.tensor([1.0, 2.0, 3.0],
                               dtype=torch.float64)).numpy())
    for name, args in [("i0e", (2.0,)), ("ndtri", (0.5,)), ("gammainc", (1.0, 2.0)),
                       ("entr", ([0.5],))]:
        with pytest.raises(TypeError):
            getattr(torch.special, name)(*args)
        with pytest.raises(TypeError):
            getattr(special, name)(*args)
    for lib, mod in ((torch, torch.special), (tg, special)):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="out="):
            mod.i1(x, out=lib.zeros(2))
        kept = mod.modified_bessel_i1(x, out=lib.zeros(2))  # (no derivative: out= is fine)
        assert not kept.requires_grad


def test_aliases_with_their_arguments() -> None:
    x = np.array([[0.2, 1.5, -3.0], [4.0, 0.0, 2.5]])
    t, o = torch.tensor(x), tg.tensor(x)
    S = torch.special
    assert_like_torch(special.softmax(o, 1), S.softmax(t, 1))
    assert_like_torch(special.log_softmax(o, 0, dtype=tg.float32),
                      S.log_softmax(t, 0, dtype=torch.float32))
    assert_like_torch(special.logsumexp(o, 1, keepdim=True), S.logsumexp(t, 1, keepdim=True))
    assert_like_torch(special.logit(o / 5, eps=1e-3), S.logit(t / 5, eps=1e-3))
    assert_like_torch(special.round(o * 1.37, decimals=1), S.round(t * 1.37, decimals=1))
    assert_like_torch(special.polygamma(2, o + 4), S.polygamma(2, t + 4))
    assert_like_torch(special.multigammaln(o + 4, 3), S.multigammaln(t + 4, 3))


@pytest.mark.parametrize("name", UNARY + BESSEL + ["ndtri"])
@pytest.mark.parametrize("dtype", ["float16", "complex64", "bool"])
def test_dtypes_each_kernel_takes_or_refuses(name: str, dtype: str) -> None:
    # PyTorch's CPU kernels: several have no Half version, none here takes complex (but
    # expit / erf / exp2 ... do), bools give the default float
    x = [0.25, 0.75] if dtype != "bool" else [True, False]
    try:
        expected = getattr(torch.special, name)(torch.tensor(x, dtype=getattr(torch, dtype)))
    except Exception as e:
        with pytest.raises(type(e)):
            getattr(special, name)(tg.tensor(x, dtype=getattr(tg, dtype)))
        return
    ours = getattr(special, name)(tg.tensor(x, dtype=getattr(tg, dtype)))
    assert str(ours.dtype) == str(expected.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), expected.numpy(), rtol=2e-3, atol=1e-3)


@pytest.mark.parametrize("name", BINARY + ["chebyshev_polynomial_t"])
def test_shapes_that_do_not_broadcast_raise_runtime_error(name: str) -> None:
    for lib, mod in ((torch, torch.special), (tg, special)):
        with pytest.raises(RuntimeError):
            getattr(mod, name)(lib.tensor([0.5, 1.0]), lib.tensor([2.0, 3.0, 4.0]))
