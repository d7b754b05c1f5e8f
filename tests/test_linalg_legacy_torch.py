"""PyTorch's pre-``torch.linalg`` names (``_linalg_legacy``): torch.lu / lu_unpack /
lu_solve and geqrf / orgqr / ormqr as functions (their Tensor methods:
tests/tensor/test_linalg_methods_torch.py), against torch: values, dtypes, the return
types' fields, deprecation warnings, errors and gradients (first and second order by
two-sided differences, and against torch's)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _close(ours: Any, theirs: Any, tol: float = 1e-12) -> None:
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (4, 3), (3, 5), (2, 0, 0)])
def test_lu_and_lu_unpack_match_torch(shape: tuple[int, ...]) -> None:
    a = _rand(*shape)
    with pytest.warns(UserWarning, match="torch.lu is deprecated"):
        ours = tg.lu(tg.tensor(a), get_infos=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.lu(torch.from_numpy(a), get_infos=True)
    for o, t in zip(ours, theirs):
        _close(o, t)
    unpacked = tg.lu_unpack(*ours[:2])
    assert unpacked._fields == ("P", "L", "U")
    for o, t in zip(unpacked, torch.lu_unpack(*theirs[:2])):
        _close(o, t)


def test_lu_of_a_singular_matrix_reports_in_infos() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lu, piv = tg.lu(tg.zeros(3, 3))
        assert lu.shape == (3, 3) and piv.dtype == np.int32
        assert tg.lu(tg.zeros(3, 3), get_infos=True)[2].item() == torch.lu(
            torch.zeros(3, 3), get_infos=True)[2].item()


def test_lu_unpack_flags_give_empty_tensors_as_torch() -> None:
    a = _rand(3, 3)
    packed, piv = tg.linalg.lu_factor(tg.tensor(a))
    tp, tpiv = torch.linalg.lu_factor(torch.from_numpy(a))
    for flags in [(False, True), (True, False)]:
        for o, t in zip(tg.lu_unpack(packed, piv, *flags), torch.lu_unpack(tp, tpiv, *flags)):
            _close(o, t)


def test_lu_solve_matches_torch_and_warns() -> None:
    a, b = _rand(2, 3, 3), _rand(2, 3, 2, seed=1)
    packed = tg.linalg.lu_factor(tg.tensor(a))
    with pytest.warns(UserWarning, match="torch.lu_solve is deprecated"):
        x = tg.lu_solve(tg.tensor(b), *packed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = torch.lu_solve(torch.from_numpy(b), *torch.linalg.lu_factor(torch.from_numpy(a)))
    _close(x, want, 1e-10)
    with pytest.warns(UserWarning):
        _close(tg.lu_solve(tg.tensor(b), *packed), want, 1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_geqrf_and_orgqr_match_torch(shape: tuple[int, ...], dtype: type) -> None:
    a = _rand(*shape).astype(dtype)
    ours, theirs = tg.geqrf(tg.tensor(a)), torch.geqrf(torch.from_numpy(a))
    assert ours._fields == ("a", "tau")
    tol = 1e-12 if dtype == np.float64 else 1e-5
    _close(ours.a, theirs.a, tol)
    _close(ours.tau, theirs.tau, tol)
    if shape[-2] >= shape[-1]:
        _close(tg.orgqr(*ours), torch.orgqr(*theirs), tol)
        _close(tg.linalg.householder_product(*ours), torch.linalg.householder_product(*theirs),
               tol)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2)])
def test_ormqr_matches_torch_with_gradients(left: bool, transpose: bool,
                                            shape: tuple[int, ...]) -> None:
    a = _rand(*shape)
    m = shape[-2]
    c = _rand(*shape[:-2], m, 2, seed=2) if left else _rand(*shape[:-2], 2, m, seed=2)
    ga, ta = tg.geqrf(tg.tensor(a)), torch.geqrf(torch.from_numpy(a))
    ours = [tg.tensor(v._data.copy() if hasattr(v, "_data") else v, requires_grad=True)
            for v in (ga.a, ga.tau, c)]
    theirs = [torch.tensor(v.detach().numpy() if hasattr(v, "detach") else v,
                           requires_grad=True) for v in (ta.a, ta.tau, c)]
    out = tg.ormqr(*ours, left=left, transpose=transpose)
    want = torch.ormqr(*theirs, left=left, transpose=transpose)
    _close(out, want)
    weights = _rand(*want.shape, seed=3)
    (out * tg.tensor(weights)).sum().backward()
    (want * torch.from_numpy(weights)).sum().backward()
    for o, t in zip(ours, theirs):
        _close(o.grad, t.grad, 1e-10)


def test_geqrf_has_no_derivative_as_torch() -> None:
    x = tg.tensor(_rand(3, 3), requires_grad=True)
    a, tau = tg.geqrf(x)
    with pytest.raises(NotImplementedError, match="derivative for 'geqrf'"):
        (a.sum() + tau.sum()).backward()


@pytest.mark.parametrize("call,message", [
    (lambda: tg.geqrf(tg.ones(3)), "at least 2 dimensions"),
    (lambda: tg.geqrf(tg.ones(3, 3, dtype=tg.int32)), "geqrf_cpu"),
    (lambda: tg.ormqr(tg.ones(4, 3, dtype=tg.float64), tg.ones(3, dtype=tg.float64),
                      tg.ones(3, 2, dtype=tg.float64)), r"other.shape\[-2\] must be equal"),
    (lambda: tg.ormqr(tg.ones(4, 3, dtype=tg.float64), tg.ones(2, dtype=tg.float64),
                      tg.ones(4, 2, dtype=tg.float64)), r"tau.shape\[-1\] must be equal"),
    (lambda: tg.ormqr(tg.ones(4, 3, dtype=tg.float64), tg.ones(3, dtype=tg.float64),
                      tg.ones(4, 2)), "same dtype"),
    (lambda: tg.ormqr(tg.ones(4, 3, dtype=tg.float64), tg.ones(3, dtype=tg.float64),
                      tg.ones(4, dtype=tg.float64)), "other must have at least 2"),
    (lambda: tg.lu_unpack(tg.ones(3, 3), tg.ones(3, dtype=tg.int64)), "int32"),
])
def test_errors_are_torchs(call: Any, message: str) -> None:
    with pytest.raises((RuntimeError, NotImplementedError), match=message):
        call()


@settings(max_examples=10, deadline=None)
@given(m=st.integers(2, 4), extra=st.integers(0, 1), left=st.booleans(),
       transpose=st.booleans(), seed=st.integers(0, 2**16))
def test_ormqr_first_and_second_derivatives(m: int, extra: int, left: bool, transpose: bool,
                                            seed: int) -> None:
    n = m - extra
    a = tg.tensor(_rand(m, n, seed=seed), requires_grad=True)
    tau = tg.tensor(np.random.default_rng(seed).uniform(0.2, 1.8, n), requires_grad=True)
    c = tg.tensor(_rand(m, 2, seed=seed + 1) if left else _rand(2, m, seed=seed + 1),
                  requires_grad=True)

    def f(a: Any, tau: Any, c: Any) -> Any:
        return tg.ormqr(a, tau, c, left=left, transpose=transpose)

    assert tg.gradcheck(f, (a, tau, c))
    assert tg.gradgradcheck(f, (a, tau, c))


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_lu_unpack_first_and_second_derivatives(n: int, seed: int) -> None:
    a = tg.tensor(_rand(n, n, seed=seed) + 3 * np.eye(n), requires_grad=True)

    def f(a: Any) -> Any:
        packed, piv = tg.linalg.lu_factor(a)
        _, low, up = tg.lu_unpack(packed, piv)
        return low.sum() + (up * up).sum()

    assert tg.gradcheck(f, (a,))
    assert tg.gradgradcheck(f, (a,))
