"""PyTorch's ``torch.stft`` / ``torch.istft`` (and the Tensor methods): short-time Fourier
transforms, composed from differentiable pieces so their gradients of every order come free.

stft: the signal (optionally padded by n_fft // 2 each side in ``pad_mode``) cut into frames
n_fft long, ``hop_length`` apart (``Unfold``), times the window (zero-padded to n_fft,
centred), then ``R2C`` (real: the half spectrum) or ``C2C``. istft: the inverse transform of
each frame (``C2R`` / ``C2C``), times the window, overlap-added (``ScatterAdd``, the adjoint
of the framing) and divided by the overlap-added squared window. This module sits below
``tensor.py`` (the Tensor methods call it), so it uses the ops and Tensor methods only.
Checks, defaults, dtypes, warnings and error types follow PyTorch 2.13.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import ops as P
from ._shapes import pad_source_index
from ._warn import warn_once
from .function import TensorBase
from .ops.complex import ViewAsReal
from .ops.fft import C2C, C2R, R2C, Norm
from .tensor_elementwise import _torch_name, argument_type_error, need_tensor

__all__ = ["istft", "stft"]

_PAD_MODES = ("constant", "reflect", "replicate", "circular")
_NO_WINDOW_STFT = (
    "A window was not provided. A rectangular window will be applied,which is known to cause "
    "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
    "recommended to reduce spectral leakage.To suppress this warning and use a rectangular "
    "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")
_NO_WINDOW_ISTFT = (
    "A window was not provided. A rectangular window will be applied.Please provide the same "
    "window used by stft to make the inversion lossless.To suppress this warning and use a "
    "rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")
_REAL_OUT = (
    "stft with return_complex=False is deprecated. In a future pytorch release, stft will "
    "return complex tensors for all inputs, and return_complex=False will raise an error.\n"
    "Note: you can still call torch.view_as_real on the complex output to recover the old "
    "return format.")


def _int(op: str, name: str, v: Any) -> int:
    """An int argument (PyTorch's TypeError for a float or other non-integer)."""
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(v).__name__}") from None


class NotATensorError(TypeError, AttributeError):
    """stft's ``input`` is not a Tensor: PyTorch's Python wrapper raises AttributeError
    (it calls ``input.dim()``), istft's argument parser TypeError; this is both."""


def _need_tensor(op: str, x: Any) -> None:
    if not isinstance(x, TensorBase):
        e = argument_type_error(op, "input", type(x).__name__, 1)
        raise (NotATensorError(*e.args) if op == "stft" else e)


def _window(op: str, x: Any, window: Any, win_length: int, n_fft: int, no_window: str) -> Any:
    """The window as a Tensor of n_fft points (ones when None, with PyTorch's warning; one
    shorter than n_fft centred between zeros), checked as PyTorch checks it."""
    if window is None:
        warn_once(no_window)
        w = x._new(np.ones(win_length, np.zeros(0, x.dtype).real.dtype))
    else:
        need_tensor(op, "window", window)
        w = window if isinstance(window, TensorBase) else x._new(np.asarray(window))
        if w.ndim != 1 or w.shape[0] != win_length:
            if op == "istft":
                raise RuntimeError("istft: Invalid window shape. window has to be 1D and length "
                                   f"of `win_length` ({win_length}), got shape "
                                   f"{tuple(w.shape)}")
            raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length="
                               f"{win_length}, but got window with size {list(w.shape)}")
    if win_length == n_fft:
        return w
    left = (n_fft - win_length) // 2
    return P.Pad.apply(w, pad_width=((left, n_fft - win_length - left),), value=0.0)


def _center(x: Any, pad: int, mode: str) -> Any:
    """x (batch, L) padded by ``pad`` on both sides of its last dim, as F.pad in ``mode``."""
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    n = x.shape[-1]
    if mode == "constant":
        return P.Pad.apply(x, pad_width=((0, 0), (pad, pad)), value=0.0)
    if n == 0 or (mode == "reflect" and pad >= n) or (mode == "circular" and pad > n):
        raise RuntimeError(f"stft: {mode} padding ({pad}, {pad}) (center=True pads n_fft // 2 "
                           f"each side) must be {'less than' if mode == 'reflect' else 'at most'}"
                           f" the signal length {n}")
    op = {"reflect": P.ReflectionPad, "replicate": P.ReplicationPad}.get(mode, P.GetItem)
    return op.apply(x, idx=(slice(None), pad_source_index(n, pad, pad, mode)))


