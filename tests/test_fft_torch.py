"""``tinygrad_nn.fft`` beside ``torch.fft``: values, dtypes and shapes (n / s, dim, the three
norms), first-order gradients against torch's, second order by gradgradcheck, the helpers
(fftfreq, rfftfreq, fftshift, ifftshift) and the errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tn
import tinygrad_nn.fft as tfft
from tinygrad_nn.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(0)
X = _RNG.standard_normal((4, 6))
Z = X + 1j * _RNG.standard_normal((4, 6))


def _fft(lib: Any) -> Any:
    return tfft if lib is tn else torch.fft


def _resolved(t: Any) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        t = t.resolve_conj()
    return t.detach().numpy()


def _run(lib: Any, fn: Callable[[Any, Any], Any], data: np.ndarray, dtype: str,
         weights: np.ndarray | None) -> tuple[Any, Any]:
    """fn's result and the gradient of a loss that weighs real and imaginary parts apart."""
    x = lib.tensor(data.astype(dtype), requires_grad=True)
    y = fn(_fft(lib), x)
    w = lib.tensor(weights if weights is not None else np.ones(tuple(y.shape)))
    if y.is_complex():
        pairs = lib.view_as_real(y.resolve_conj()) if lib is torch else lib.view_as_real(y)
        loss = (pairs[..., 0] * w + pairs[..., 1] * w * w).sum()
    else:
        loss = (y * w).sum()
    loss.backward()
    return y, x.grad


COMPLEX_IN: dict[str, Callable[[Any, Any], Any]] = {
    "fft": lambda f, x: f.fft(x),
    "fft n<size dim0": lambda f, x: f.fft(x, n=3, dim=0),
    "fft n>size ortho": lambda f, x: f.fft(x, n=9, norm="ortho"),
    "ifft": lambda f, x: f.ifft(x),
    "ifft forward": lambda f, x: f.ifft(x, n=5, norm="forward"),
    "irfft": lambda f, x: f.irfft(x),
    "irfft n odd": lambda f, x: f.irfft(x, n=9),
    "irfft n small ortho": lambda f, x: f.irfft(x, n=4, norm="ortho"),
    "irfft forward dim0": lambda f, x: f.irfft(x, dim=0, norm="forward"),
    "fft2": lambda f, x: f.fft2(x),
    "ifft2 s": lambda f, x: f.ifft2(x, s=(3, 8)),
    "irfft2": lambda f, x: f.irfft2(x),
    "irfft2 s forward": lambda f, x: f.irfft2(x, s=(5, 7), norm="forward"),
    "fftn": lambda f, x: f.fftn(x),
    "fftn s": lambda f, x: f.fftn(x, s=(5,)),
    "ifftn dim": lambda f, x: f.ifftn(x, dim=0, norm="ortho"),
    "irfftn": lambda f, x: f.irfftn(x),
    "irfftn dims reversed": lambda f, x: f.irfftn(x, dim=(1, 0)),
    "irfftn s -1": lambda f, x: f.irfftn(x, s=(3, -1)),
    "hfft": lambda f, x: f.hfft(x),
    "hfft n ortho": lambda f, x: f.hfft(x, n=5, norm="ortho"),
    "hfft forward dim0": lambda f, x: f.hfft(x, dim=0, norm="forward"),
    "hfft2": lambda f, x: f.hfft2(x),
    "hfft2 s ortho": lambda f, x: f.hfft2(x, s=(3, 7), norm="ortho"),
    "hfftn": lambda f, x: f.hfftn(x),
    "hfftn dim forward": lambda f, x: f.hfftn(x, dim=(0,), norm="forward"),
    "ifftshift": lambda f, x: f.ifftshift(x, dim=1),
    "fftn 0-d": lambda f, x: f.fftn(x[0, 0]),
}
REAL_IN: dict[str, Callable[[Any, Any], Any]] = {
    "fft of real": lambda f, x: f.fft(x),
    "rfft": lambda f, x: f.rfft(x),
    "rfft n odd forward": lambda f, x: f.rfft(x, n=7, norm="forward"),
    "rfft dim0 ortho": lambda f, x: f.rfft(x, dim=0, norm="ortho"),
    "rfft2": lambda f, x: f.rfft2(x),
    "rfft2 s": lambda f, x: f.rfft2(x, s=(3, 9)),
    "rfftn": lambda f, x: f.rfftn(x),
    "rfftn dims reversed": lambda f, x: f.rfftn(x, dim=(1, 0)),
    "irfft of real": lambda f, x: f.irfft(x),
    "ihfft": lambda f, x: f.ihfft(x),
    "ihfft n forward": lambda f, x: f.ihfft(x, n=5, norm="forward"),
    "ihfft2": lambda f, x: f.ihfft2(x),
    "ihfftn s forward": lambda f, x: f.ihfftn(x, s=(3, 5), norm="forward"),
    "fftshift": lambda f, x: f.fftshift(x),
    "fftshift dims": lambda f, x: f.fftshift(x, dim=(0,)),
}


