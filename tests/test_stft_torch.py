"""torch.stft / torch.istft (tinygrad_nn/_stft.py) and the Tensor methods (tensor_stft.py)
against PyTorch: values, shapes and dtypes over the options, first-order gradients against
torch's (signal, window, spectrogram), gradcheck / gradgradcheck, warnings and error types."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tn
import tinygrad_nn._warn as warn_mod
from tinygrad_nn._stft import istft, stft
from tinygrad_nn.autograd import gradcheck, gradgradcheck
from tinygrad_nn.tensor_stft import TensorStft

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(15)
_TOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}


def _hann(n: int, dtype: Any = np.float64) -> np.ndarray:
    return torch.hann_window(n, dtype=torch.float64).numpy().astype(dtype)


def _both(kw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keyword arguments with arrays as our tensors and as torch's."""
    ours = {k: tn.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    theirs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    return ours, theirs


def _close(ours: Any, theirs: Any) -> None:
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    tol = _TOL[np.dtype(np.zeros(0, ours.dtype).real.dtype)]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol,
                               atol=tol)


_STFT_CASES = [
    (37, dict(n_fft=8, window=_hann(8))),
    (37, dict(n_fft=8, window=_hann(8), center=False)),
    (37, dict(n_fft=8, window=_hann(8), pad_mode="constant")),
    (37, dict(n_fft=8, window=_hann(8), pad_mode="replicate")),
    (37, dict(n_fft=8, window=_hann(8), pad_mode="circular")),
    (37, dict(n_fft=7, window=_hann(7), normalized=True, hop_length=3)),
    (37, dict(n_fft=8, window=_hann(8), onesided=False)),
    (37, dict(n_fft=8, win_length=5, window=_hann(5))),
    (22, dict(n_fft=8, win_length=5, window=_hann(5), center=False, align_to_window=True)),
    (22, dict(n_fft=8, win_length=5, window=_hann(5), center=False, align_to_window=False)),
    ((3, 22), dict(n_fft=6, window=_hann(6))),
    (22, dict(n_fft=22, window=_hann(22), center=False)),
    (22, dict(n_fft=8, window=_hann(8).astype(complex))),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize(("shape", "kw"), _STFT_CASES)
def test_stft_values(shape: Any, kw: dict[str, Any], dtype: Any) -> None:
    x = _RNG.standard_normal(shape).astype(dtype)
    if dtype == np.complex128:
        x = x + 1j * _RNG.standard_normal(shape)
    kw = dict(kw, return_complex=True)
    if dtype != np.float64 and "window" in kw and kw["window"].dtype.kind == "f":
        kw["window"] = kw["window"].astype(np.zeros(0, dtype).real.dtype)
    if dtype == np.complex128 or kw["window"].dtype.kind == "c":
        kw.pop("onesided", None)
    ours, theirs = _both(kw)
    _close(stft(tn.tensor(x), **ours), torch.stft(torch.tensor(x), **theirs))
    _close(TensorStft.stft(tn.tensor(x), **ours), torch.tensor(x).stft(**theirs))


def test_stft_defaults_dtypes_and_real_layout() -> None:
    """The default (ones) window and hop, mixed float32 / float64 promotion, and
    return_complex=False's view_as_real layout (..., 2), each with PyTorch's warning."""
    x = _RNG.standard_normal((2, 30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(stft(tn.tensor(x), 12, return_complex=True),
               torch.stft(torch.tensor(x), 12, return_complex=True))
        _close(stft(tn.tensor(x, dtype=tn.float32), 8, window=tn.tensor(_hann(8)),
                    return_complex=False),
               torch.stft(torch.tensor(x, dtype=torch.float32), 8,
                          window=torch.tensor(_hann(8)), return_complex=False))
        _close(stft(tn.tensor(x[0]), 8, win_length=6, return_complex=False),
               torch.stft(torch.tensor(x[0]), 8, win_length=6, return_complex=False))


@pytest.mark.parametrize(("call", "message"), [
    (lambda m, x: m(x, 8, return_complex=True), "A window was not provided"),
    (lambda m, x: m(x, 8, window=x[:8] * 0 + 1, return_complex=False),
     "return_complex=False is deprecated"),
])
def test_stft_warnings(monkeypatch: pytest.MonkeyPatch, call: Callable[..., Any],
                       message: str) -> None:
    monkeypatch.setattr(warn_mod, "_warned", set())  # (PyTorch warns once per process)
    with pytest.warns(UserWarning, match=message):
        call(stft, tn.tensor(_RNG.standard_normal(20)))


_ISTFT_CASES = [
    dict(n_fft=8, window=_hann(8)),
    dict(n_fft=8, window=_hann(8), length=12),
    dict(n_fft=8, window=_hann(8), normalized=True),
    dict(n_fft=8, window=_hann(8), hop_length=3),
    dict(n_fft=8, win_length=6, window=_hann(6), hop_length=2),
    dict(n_fft=8, window=np.ones(8), center=False, hop_length=2, stft_window=_hann(8)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batch", [(), (2,)])
@pytest.mark.parametrize("kw", _ISTFT_CASES)
def test_istft_values(kw: dict[str, Any], batch: tuple[int, ...], dtype: Any) -> None:
    """istft of torch's spectrogram (onesided, full, complex output), lengths, batches."""
    warnings.simplefilter("ignore")  # (the no-window warning: tested below)
    kw = {k: v.astype(dtype) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    sw = kw.pop("stft_window", kw["window"])
    ref = {k: kw[k] for k in ("n_fft", "hop_length", "win_length", "center") if k in kw}
    sig = torch.tensor(_RNG.standard_normal((*batch, 25)).astype(dtype))
    for onesided in (True, False):
        spec = torch.stft(sig, window=torch.tensor(sw), onesided=onesided, return_complex=True,
                          **ref)
        ours, theirs = _both(kw)
        _close(istft(tn.tensor(spec.numpy()), **ours), torch.istft(spec, **theirs))
        _close(TensorStft.istft(tn.tensor(spec.numpy()), **ours), spec.istft(**theirs))
        if not onesided:
            _close(istft(tn.tensor(spec.numpy()), return_complex=True, **ours),
                   torch.istft(spec, return_complex=True, **theirs))


def test_istft_length_padding_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warn_mod, "_warned", set())
    spec = torch.stft(torch.tensor(_RNG.standard_normal(20)), 8,
                      window=torch.tensor(_hann(8)), return_complex=True)
    with pytest.warns(UserWarning, match="padded with zeros"):
        ours = istft(tn.tensor(spec.numpy()), 8, window=tn.tensor(_hann(8)), length=31)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(ours, torch.istft(spec, 8, window=torch.tensor(_hann(8)), length=31))


class _Stft:
    """tinygrad_nn's functions under torch's names, for the tables that run both."""

    stft, istft = staticmethod(stft), staticmethod(istft)

    def __getattr__(self, name: str) -> Any:
        return getattr(tn, name)


def _grads(module: Any, fn: Callable[..., Any], args: list[np.ndarray],
           weight: np.ndarray) -> list[np.ndarray]:
    ts = [module.tensor(a, requires_grad=True) for a in args]
    out = fn(torch if module is torch else _Stft(), *ts)
    if out.dtype.is_complex if module is torch else out.dtype.kind == "c":
        out = module.view_as_real(out)
    (out * module.tensor(weight)).sum().backward()
    return [t.grad.numpy() for t in ts]


_GRAD_CASES = [  # (fn, the shapes of its two arguments, whether the first is complex)
    (lambda m, x, w: m.stft(x, 8, window=w, return_complex=True), [(26,), (8,)], False),
    (lambda m, x, w: m.stft(x, 8, window=w, return_complex=True, center=False,
                            normalized=True, hop_length=3), [(2, 26), (8,)], False),
    (lambda m, x, w: m.stft(x, 8, window=w, return_complex=True, pad_mode="replicate",
                            onesided=False), [(26,), (8,)], False),
    (lambda m, x, w: m.stft(x, 8, win_length=5, window=w, return_complex=True,
                            center=False, align_to_window=True), [(22,), (5,)], False),
    (lambda m, x, w: m.stft(x, 8, window=w, return_complex=False), [(20,), (8,)], True),
    (lambda m, s, w: m.istft(s, 8, window=w), [(5, 9), (8,)], True),
    (lambda m, s, w: m.istft(s, 8, window=w, length=20, onesided=False), [(8, 9), (8,)], True),
]


@pytest.mark.parametrize(("fn", "shapes", "cplx"), _GRAD_CASES)
def test_gradients_match_torch(fn: Callable[..., Any], shapes: list[tuple[int, ...]],
                               cplx: bool) -> None:
    """d(sum(weight * out)) / d(signal or spectrogram, window), as torch's (a complex
    input's gradient in PyTorch's convention)."""
    args = [_RNG.standard_normal(s) for s in shapes]
    args[1] = args[1] + 2.0  # (a window far from 0: istft divides by its envelope)
    if cplx:
        args[0] = args[0] + 1j * _RNG.standard_normal(shapes[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (return_complex=False's deprecation)
        out = fn(torch, *[torch.tensor(a) for a in args])
        ref_shape = torch.view_as_real(out).shape if out.is_complex() else out.shape
        weight = _RNG.standard_normal(tuple(ref_shape))
        pairs = zip(_grads(tn, fn, args, weight), _grads(torch, fn, args, weight), strict=True)
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_gradcheck_and_gradgradcheck() -> None:
    """stft then istft: every piece's backward is differentiable again."""
    x = tn.tensor(_RNG.standard_normal(14), requires_grad=True)
    w = tn.tensor(_hann(6) + 0.5, requires_grad=True)

    def fn(x: Any, w: Any) -> Any:
        s = stft(x, 6, hop_length=2, window=w, return_complex=True)
        return istft(s * s.abs(), 6, hop_length=2, window=w, length=14)

    assert gradcheck(fn, (x, w)) and gradgradcheck(fn, (x, w))


_X20 = _RNG.standard_normal(20)
_BAD = [
    lambda m, x: m.stft(x.tolist(), 8, return_complex=True),
    lambda m, x: m.istft(x.tolist(), 8),
    lambda m, x: m.stft(x, 8),  # return_complex not given for a real input
    lambda m, x: m.stft(x, 30, center=False, return_complex=True),  # n_fft > len
    lambda m, x: m.stft(x, 0, window=x[:0], return_complex=True),
    lambda m, x: m.stft(x, 8, hop_length=0, return_complex=True),
    lambda m, x: m.stft(x, 8, hop_length=-1, return_complex=True),
    lambda m, x: m.stft(x, 8, hop_length=2.0, return_complex=True),
    lambda m, x: m.stft(x, 8, win_length=9, return_complex=True),
    lambda m, x: m.stft(x, 8, win_length=0, return_complex=True),
    lambda m, x: m.stft(x, 8, window=x[:5], return_complex=True),
    lambda m, x: m.stft(x, 8, window=x[:8].reshape(2, 4), return_complex=True),
    lambda m, x: m.stft(x.reshape(2, 2, 5), 4, return_complex=True),
    lambda m, x: m.stft(x[0], 4, return_complex=True, center=False),
    lambda m, x: m.stft(x.reshape(1, 20)[:0], 8, return_complex=True),
    lambda m, x: m.stft(x.reshape(1, 20)[:0], 8, return_complex=True, center=False),
    lambda m, x: m.stft((x * 10).int(), 8, return_complex=True),
    lambda m, x: m.stft(x.half(), 8, return_complex=True),
    lambda m, x: m.stft(x, 8, return_complex=True, pad_mode="bogus"),
    lambda m, x: m.stft(x[:3], 8, return_complex=True),  # reflect padding >= len
    lambda m, x: m.stft(x, 8, return_complex=True, align_to_window=True),
    lambda m, x: m.stft(x.to(m.complex128), 8, onesided=True),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True, window=x[:8] + 3).real, 8),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True)[0], 8),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True)[None, None], 8),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, hop_length=0),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, win_length=9),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, window=x[:5]),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 10),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, onesided=False),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, return_complex=True),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True)[:, :0], 8),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, window=x[:8] * 0, center=False),
    lambda m, x: m.istft(m.stft(x, 8, return_complex=True), 8, hop_length=8,
                         window=m.hann_window(8, periodic=False, dtype=m.float64)),
]


@pytest.mark.parametrize("call", _BAD)
def test_errors_match_torch_types(call: Callable[[Any, Any], Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            call(torch, torch.tensor(_X20))
        with pytest.raises(type(theirs.value)):
            call(_Stft(), tn.tensor(_X20))


def test_the_package_and_tensor_expose_them() -> None:
    assert tn.stft is stft and tn.istft is istft
    assert tn.Tensor.stft is TensorStft.stft and tn.Tensor.istft is TensorStft.istft
