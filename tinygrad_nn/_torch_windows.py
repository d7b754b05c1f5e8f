"""PyTorch's window functions (``hann_window`` ... ``kaiser_window``), ``logspace``,
``empty_strided``, ``randint_like``, the deprecated ``range`` and the memory-sharing
``frombuffer`` / ``from_dlpack`` / ``to_dlpack``: creation functions, computed in NumPy in the
requested dtype."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._shapes import strided_empty
from ._warn import user_stacklevel
from .creation import _check_device, _like, _new, _number, _spaced, randint
from .dtypes import as_dtype, default_or, get_default_dtype
from .tensor import Tensor


def _window(name: str, window_length: int, periodic: bool, dtype: Any, device: Any,
            requires_grad: bool, fn: Callable[[np.ndarray, int], np.ndarray]) -> Any:
    """fn(n, N) over n = 0..N-1 for the symmetric window of length N (one longer, its last
    point dropped, when periodic)."""
    _check_device(device)
    dt = default_or(dtype)
    if dt.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    if window_length <= 1:
        return _new(np.ones(window_length, dtype=dt), requires_grad)
    n = window_length + 1 if periodic else window_length
    values = fn(np.arange(n, dtype=np.float64), n)[:window_length]
    return _new(values.astype(dt), requires_grad)


def _cosine_sum(*coefs: float) -> Callable[[np.ndarray, int], np.ndarray]:
    """sum_k (-1)^k a_k cos(2 pi k n / (N - 1))."""
    def fn(n: np.ndarray, size: int) -> np.ndarray:
        phase = 2 * np.pi * n / (size - 1)
        return sum((-1) ** k * a * np.cos(k * phase) for k, a in enumerate(coefs))  # type: ignore[return-value]
    return fn


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                layout: Any = None, device: Any = None, pin_memory: bool = False,
                requires_grad: bool = False) -> Any:
    """0.5 - 0.5 cos(2 pi n / (N - 1)); (window_length,)."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.5, 0.5))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, pin_memory: bool = False,
                   requires_grad: bool = False) -> Any:
    """alpha - beta cos(2 pi n / (N - 1)); (window_length,)."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(alpha, beta))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Any:
    """0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1)); (window_length,)."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.42, 0.5, 0.08))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Any:
    """1 - |2n / (N - 1) - 1| (a triangle); (window_length,)."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, size: 1 - np.abs(2 * n / (size - 1) - 1))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, layout: Any = None, device: Any = None,
                  pin_memory: bool = False, requires_grad: bool = False) -> Any:
    """I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta); (window_length,)."""
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, size: np.i0(beta * np.sqrt(np.clip(
                       1 - (2 * n / (size - 1) - 1) ** 2, 0, None))) / np.i0(beta))


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             layout: Any = None, device: Any = None, pin_memory: bool = False,
             requires_grad: bool = False) -> Any:
    """base ** linspace(start, end, steps); (steps,), checked as ``linspace`` is (a bool
    dtype, negative steps, a complex bound with a real dtype raise PyTorch's errors)."""
    _check_device(device)
    exponents, dt = _spaced("logspace", start, end, steps, dtype)
    with np.errstate(all="ignore"):
        values = np.power(exponents.dtype.type(_number(base)), exponents)
        return _new(values.astype(dt), requires_grad)


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, layout: Any = None,
                  device: Any = None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Any:
    """An uninitialised tensor of ``size`` laid out with ``stride`` (in elements; ``stride()``
    reports it) over a buffer just large enough."""
    _check_device(device)
    arr = strided_empty(size, stride, default_or(dtype))
    return _new(arr, requires_grad)


def randint_like(input: Any, low: int = 0, high: int | None = None, *,  # noqa: A002
                 dtype: Any = None, layout: Any = None, device: Any = None,
                 requires_grad: bool = False, memory_format: Any = None,
                 generator: Any = None) -> Any:
    """Integers uniform in [low, high) shaped like ``input``, of its dtype unless ``dtype``;
    ``randint_like(input, high)`` draws from [0, high)."""
    shape, dt = _like("randint_like", input, dtype)
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(shape), dtype=dt, device=device,
                   requires_grad=requires_grad, generator=generator)