def stft(input: Any, n_fft: int, hop_length: int | None = None,  # noqa: A002, PLR0912, PLR0913
         win_length: int | None = None, window: Any = None, center: bool = True,
         pad_mode: str = "reflect", normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None) -> Any:
    """Short-time Fourier transform: (B?, L) -> (B?, N, T) complex, as ``torch.stft``.

    N is n_fft // 2 + 1 (``onesided``, the default for a real input and window) or n_fft;
    T is 1 + L // hop_length with ``center`` (the signal padded by n_fft // 2 each side in
    ``pad_mode``), else 1 + (L - n_fft) // hop_length. ``hop_length`` defaults to
    n_fft // 4, ``win_length`` to n_fft, ``window`` to ones (with PyTorch's warning); a
    window shorter than n_fft is centred between zeros (``align_to_window``, center=False
    only: frames of win_length start every hop instead). ``normalized`` scales by
    n_fft ** -0.5. ``return_complex`` must be given for a real input (False: the
    deprecated ``view_as_real`` layout (..., 2)).
    """
    _need_tensor("stft", input)
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    n_fft = _int("stft", "n_fft", n_fft)
    hop = n_fft // 4 if hop_length is None else _int("stft", "hop_length", hop_length)
    win = n_fft if win_length is None else _int("stft", "win_length", win_length)
    cplx_window = isinstance(window, TensorBase) and window.dtype.kind == "c"
    if return_complex is None:
        if not (input.dtype.kind == "c" or cplx_window):
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warn_once(_REAL_OUT)
    if input.dtype.kind not in "fc":
        raise RuntimeError(f"stft: expected a tensor of floating point or complex values, got "
                           f"{_torch_name(input.dtype)}")
    if input.dtype == np.float16:
        raise RuntimeError("MKL FFT doesn't support tensors of type: Half")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, got {input.ndim}D (shape "
                           f"{tuple(input.shape)})")
    x = input.reshape(1, -1) if input.ndim == 1 else input
    if x.shape[0] == 0:  # (PyTorch's padding and FFT both refuse an empty batch)
        raise RuntimeError(f"stft: expected a non-empty batch, got input of shape "
                           f"{tuple(input.shape)}")
    if center:
        x = _center(x, n_fft // 2, pad_mode)
    n = x.shape[-1]
    align = bool(align_to_window) and win < n_fft
    frame = win if align else n_fft
    if not 0 < frame <= n:
        raise RuntimeError(f"stft: expected 0 < n_fft <= len, but got n_fft={frame} and a "
                           f"signal of len={n}")
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    w = _window("stft", x, window, win, n_fft, _NO_WINDOW_STFT)
    frames = x.unfold(-1, frame, hop)  # (B, T, frame)
    if align:  # frames of win_length, the window unpadded, then zero-padded to n_fft
        left = (n_fft - win) // 2
        frames = P.Pad.apply(frames * w[left:left + win],
                             pad_width=((0, 0), (0, 0), (left, n_fft - win - left)), value=0.0)
    else:
        frames = frames * w
    if onesided is None:
        onesided = frames.dtype.kind != "c"
    norm: Norm = "ortho" if normalized else "backward"
    if frames.dtype.kind == "c":
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = C2C.apply(frames, axes=(2,), norm=norm, inverse=False)
    elif onesided:
        out = R2C.apply(frames, axes=(2,), norm=norm)
    else:
        out = C2C.apply(frames.to(np.result_type(frames.dtype, np.complex64)), axes=(2,),
                          norm=norm, inverse=False)
    out = out.transpose(1, 2)
    if input.ndim == 1:
        out = out.reshape(out.shape[1:])
    return out if return_complex else ViewAsReal.apply(out)


def _overlap_add(frames: Any, hop: int, length: int) -> Any:
    """Frames (..., T, n) summed into a signal (..., length) of frame t at t * hop: the
    adjoint of ``unfold`` (``ScatterAdd``, whose backward gathers the frames back)."""
    t, n = frames.shape[-2:]
    pos = (np.arange(t)[:, None] * hop + np.arange(n)).astype(np.intp)
    lead = frames.shape[:-2]
    return P.ScatterAdd.apply(frames, idx=(slice(None),) * len(lead) + (pos,),
                              shape=(*lead, length))


def istft(input: Any, n_fft: int, hop_length: int | None = None,  # noqa: A002, PLR0912, PLR0913
          win_length: int | None = None, window: Any = None, center: bool = True,
          normalized: bool = False, onesided: bool | None = None, length: int | None = None,
          return_complex: bool = False) -> Any:
    """Inverse short-time Fourier transform: (B?, N, T) complex -> (B?, L), as ``torch.istft``.

    Each frame is inverse transformed (``C2R`` of the half spectrum unless
    ``return_complex``), multiplied by the window, overlap-added and divided by the
    overlap-added squared window (PyTorch's RuntimeError where that is ~0: the NOLA
    condition). ``center`` drops n_fft // 2 samples each side; ``length`` trims the result
    or pads it with zeros (with PyTorch's warning). ``onesided`` defaults to N != n_fft.
    """
    _need_tensor("istft", input)
    if input.dtype.kind != "c":
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    if input.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[-{input.ndim + 1}, {input.ndim}], but got -3)")
    if input.ndim > 3:
        raise RuntimeError(f"istft: expected a tensor with 3 or 4 dimensions (in the "
                           f"view_as_real layout), but got {input.ndim + 1}")
    n_fft = _int("istft", "n_fft", n_fft)
    hop = n_fft // 4 if hop_length is None else _int("istft", "hop_length", hop_length)
    win = n_fft if win_length is None else _int("istft", "win_length", win_length)
    fft_size, n_frames = input.shape[-2:]
    if input.numel() == 0:
        raise RuntimeError("istft: input tensor cannot be empty.")
    if not 0 < hop <= win:
        raise RuntimeError(f"istft: expected 0 < hop_length <= win_length, got hop_length={hop} "
                           f"and win_length={win}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"istft: expected 0 < win_length <= n_fft, got win_length={win} and "
                           f"n_fft={n_fft}")
    z = input.reshape(1, *input.shape) if input.ndim == 2 else input
    w = _window("istft", z, window, win, n_fft, _NO_WINDOW_ISTFT)
    if onesided is None:
        onesided = fft_size != n_fft
    want = n_fft // 2 + 1 if onesided else n_fft
    if fft_size != want:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match {'n_fft / 2 + 1' if onesided else 'n_fft'} "
                           f"when onesided={onesided}, but got {fft_size}")
    norm: Norm = "ortho" if normalized else "backward"
    z = z.transpose(1, 2)  # (B, T, N)
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = C2C.apply(z, axes=(2,), norm=norm, inverse=True)
    else:
        if w.dtype.kind == "c":
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            z = z[:, :, :n_fft // 2 + 1]
        frames = C2R.apply(z, axes=(2,), n=n_fft, norm=norm)
    full = n_fft + hop * (n_frames - 1)
    y = _overlap_add(frames * w, hop, full)
    envelope = _overlap_add((w * w).reshape(1, n_fft).expand(n_frames, n_fft), hop, full)
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + _int("istft", "length", length)
    else:
        end = full - n_fft // 2 if center else full
    y, envelope = y[:, start:end], envelope[start:end]
    if envelope.shape[0] == 0:
        raise RuntimeError("istft: the overlap-added window envelope is empty (length=0 or "
                           "too short a signal)")
    if np.abs(envelope._data).min() < 1e-11:
        raise RuntimeError("istft: window overlap add min < 1e-11: the window's squared "
                           "overlap-add is ~0 somewhere (the NOLA condition fails: check "
                           "window, hop_length and center)")
    y = y / envelope
    if end > full:
        warn_once("The length of signal is shorter than the length parameter. Result is being "
                  "padded with zeros in the tail. Please check your center and hop_length "
                  "settings.")
        y = P.Pad.apply(y, pad_width=((0, 0), (0, end - full)), value=0.0)
    return y.reshape(y.shape[1:]) if input.ndim == 2 else y