@pytest.mark.parametrize(("name", "data", "dtype"), [
    (n, Z, dt) for n in COMPLEX_IN for dt in ("complex64", "complex128")] + [
    (n, X, dt) for n in REAL_IN for dt in ("float32", "float64")])
def test_values_dtypes_and_gradients(name: str, data: np.ndarray, dtype: str) -> None:
    fn = {**COMPLEX_IN, **REAL_IN}[name]
    theirs, gt = _run(torch, fn, data, dtype, None)
    weights = _RNG.standard_normal(tuple(theirs.shape))
    theirs, gt = _run(torch, fn, data, dtype, weights)
    ours, go = _run(tn, fn, data, dtype, weights)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    tol = 1e-4 if dtype in ("float32", "complex64") else 1e-10
    np.testing.assert_allclose(_resolved(ours), _resolved(theirs), rtol=tol, atol=tol)
    assert str(go.dtype) == str(gt.dtype).removeprefix("torch.")
    np.testing.assert_allclose(_resolved(go), _resolved(gt), rtol=tol, atol=tol)


def test_integer_input_computes_in_the_default_float() -> None:
    for name in ("fft", "rfft", "ihfft"):
        ours = getattr(tfft, name)(tn.tensor([1, 2, 3, 4]))
        theirs = getattr(torch.fft, name)(torch.tensor([1, 2, 3, 4]))
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_allclose(ours.numpy(), _resolved(theirs), rtol=1e-6)


_V, _C = tn.view_as_real, tn.view_as_complex


@pytest.mark.parametrize("fn", [
    lambda r: _V(tfft.fft(_C(r), n=5)),
    lambda r: _V(tfft.ifft2(_C(r), norm="ortho")),
    lambda r: _V(tfft.rfft(r[..., 0], n=5)),
    lambda r: _V(tfft.rfftn(r, norm="forward")),
    lambda r: tfft.irfft(_C(r)),
    lambda r: tfft.irfftn(_C(r), s=(3, 5), norm="ortho"),
    lambda r: tfft.hfft(_C(r), n=4),
    lambda r: _V(tfft.ihfft(r[..., 1])),
    lambda r: tfft.hfftn(_C(r), s=(2, 4)),
    lambda r: _V(tfft.ihfft2(r[..., 0], norm="ortho")),
])
def test_second_derivatives(fn: Callable[[Any], Any]) -> None:
    """gradgradcheck: each transform's backward is another transform, differentiable too."""
    r = tn.tensor(_RNG.standard_normal((3, 4, 2)), requires_grad=True)
    assert gradcheck(fn, (r,)) and gradgradcheck(fn, (r,))


@pytest.mark.parametrize("call", [
    lambda f, m: f.fftfreq(5), lambda f, m: f.fftfreq(6, 0.5),
    lambda f, m: f.rfftfreq(7, 0.1, dtype=m.float64), lambda f, m: f.rfftfreq(4),
])
def test_frequencies(call: Callable[[Any, Any], Any]) -> None:
    ours, theirs = call(tfft, tn), call(torch.fft, torch)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda f, m: f.fft(m.tensor(X), norm="foo"),
    lambda f, m: f.rfft(m.tensor(Z)),
    lambda f, m: f.ihfft(m.tensor(Z)),
    lambda f, m: f.ihfftn(m.tensor(Z)),
    lambda f, m: f.ihfft2(m.tensor(Z)),
    lambda f, m: f.fft(m.tensor(X).half()),
    lambda f, m: f.fft(m.tensor(X), n=0),
    lambda f, m: f.irfft(m.tensor(np.ones(1))),
    lambda f, m: f.fftn(m.tensor(X), s=(3,), dim=(0, 1)),
    lambda f, m: f.fftn(m.tensor(X), dim=(0, 0)),
    lambda f, m: f.fftn(m.tensor(X), s=(1, 2, 3)),
])
def test_errors(call: Callable[[Any, Any], Any]) -> None:
    with pytest.raises(RuntimeError) as theirs:
        call(torch.fft, torch)
    with pytest.raises(RuntimeError) as ours:
        call(tfft, tn)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("call", [lambda f, m: f.fft(m.tensor(X), dim=2),
                                  lambda f, m: f.fft(m.tensor(1.0))])
def test_dim_errors_are_index_errors(call: Callable[[Any, Any], Any]) -> None:
    for f, m in ((torch.fft, torch), (tfft, tn)):
        with pytest.raises(IndexError):
            call(f, m)
