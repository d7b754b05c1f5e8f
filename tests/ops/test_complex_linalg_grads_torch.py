"""Gradients of the linear-algebra ops on complex input against PyTorch (ops/decomp.py and
the linalg front ends): each loss is real, run on both libraries with the same complex64 /
complex128 array (one matrix and a batch); the gradient (PyTorch's convention: the conjugate
Wirtinger derivative, times 2) must agree, and so must the second derivative (a real function
of the create_graph gradient, differentiated again). A loss that depends on the phase of
complex singular vectors / eigenvectors raises, as PyTorch's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch
RNG = np.random.default_rng(15)
DTYPES = {"c64": (np.complex64, 1e-4), "c128": (np.complex128, 1e-10)}


def general(shape: tuple[int, ...], dt: Any) -> np.ndarray:
    return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dt)


def hermitian_pd(shape: tuple[int, ...], dt: Any) -> np.ndarray:
    a = RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)
    return (a @ np.conj(np.swapaxes(a, -1, -2)) + 3 * np.eye(shape[-1])).astype(dt)


def sum_abs(parts: Any) -> Any:
    return sum(p.abs().sum() for p in parts)


# (name, input maker, loss(lib, x) -> real scalar)
LOSSES: list[tuple[str, Callable[..., np.ndarray], Callable[[Any, Any], Any]]] = [
    ("det_abs", general, lambda L, x: L.linalg.det(x).abs().sum()),
    ("det_real", general, lambda L, x: (L.linalg.det(x) * (1 + 2j)).real.sum()),
    ("slogdet_logabs", general, lambda L, x: L.linalg.slogdet(x)[1].sum()),
    ("slogdet_sign", general, lambda L, x: (L.linalg.slogdet(x)[0] * (0.3 - 1.2j)).real.sum()
     + L.linalg.slogdet(x)[0].angle().sum()),
    ("cholesky", hermitian_pd, lambda L, x: L.linalg.cholesky(x).abs().sum()),
    ("cholesky_real", hermitian_pd, lambda L, x: (L.linalg.cholesky(x) * x).real.sum()),
    ("cholesky_upper", hermitian_pd, lambda L, x: L.linalg.cholesky(x, upper=True).abs().sum()),
    ("qr", general, lambda L, x: sum_abs(L.linalg.qr(x))),
    ("qr_real", general, lambda L, x: (L.linalg.qr(x)[0].mH @ x).imag.sum()
     + L.linalg.qr(x)[1].real.sum()),
    ("eigh", hermitian_pd, lambda L, x: L.linalg.eigh(x)[0].sum()
     + L.linalg.eigh(x)[1].abs().sum()),
    ("eigh_upper", hermitian_pd, lambda L, x: (L.linalg.eigh(x, UPLO="U")[0] ** 2).sum()),
    ("eigvalsh", hermitian_pd, lambda L, x: (L.linalg.eigvalsh(x) ** 2).sum()),
    ("svd", general, lambda L, x: L.linalg.svd(x)[1].sum() + L.linalg.svd(x)[0].abs().sum()
     + L.linalg.svd(x)[2].abs().sum()),
    ("svd_pair", general, lambda L, x: (L.linalg.svd(x, full_matrices=False)[0][..., :2, :1]
                                         * L.linalg.svd(x, full_matrices=False)[2][..., :1, :2]
                                         .mT).abs().sum()),
    ("svdvals", general, lambda L, x: (L.linalg.svdvals(x) ** 2).sum()),
    ("norm_nuc", general, lambda L, x: L.linalg.matrix_norm(x, "nuc").sum()),
    ("norm_2", general, lambda L, x: L.linalg.matrix_norm(x, 2).sum()),
    ("norm_-2", general, lambda L, x: L.linalg.matrix_norm(x, -2).sum()),
    ("cond", general, lambda L, x: L.linalg.cond(x).sum()),
    ("pinv", general, lambda L, x: L.linalg.pinv(x).abs().sum()),
    ("lstsq", general, lambda L, x: L.linalg.lstsq(x, x[..., :2] + 1).solution.abs().sum()),
    ("eigvals", general, lambda L, x: L.linalg.eigvals(x).abs().sum()),
    ("eigvals_real", general, lambda L, x: (L.linalg.eigvals(x) * (1 + 2j)).real.sum()),
    ("eig", general, lambda L, x: L.linalg.eig(x)[1].abs().sum()
     + L.linalg.eig(x)[0].imag.sum()),
    ("householder", general, lambda L, x: L.linalg.householder_product(
        x, x[..., 0, :2]).abs().sum()),
    ("cholesky_solve", hermitian_pd, lambda L, x: L.cholesky_solve(
        x[..., :2] + 1, L.linalg.cholesky(x)).abs().sum()),
    ("cholesky_solve_upper", hermitian_pd, lambda L, x: L.cholesky_solve(
        x[..., :2] * 1j + 1, L.linalg.cholesky(x, upper=True), upper=True).abs().sum()),
    ("cholesky_inverse", hermitian_pd, lambda L, x: L.cholesky_inverse(
        L.linalg.cholesky(x)).abs().sum()),
]


def grads(lib: Any, loss: Callable[[Any, Any], Any], x: np.ndarray) -> np.ndarray:
    t = lib.tensor(x, requires_grad=True)
    loss(lib, t).backward()
    return np.asarray(t.grad.detach().numpy())


def check(loss: Callable[[Any, Any], Any], x: np.ndarray, tol: float) -> None:
    want, got = grads(torch, loss, x), grads(tg, loss, x)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dt", sorted(DTYPES))
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize("name,make,loss", LOSSES, ids=[c[0] for c in LOSSES])
def test_gradient_matches_torch(name: str, make: Any, loss: Any, shape: Any, dt: str) -> None:
    dtype, tol = DTYPES[dt]
    check(loss, make(shape, dtype), tol)


RECTANGULAR = [c for c in LOSSES if c[0] in ("qr", "qr_real", "svd", "svd_pair", "svdvals",
                                             "norm_nuc", "pinv", "cond")]


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
@pytest.mark.parametrize("name,make,loss", RECTANGULAR, ids=[c[0] for c in RECTANGULAR])
def test_rectangular_gradient_matches_torch(name: str, make: Any, loss: Any, shape: Any) -> None:
    check(loss, make(shape, np.complex128), 1e-10)


def test_forward_values_match_torch() -> None:
    """The values the gradients are taken at: real eigen- / singular values, the conjugate
    transposes in pinv, cholesky(upper=True), eigh(UPLO='U') and householder_product."""
    a, h = general((3, 3), np.complex128), hermitian_pd((3, 3), np.complex128)
    cases = [(lambda L, x: L.linalg.eigh(x)[0], h), (lambda L, x: L.linalg.svdvals(x), a),
             (lambda L, x: L.linalg.cond(x), a), (lambda L, x: L.linalg.pinv(x), a),
             (lambda L, x: L.linalg.cholesky(x, upper=True), h),
             (lambda L, x: L.linalg.eigh(x, UPLO="U")[1].abs(), h),
             (lambda L, x: L.linalg.householder_product(x, x[0, :2]), a),
             (lambda L, x: L.linalg.lstsq(x, x[:, :2] + 1).solution, a)]
    for f, x in cases:
        want, got = f(torch, torch.tensor(x)).numpy(), f(tg, tg.tensor(x)).numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


SECOND = [c for c in LOSSES if c[0] in ("det_abs", "slogdet_logabs", "slogdet_sign", "cholesky",
                                        "qr", "eigh", "eigvalsh", "svd", "svdvals", "eigvals",
                                        "pinv", "householder")]


def second_grads(lib: Any, loss: Callable[[Any, Any], Any], x: np.ndarray,
                 w: np.ndarray) -> np.ndarray:
    t = lib.tensor(x, requires_grad=True)
    (g,) = lib.autograd.grad(loss(lib, t), t, create_graph=True)
    (g * lib.tensor(w)).real.sum().backward()
    return np.asarray(t.grad.detach().numpy())


@pytest.mark.parametrize("name,make,loss", SECOND, ids=[c[0] for c in SECOND])
def test_second_derivative_matches_torch(name: str, make: Any, loss: Any) -> None:
    x, w = make((3, 3), np.complex128), general((3, 3), np.complex128)
    want, got = second_grads(torch, loss, x, w), second_grads(tg, loss, x, w)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("loss", [
    lambda L, x: L.linalg.svd(x)[0].real.sum(),
    lambda L, x: L.linalg.svd(x)[2].imag.sum(),
    lambda L, x: L.linalg.eigh(x @ x.mH)[1].real.sum(),
    lambda L, x: L.linalg.eig(x)[1].real.sum(),
], ids=["svd_U", "svd_Vh", "eigh_V", "eig_V"])
def test_phase_dependent_loss_raises_as_torch(loss: Any) -> None:
    x = general((3, 3), np.complex128)
    t, o = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    with pytest.raises(RuntimeError) as want:
        loss(torch, t).backward()
    with pytest.raises(RuntimeError) as got:
        loss(tg, o).backward()
    assert str(got.value).split(":")[0] == str(want.value).split(":")[0]
    assert "e^{i phi}" in str(got.value)


def test_real_input_unchanged_dtype_of_values() -> None:
    """A real input keeps real eigen- / singular values and real gradients (eigvals: the
    real part of the complex gradient, as PyTorch's)."""
    x = RNG.standard_normal((3, 3))
    for lib_loss in (lambda L, t: L.linalg.svdvals(t).sum(),
                     lambda L, t: L.linalg.eigvalsh(t @ t.mT).sum(),
                     lambda L, t: L.linalg.eigvals(t).abs().sum()):
        want, got = grads(torch, lib_loss, x), grads(tg, lib_loss, x)
        assert got.dtype == want.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# composites whose complex values needed a conjugate transpose (loss: sum |f(A, B)|)
COMPOSITES: list[tuple[str, Callable[[Any, Any, Any], Any]]] = [
    ("lu_solve_adjoint", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b,
                                                           adjoint=True)),
    ("lu_solve_adjoint_right", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b.mT,
                                                                 adjoint=True, left=False)),
    ("lu_solve_right", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b.mT,
                                                         left=False)),
    ("vecdot", lambda L, a, b: L.linalg.vecdot(a[..., :2], b)),
    ("cond_nuc", lambda L, a, b: L.linalg.cond(a, "nuc")),
    # a tolerance that drops singular values: the gradient of the Moore-Penrose formula at
    # the truncated pseudo-inverse (pinv), and of pinv(A) B untruncated (lstsq), as PyTorch
    ("pinv_dropped", lambda L, a, b: L.linalg.pinv(a, rtol=0.5)),
    ("lstsq_dropped", lambda L, a, b: L.linalg.lstsq(a, b, rcond=0.5, driver="gelsd").solution),
]


