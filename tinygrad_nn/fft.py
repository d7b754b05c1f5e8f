"""PyTorch's ``torch.fft``: discrete Fourier transforms and their helpers.

``fft`` / ``ifft`` / ``fft2`` / ``ifft2`` / ``fftn`` / ``ifftn`` (complex to complex), ``rfft``
... (a real signal to its half spectrum), ``irfft`` ... (the half spectrum back to a real
signal of ``n`` points), ``hfft`` / ``ihfft`` ... (a Hermitian signal), ``fftfreq`` /
``rfftfreq`` and ``fftshift`` / ``ifftshift``. As in PyTorch: ``n`` / ``s`` trim or zero-pad
the input along each transformed dim first, ``norm`` is "backward" (the default: the inverse
scaled by 1/n), "ortho" (both by 1/sqrt(n)) or "forward"; float32 in gives complex64 out,
integers compute in the default float. Every transform is differentiable (twice, too), with
PyTorch's gradients (its adjoint: ops/fft.py).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ._shapes import normalize_one_axis
from ._torch_functions import as_tensor
from .creation import tensor as _tensor
from .dtypes import as_dtype, get_default_dtype
from .ops import fft as P
from .ops.complex import complex_dtype
from .tensor import Tensor
from .tensor_elementwise import _torch_name, need_tensor
from .tensor_functions import concatenate

_Dims = tuple[int, ...]


def _norm(norm: str | None) -> P.Norm:
    if norm is None:
        return "backward"
    if norm not in P.DUAL:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return cast(P.Norm, norm)


def _input(op: str, x: Any, real: bool = False) -> Tensor:
    """``x`` as a floating or complex Tensor (integers and bools in the default float);
    PyTorch's errors for float16 and, where a real signal is needed, a complex one."""
    need_tensor(op, "input", x)
    t = as_tensor(x)
    kind = t.dtype.kind
    if kind in "biu":
        t = t.to(get_default_dtype())
    elif t.dtype == np.float16:
        raise RuntimeError("Unsupported dtype Half")
    if real and kind == "c":
        raise RuntimeError(f"{op} expects a real input tensor, but got {_torch_name(t.dtype)}")
    return t


def _as_complex(t: Tensor) -> Tensor:
    return t if t.dtype.kind == "c" else t.to(complex_dtype(t.dtype))


def _points(n: int) -> int:
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _resize(x: Tensor, dim: int, n: int) -> Tensor:
    """x trimmed or zero-padded (at the end) to n along dim (PyTorch's ``n`` / ``s``)."""
    size = x.shape[dim]
    if n == size:
        return x
    if n < size:
        return x.narrow(dim, 0, n)
    pad = list(x.shape)
    pad[dim] = n - size
    return concatenate([x, Tensor._new(np.zeros(pad, x.dtype))], dim)


def _one_dim(x: Tensor, dim: Any) -> int:
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return normalize_one_axis(dim, x.ndim, "fft")


