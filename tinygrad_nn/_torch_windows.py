"""PyTorch's window functions (``hann_window`` ... ``kaiser_window``), ``logspace`` and
``empty_strided``: creation functions, computed in NumPy in the requested dtype."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .creation import _check_device, _new, _number, _spaced
from .dtypes import default_or


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
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality "
                           f"of strides ({len(stride)})")
    if any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"empty_strided: negative size or stride: {size}, {stride}")
    dt = default_or(dtype)
    need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    buf = np.empty(max(need, 1), dtype=dt)
    arr = np.lib.stride_tricks.as_strided(buf, size, [s * dt.itemsize for s in stride])
    return _new(arr, requires_grad)


__all__ = ["bartlett_window", "blackman_window", "empty_strided", "hamming_window",
           "hann_window", "kaiser_window", "logspace"]