_RANGE_WARNING = ("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).")


def range(start: Any, end: Any, step: Any = 1, *,  # noqa: A001 - PyTorch's name
          dtype: Any = None, layout: Any = None, device: Any = None,
          requires_grad: bool = False) -> Any:
    """Deprecated (PyTorch warns): start, start + step, ... up to and including ``end``,
    floor((end - start) / step) + 1 values, in the default dtype unless ``dtype``
    (``arange`` excludes ``end``)."""
    _check_device(device)
    warnings.warn(_RANGE_WARNING, UserWarning, stacklevel=user_stacklevel())
    start, end, step = (_number(v, "range", k) for k, v in
                        (("start", start), ("end", end), ("step", step)))
    dt = get_default_dtype() if dtype is None else as_dtype(dtype)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt.kind in "iu":  # (PyTorch computes an integer range in integers)
        start, end, step = int(start), int(end), int(step)
        n = abs(end - start) // abs(step) + 1
        values = start + np.arange(n, dtype=np.int64) * step
    else:
        n = int(np.floor((end - start) / step)) + 1
        values = start + np.arange(n, dtype=np.float64) * step
    return _new(values.astype(dt), requires_grad)


_NOT_WRITABLE = ("The given buffer is not writable, and PyTorch does not support non-writable "
                 "tensors. This means you can write to the underlying (supposedly non-writable) "
                 "buffer using the tensor. You may want to copy the buffer to protect its data "
                 "or make it writable before converting it to a tensor. This type of warning "
                 "will be suppressed for the rest of this program.")


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Any:
    """A 1-D tensor reading ``count`` elements of ``dtype`` (all that fit: -1) from an
    object with the buffer protocol, from byte ``offset`` on, sharing its memory. A
    read-only buffer (``bytes``) gives a read-only tensor here (PyTorch's warning is
    given; PyTorch would let writes through)."""
    dt = as_dtype(dtype)
    view = memoryview(buffer)
    size = view.nbytes
    if size == 0 or count == 0:
        raise ValueError(f"both buffer length ({size}) and count ({count}) must not be 0")
    if not 0 <= offset < size:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({size} bytes) minus 1")
    if count < 0:
        if (size - offset) % dt.itemsize:
            raise ValueError(f"buffer length ({size - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({dt.itemsize})")
        count = (size - offset) // dt.itemsize
    elif offset + count * dt.itemsize > size:
        raise ValueError(f"requested buffer length ({count} * {dt.itemsize} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({size} bytes)")
    if view.readonly:
        warnings.warn(_NOT_WRITABLE, UserWarning, stacklevel=user_stacklevel())
    return _new(np.frombuffer(buffer, dtype=dt, count=count, offset=offset), requires_grad)


class _Capsule:
    """A bare DLPack capsule (``to_dlpack``'s result) dressed as the protocol NumPy reads."""

    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)  # (kDLCPU: a capsule of another device fails in NumPy)


def from_dlpack(ext_tensor: Any) -> Any:
    """A tensor sharing the memory of ``ext_tensor``: any object with ``__dlpack__`` (a
    NumPy array, a PyTorch or tinygrad_nn tensor) or a DLPack capsule (``to_dlpack``)."""
    src = ext_tensor if hasattr(ext_tensor, "__dlpack__") else _Capsule(ext_tensor)
    return _new(np.from_dlpack(src), False)


def to_dlpack(tensor: Any) -> Any:
    """A DLPack capsule of the tensor's memory (for ``from_dlpack`` of another library)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack(): argument 'tensor' must be Tensor, not "
                        f"{type(tensor).__name__}")
    return tensor._data.__dlpack__()


__all__ = ["bartlett_window", "blackman_window", "empty_strided", "from_dlpack", "frombuffer",
           "hamming_window", "hann_window", "kaiser_window", "logspace", "randint_like", "range",
           "to_dlpack"]