def _dims_sizes(x: Tensor, s: Any, dim: Any, default: Any = None) -> tuple[_Dims, list[int]]:
    """The transformed dims and the size of each (PyTorch's rules for ``s`` and ``dim``:
    without dim, the last len(s) dims, or ``default``, or all; -1 in s keeps a size)."""
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    if isinstance(s, (int, np.integer)):
        s = (s,)
    if dim is None:
        if s is not None:
            if len(s) > x.ndim:
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                                   f"{x.ndim} dimensions.")
            dim = tuple(range(x.ndim - len(s), x.ndim))
        else:
            dim = default if default is not None else tuple(range(x.ndim))
    dims = tuple(_one_dim(x, d) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError("FFT dims must be unique")
    if s is None:
        return dims, [x.shape[d] for d in dims]
    if len(s) != len(dims):
        raise RuntimeError("When given, dim and shape arguments must have the same length")
    return dims, [_points(x.shape[d] if n == -1 else int(n)) for d, n in zip(dims, s)]


def _c2c(op: str, input: Any, s: Any, dim: Any, norm: Any, inverse: bool,  # noqa: A002
         default: Any = None) -> Tensor:
    x = _as_complex(_input(op, input))
    norm = _norm(norm)
    dims, sizes = _dims_sizes(x, s, dim, default)
    for d, n in zip(dims, sizes):
        x = _resize(x, d, n)
    if not dims:
        return x.clone()  # type: ignore[no-any-return]
    return P.C2C.apply(x, axes=dims, norm=norm, inverse=inverse)  # type: ignore[no-any-return]


def _r2c(op: str, input: Any, s: Any, dim: Any, norm: Any,  # noqa: A002
         default: Any = None) -> Tensor:
    x = _input(op, input, real=True)
    norm = _norm(norm)
    dims, sizes = _dims_sizes(x, s, dim, default)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    for d, n in zip(dims, sizes):
        x = _resize(x, d, n)
    return P.R2C.apply(x, axes=dims, norm=norm)  # type: ignore[no-any-return]


def _c2r(op: str, input: Any, s: Any, dim: Any, norm: Any,  # noqa: A002
         default: Any = None) -> Tensor:
    x = _as_complex(_input(op, input))
    norm = _norm(norm)
    given_last = s is not None and (s[-1] if isinstance(s, (tuple, list)) else s) != -1
    dims, sizes = _dims_sizes(x, s, dim, default)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    last = dims[-1]
    n = sizes[-1] if given_last else _points(2 * (x.shape[last] - 1))
    for d, m in zip(dims[:-1], sizes[:-1]):
        x = _resize(x, d, m)
    x = _resize(x, last, n // 2 + 1)
    return P.C2R.apply(x, axes=dims, n=n, norm=norm)  # type: ignore[no-any-return]


# -- one dim ------------------------------------------------------------------------------
def fft(input: Any, n: int | None = None, dim: int = -1,  # noqa: A002 - PyTorch's names
        norm: str | None = None, *, out: Any = None) -> Tensor:
    """The discrete Fourier transform along ``dim``: y_k = sum_t x_t exp(-2 pi i k t / n)."""
    return _out(_c2c("fft", input, None if n is None else (n,), (dim,), norm, False), out)


def ifft(input: Any, n: int | None = None, dim: int = -1,  # noqa: A002
         norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of ``fft`` along ``dim`` (scaled by 1/n under the default norm)."""
    return _out(_c2c("ifft", input, None if n is None else (n,), (dim,), norm, True), out)


def rfft(input: Any, n: int | None = None, dim: int = -1,  # noqa: A002
         norm: str | None = None, *, out: Any = None) -> Tensor:
    """``fft`` of a real signal, its n // 2 + 1 non-negative frequencies."""
    return _out(_r2c("rfft", input, None if n is None else (n,), (dim,), norm), out)


def irfft(input: Any, n: int | None = None, dim: int = -1,  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """The real signal of n points (2 (m - 1) by default) whose half spectrum is ``input``."""
    return _out(_c2r("irfft", input, None if n is None else (n,), (dim,), norm), out)


def hfft(input: Any, n: int | None = None, dim: int = -1,  # noqa: A002
         norm: str | None = None, *, out: Any = None) -> Tensor:
    """The real spectrum (n points) of a signal that is Hermitian in time, given its first
    half: ``irfft(input.conj())`` with the forward transform's scaling."""
    x = _input("hfft", input)
    return _out(irfft(x.conj(), n, dim, P.DUAL[_norm(norm)]), out)


def ihfft(input: Any, n: int | None = None, dim: int = -1,  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of ``hfft``: the first half of a real signal's inverse transform."""
    x = _input("ihfft", input, real=True)
    return _out(rfft(x, n, dim, P.DUAL[_norm(norm)]).conj(), out)


# -- two and n dims -------------------------------------------------------------------------
def fft2(input: Any, s: Any = None, dim: Any = (-2, -1),  # noqa: A002
         norm: str | None = None, *, out: Any = None) -> Tensor:
    """``fftn`` over two dims (the last two by default)."""
    return _out(_c2c("fft2", input, s, dim, norm, False), out)


def ifft2(input: Any, s: Any = None, dim: Any = (-2, -1),  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """``ifftn`` over two dims (the last two by default)."""
    return _out(_c2c("ifft2", input, s, dim, norm, True), out)


def rfft2(input: Any, s: Any = None, dim: Any = (-2, -1),  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """``rfftn`` over two dims (the last two by default)."""
    return _out(_r2c("rfft2", input, s, dim, norm), out)


def irfft2(input: Any, s: Any = None, dim: Any = (-2, -1),  # noqa: A002
           norm: str | None = None, *, out: Any = None) -> Tensor:
    """``irfftn`` over two dims (the last two by default)."""
    return _out(_c2r("irfft2", input, s, dim, norm), out)


def fftn(input: Any, s: Any = None, dim: Any = None,  # noqa: A002
         norm: str | None = None, *, out: Any = None) -> Tensor:
    """The n-dimensional transform over ``dim`` (all dims, or the last len(s))."""
    return _out(_c2c("fftn", input, s, dim, norm, False), out)


def ifftn(input: Any, s: Any = None, dim: Any = None,  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of ``fftn``."""
    return _out(_c2c("ifftn", input, s, dim, norm, True), out)


def rfftn(input: Any, s: Any = None, dim: Any = None,  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """``fftn`` of a real signal; the last transformed dim keeps n // 2 + 1 frequencies."""
    return _out(_r2c("rfftn", input, s, dim, norm), out)


def irfftn(input: Any, s: Any = None, dim: Any = None,  # noqa: A002
           norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of ``rfftn``: real, the last transformed dim of s[-1] points (2 (m - 1)
    by default)."""
    return _out(_c2r("irfftn", input, s, dim, norm), out)


def _real_signal(op: str, input: Any) -> Tensor:  # noqa: A002
    """ihfft2 / ihfftn's input: real (PyTorch's wording differs from ihfft's here)."""
    x = _input(op, input)
    if x.dtype.kind == "c":
        raise RuntimeError(f"Only supports floating-point dtypes, but found: "
                           f"{_torch_name(x.dtype)}")
    return x


def hfft2(input: Any, s: Any = None, dim: Any = (-2, -1),  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """``hfftn`` over two dims (the last two by default)."""
    x = _input("hfft2", input)
    return _out(_c2r("hfft2", x.conj(), s, dim, P.DUAL[_norm(norm)]), out)


def ihfft2(input: Any, s: Any = None, dim: Any = (-2, -1),  # noqa: A002
           norm: str | None = None, *, out: Any = None) -> Tensor:
    """``ihfftn`` over two dims (the last two by default)."""
    x = _real_signal("ihfft2", input)
    return _out(_r2c("ihfft2", x, s, dim, P.DUAL[_norm(norm)]).conj(), out)


def hfftn(input: Any, s: Any = None, dim: Any = None,  # noqa: A002
          norm: str | None = None, *, out: Any = None) -> Tensor:
    """The real n-dimensional spectrum of a Hermitian signal given by its half (the last
    transformed dim of s[-1] points, 2 (m - 1) by default): ``irfftn(input.conj())`` with
    the forward transform's scaling."""
    x = _input("hfftn", input)
    return _out(_c2r("hfftn", x.conj(), s, dim, P.DUAL[_norm(norm)]), out)


def ihfftn(input: Any, s: Any = None, dim: Any = None,  # noqa: A002
           norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of ``hfftn``: the half of a real signal's n-dimensional inverse
    transform."""
    x = _real_signal("ihfftn", input)
    return _out(_r2c("ihfftn", x, s, dim, P.DUAL[_norm(norm)]).conj(), out)


def _out(result: Tensor, out: Any) -> Tensor:
    if out is None:
        return result
    from ._torch_functions import write_out

    return write_out("fft", result, out)  # type: ignore[no-any-return]


# -- helpers --------------------------------------------------------------------------------
def _freq(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    dt = get_default_dtype() if dtype is None else as_dtype(dtype)
    return _tensor(values.astype(dt), requires_grad=requires_grad)  # type: ignore[no-any-return]


def fftfreq(n: int, d: float = 1.0, *, out: Any = None, dtype: Any = None,  # noqa: ARG001
            layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The frequencies of ``fft``'s n outputs for a sample spacing d: [0, 1, ..., -1] / (d n)."""
    return _out(_freq(np.fft.fftfreq(n, d), dtype, requires_grad), out)


def rfftfreq(n: int, d: float = 1.0, *, out: Any = None, dtype: Any = None,  # noqa: ARG001
             layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The frequencies of ``rfft``'s n // 2 + 1 outputs: [0, 1, ..., n // 2] / (d n)."""
    return _out(_freq(np.fft.rfftfreq(n, d), dtype, requires_grad), out)


def _shift(input: Any, dim: Any, sign: int) -> Tensor:  # noqa: A002
    x = as_tensor(input)
    dims = tuple(range(x.ndim)) if dim is None else (dim,) if isinstance(
        dim, (int, np.integer)) else tuple(dim)
    dims = tuple(_one_dim(x, d) for d in dims)
    if not dims:
        return x
    return x.roll(tuple(sign * (x.shape[d] // 2) for d in dims), dims)  # type: ignore[no-any-return]


def fftshift(input: Any, dim: Any = None) -> Tensor:  # noqa: A002
    """The zero frequency moved to the middle: a roll by n // 2 along each dim (all dims)."""
    return _shift(input, dim, 1)


def ifftshift(input: Any, dim: Any = None) -> Tensor:  # noqa: A002
    """The inverse of ``fftshift``: a roll by -(n // 2) along each dim."""
    return _shift(input, dim, -1)


__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "hfft2", "hfftn", "ifft",
           "ifft2", "ifftn", "ifftshift", "ihfft", "ihfft2", "ihfftn", "irfft", "irfft2",
           "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]
