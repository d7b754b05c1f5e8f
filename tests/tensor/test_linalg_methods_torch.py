"""The pre-``torch.linalg`` factorisations as Tensor methods (``tensor_linalg_legacy``):
``x.lu()``, ``b.lu_solve(LU, pivots)``, ``x.geqrf()``, ``x.orgqr(tau)``, ``x.ormqr(tau, c)``,
against torch's methods: values (float64 to 1e-12), dtypes, shapes, return types, gradients
where torch has them and the types of the errors."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _rand(*shape: int, seed: int = 0, dtype: Any = np.float64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def _pair(a: np.ndarray, grad: bool = False) -> tuple[Any, Any]:
    return (tg.tensor(a, requires_grad=grad),
            torch.tensor(a, requires_grad=grad))


def _close(ours: Any, theirs: Any, tol: float = 1e-12) -> None:
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _loss(out: Any, w: np.ndarray, m: Any) -> Any:
    """A real scalar of out (complex out: |sum(out * w)|, whose gradient is conj-Wirtinger)."""
    s = (out * m.tensor(w)).sum()
    return s.abs() if out.is_complex() else s


def _quiet(f: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f()


def _same_error(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    """Both raise, and the same exception type."""
    with pytest.raises(Exception) as t_err:
        _quiet(theirs)
    with pytest.raises(t_err.type):
        _quiet(ours)


# -- lu --------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (4, 3), (3, 5), (2, 3, 2), (2, 0, 0)])
@pytest.mark.parametrize("get_infos", [False, True])
def test_lu_matches_torch(shape: tuple[int, ...], get_infos: bool) -> None:
    x, tx = _pair(_rand(*shape))
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        ours = x.lu(get_infos=get_infos)
    theirs = _quiet(lambda: tx.lu(get_infos=get_infos))
    assert type(ours) is type(theirs) and len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _close(o, t)


def test_lu_of_a_singular_matrix_reports_it_in_infos() -> None:
    a = np.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]])
    x, tx = _pair(a)
    for pivot_info in (True, False):
        ours = _quiet(lambda: x.lu(get_infos=pivot_info))  # noqa: B023
        theirs = _quiet(lambda: tx.lu(get_infos=pivot_info))  # noqa: B023
        for o, t in zip(ours, theirs):
            _close(o, t)


@pytest.mark.parametrize("dtype", [np.float32, np.complex128])
def test_lu_keeps_the_dtype(dtype: Any) -> None:
    x, tx = _pair(_rand(3, 3, dtype=dtype))
    for o, t in zip(_quiet(x.lu), _quiet(tx.lu)):
        _close(o, t, tol=1e-5)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_lu_gradient_matches_torch(shape: tuple[int, ...], dtype: Any) -> None:
    x, tx = _pair(_rand(*shape, seed=1, dtype=dtype), grad=True)
    w = _rand(*shape, seed=2, dtype=dtype)
    _loss(_quiet(x.lu)[0], w, tg).backward()
    _loss(_quiet(tx.lu)[0], w, torch).backward()
    _close(x.grad, tx.grad, tol=1e-10)


@pytest.mark.parametrize("call", [
    lambda m: m.ones(3, 3, dtype=m.float64).lu(pivot=False),
    lambda m: m.ones(3, dtype=m.float64).lu(),
    lambda m: m.ones(3, 3, dtype=m.int64).lu(),
    lambda m: m.ones(3, 3, dtype=m.float16).lu(),
])
def test_lu_errors_are_torchs(call: Callable[[Any], Any]) -> None:
    _same_error(lambda: call(tg), lambda: call(torch))


# -- lu_solve ----------------------------------------------------------------------------
@pytest.mark.parametrize("a_shape, b_shape", [
    ((3, 3), (3, 2)), ((2, 4, 4), (2, 4, 3)), ((3, 3), (5, 3, 1)), ((2, 3, 3), (3, 2)),
    ((4, 1, 3, 3), (2, 3, 2)), ((0, 3, 3), (0, 3, 2)),
])
def test_lu_solve_matches_torch(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    a, b = _rand(*a_shape, seed=3), _rand(*b_shape, seed=4)
    lu, piv = torch.linalg.lu_factor(torch.tensor(a))
    with pytest.warns(UserWarning, match="torch.lu_solve is deprecated"):
        ours = tg.tensor(b).lu_solve(tg.tensor(lu.numpy()), tg.tensor(piv.numpy()))
    _close(ours, _quiet(lambda: torch.tensor(b).lu_solve(lu, piv)))


def test_lu_solve_takes_the_factors_of_lu() -> None:
    a, b = _rand(2, 4, 4, seed=5), _rand(2, 4, 3, seed=6)
    x, tx = _pair(a)
    ours = _quiet(lambda: tg.tensor(b).lu_solve(*x.lu()))
    _close(ours, _quiet(lambda: torch.tensor(b).lu_solve(*tx.lu())))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_lu_solve_gradients_match_torch(dtype: Any) -> None:
    a, b = _rand(2, 3, 3, seed=7, dtype=dtype), _rand(2, 3, 2, seed=8, dtype=dtype)
    lu_t, piv_t = torch.linalg.lu_factor(torch.tensor(a))
    lu, tlu = _pair(lu_t.numpy(), grad=True)
    rhs, trhs = _pair(b, grad=True)
    w = _rand(2, 3, 2, seed=9, dtype=dtype)
    _loss(_quiet(lambda: rhs.lu_solve(lu, tg.tensor(piv_t.numpy()))), w, tg).backward()
    _loss(_quiet(lambda: trhs.lu_solve(tlu, piv_t)), w, torch).backward()
    _close(rhs.grad, trhs.grad, tol=1e-10)
    _close(lu.grad, tlu.grad, tol=1e-10)


@pytest.mark.parametrize("make", [
    lambda m, lu, p: m.ones(3, dtype=m.float64).lu_solve(lu, p),
    lambda m, lu, p: m.ones(3, 2, dtype=m.float64).lu_solve(lu, p.long()),
    lambda m, lu, p: m.ones(3, 2, dtype=m.float32).lu_solve(lu, p),
    lambda m, lu, p: m.ones(4, 2, dtype=m.float64).lu_solve(lu, p),
    lambda m, lu, p: m.ones(3, 2, dtype=m.float64).lu_solve(lu[:, :2], p),
    lambda m, lu, p: m.ones(3, 2, dtype=m.float64).lu_solve(lu, [1, 2, 3]),
])
def test_lu_solve_errors_are_torchs(make: Callable[..., Any]) -> None:
    lu, piv = torch.linalg.lu_factor(torch.tensor(_rand(3, 3)))
    _same_error(lambda: make(tg, tg.tensor(lu.numpy()), tg.tensor(piv.numpy())),
                lambda: make(torch, lu, piv))


# -- geqrf, orgqr, ormqr ---------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 5, 3), (2, 0, 3)])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
def test_geqrf_matches_torch(shape: tuple[int, ...], dtype: Any) -> None:
    x, tx = _pair(_rand(*shape, dtype=dtype))
    ours, theirs = x.geqrf(), tx.geqrf()
    assert ours._fields == ("a", "tau")
    tol = 1e-5 if dtype == np.float32 else 1e-12
    _close(ours.a, theirs.a, tol)
    _close(ours.tau, theirs.tau, tol)


def test_geqrf_has_no_derivative_as_torch() -> None:
    x, tx = _pair(_rand(4, 3), grad=True)
    _same_error(lambda: x.geqrf().a.sum().backward(), lambda: tx.geqrf().a.sum().backward())
    assert x.geqrf().tau.requires_grad == tx.geqrf().tau.requires_grad


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5, 3), (5, 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_orgqr_matches_torch(shape: tuple[int, ...], dtype: Any) -> None:
    a, tau = torch.geqrf(torch.tensor(_rand(*shape, seed=10, dtype=dtype)))
    ours = tg.tensor(a.numpy()).orgqr(tg.tensor(tau.numpy()))
    _close(ours, a.orgqr(tau))


def test_orgqr_with_fewer_reflectors_matches_torch() -> None:
    a, tau = torch.geqrf(torch.tensor(_rand(5, 3, seed=11)))
    ours = tg.tensor(a.numpy()).orgqr(tg.tensor(tau[:2].numpy()))
    _close(ours, a.orgqr(tau[:2]))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_orgqr_gradients_match_torch(dtype: Any) -> None:
    a0, tau0 = torch.geqrf(torch.tensor(_rand(2, 5, 3, seed=12, dtype=dtype)))
    a, ta = _pair(a0.numpy(), grad=True)
    tau, ttau = _pair(tau0.numpy(), grad=True)
    w = _rand(2, 5, 3, seed=13, dtype=dtype)
    _loss(a.orgqr(tau), w, tg).backward()
    _loss(ta.orgqr(ttau), w, torch).backward()
    _close(a.grad, ta.grad, tol=1e-10)
    _close(tau.grad, ttau.grad, tol=1e-10)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("a_shape", [(4, 3), (4, 4), (4, 6), (2, 4, 3)])
def test_ormqr_matches_torch(left: bool, transpose: bool, dtype: Any,
                             a_shape: tuple[int, ...]) -> None:
    a, tau = torch.geqrf(torch.tensor(_rand(*a_shape, seed=14, dtype=dtype)))
    m = a_shape[-2]
    c = _rand(*a_shape[:-2], *((m, 2) if left else (2, m)), seed=15, dtype=dtype)
    ours = tg.tensor(a.numpy()).ormqr(tg.tensor(tau.numpy()), tg.tensor(c), left, transpose)
    _close(ours, a.ormqr(tau, torch.tensor(c), left, transpose))


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_ormqr_gradients_match_torch(left: bool, transpose: bool, dtype: Any) -> None:
    a0, tau0 = torch.geqrf(torch.tensor(_rand(2, 4, 3, seed=16, dtype=dtype)))
    a, ta = _pair(a0.numpy(), grad=True)
    tau, ttau = _pair(tau0.numpy(), grad=True)
    side = (4, 2) if left else (2, 4)
    c, tc = _pair(_rand(2, *side, seed=17, dtype=dtype), grad=True)
    w = _rand(2, *side, seed=18, dtype=dtype)
    _loss(a.ormqr(tau, c, left=left, transpose=transpose), w, tg).backward()
    _loss(ta.ormqr(ttau, tc, left=left, transpose=transpose), w, torch).backward()
    for o, t in ((a, ta), (tau, ttau), (c, tc)):
        _close(o.grad, t.grad, tol=1e-10)


@pytest.mark.parametrize("call", [
    lambda m: m.ones(3, dtype=m.float64).geqrf(),
    lambda m: m.ones(3, 3, dtype=m.int64).geqrf(),
    lambda m: m.ones(3, 3, dtype=m.float16).geqrf(),
    lambda m: m.ones(2, 3, dtype=m.float64).orgqr(m.ones(2, dtype=m.float64)),
    lambda m: m.ones(3, 2, dtype=m.float64).orgqr(m.ones(3, dtype=m.float64)),
    lambda m: m.ones(3, 2, dtype=m.float64).orgqr(m.ones(2, dtype=m.float32)),
    lambda m: m.ones(3, 2, dtype=m.float64).orgqr(m.ones(1, 2, dtype=m.float64)),
    lambda m: m.ones(2, 3, 2, dtype=m.float64).orgqr(m.ones(3, 2, dtype=m.float64)),
    lambda m: m.ones(3, 2, dtype=m.float64).orgqr(m.ones((), dtype=m.float64)),
    lambda m: m.ones(3, 2, dtype=m.int64).orgqr(m.ones(2, dtype=m.int64)),
    lambda m: m.ones(3, 2, dtype=m.float64).orgqr([1.0, 2.0]),
    lambda m: m.ones(3, dtype=m.float64).orgqr(m.ones(2, dtype=m.float64)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(3, dtype=m.float64),
                                                   m.ones(3, 2, dtype=m.float64)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(2, dtype=m.float64),
                                                   m.ones(4, 2, dtype=m.float64)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(3, dtype=m.float64),
                                                   m.ones(4, 2, dtype=m.float32)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(3, dtype=m.float64),
                                                   m.ones(4, dtype=m.float64)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(3, dtype=m.float64),
                                                   m.ones(2, 4, 2, dtype=m.float64)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(3, dtype=m.float64),
                                                   m.ones(4, 2, dtype=m.float64), left=False),
    lambda m: m.ones(4, 3, dtype=m.int64).ormqr(m.ones(3, dtype=m.int64),
                                                 m.ones(4, 2, dtype=m.int64)),
    lambda m: m.ones(4, 3, dtype=m.float64).ormqr(m.ones(3, dtype=m.float64), [[1.0]]),
])
def test_householder_errors_are_torchs(call: Callable[[Any], Any]) -> None:
    _same_error(lambda: call(tg), lambda: call(torch))


def test_the_functions_are_the_methods() -> None:
    a, b = _rand(3, 3, seed=19), _rand(3, 2, seed=20)
    x = tg.tensor(a)
    packed, piv = _quiet(lambda: tg.lu(x))
    _close(packed, _quiet(x.lu)[0])
    _close(_quiet(lambda: tg.lu_solve(tg.tensor(b), packed, piv)),
           _quiet(lambda: torch.lu_solve(torch.tensor(b), *torch.linalg.lu_factor(
               torch.tensor(a)))))
    h, tau = tg.geqrf(x)
    th, ttau = torch.geqrf(torch.tensor(a))
    _close(tg.orgqr(h, tau), torch.orgqr(th, ttau))
    _close(tg.ormqr(h, tau, tg.tensor(b), transpose=True),
           torch.ormqr(th, ttau, torch.tensor(b), transpose=True))