@pytest.mark.parametrize("name,call", COMPOSITES, ids=[c[0] for c in COMPOSITES])
def test_composite_values_and_gradients_match_torch(name: str, call: Any) -> None:
    a, b = general((2, 3, 3), np.complex128), general((2, 3, 2), np.complex128)
    outs, gs = [], []
    for lib in (torch, tg):
        ta, tb = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out = call(lib, ta, tb)
        outs.append(out.detach().resolve_conj().numpy())
        out.abs().sum().backward()
        gs.append([np.asarray(t.grad.numpy()) if t.grad is not None else None for t in (ta, tb)])
    assert outs[1].dtype == outs[0].dtype
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-10, atol=1e-10)
    for want, got in zip(*gs):
        assert (want is None) == (got is None)
        if want is not None:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("fn", ["cov", "corrcoef"])
@pytest.mark.parametrize("dt", sorted(DTYPES))
def test_cov_and_corrcoef_of_complex_rows_match_torch(fn: str, dt: str) -> None:
    """(x - mean)(x w - mean)^H, conjugated as PyTorch's; corrcoef divides by the square roots
    of the real variances and clips the real and imaginary parts each to [-1, 1]."""
    dtype, tol = DTYPES[dt]
    x = general((3, 5), dtype)
    want = getattr(torch.tensor(x), fn)().numpy()
    got = getattr(tg.tensor(x), fn)().numpy()
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    check(lambda L, t: getattr(t, fn)().abs().sum(), x, tol)
