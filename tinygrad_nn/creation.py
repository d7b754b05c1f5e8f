"""Creation functions: zeros, ones, full, arange, eye, rand, randn, randint ..."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._random import get_rng, manual_seed
from ._shapes import shape_arg
from .dtypes import as_dtype, default_or
from .tensor import Device, Tensor, _to_array

__all__ = [
    "arange",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "get_rng",
    "linspace",
    "manual_seed",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "tensor",
    "zeros",
    "zeros_like",
]


def _check_device(device: Any) -> None:
    """``device=`` of every creation function: cpu passes, any other device raises."""
    if device is not None:
        Device(device)


def _new(arr: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    _check_device(device)
    return Tensor(arr, requires_grad=requires_grad)


def tensor(
    data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
    name: str | None = None,
) -> Tensor:
    """A new Tensor holding a copy of ``data`` (like torch.tensor)."""
    _check_device(device)
    src = data._data if isinstance(data, Tensor) else data
    arr = np.array(src, copy=True) if isinstance(src, np.ndarray) else src
    # inferred as torch.tensor does (ints int64, floats the default dtype), never the
    # legacy Tensor(...) constructor's reading of ints as sizes
    return Tensor(_to_array(arr, dtype), requires_grad=requires_grad, name=name)


def zeros(*shape: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """All zeros; ``zeros(2, 3)`` and ``zeros((2, 3))`` alike."""
    return _new(np.zeros(shape_arg(shape), default_or(dtype)), requires_grad, device)


def ones(*shape: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """All ones."""
    return _new(np.ones(shape_arg(shape), default_or(dtype)), requires_grad, device)


def empty(*shape: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """Uninitialised values (zeros here, so nothing depends on garbage)."""
    return zeros(*shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """Every element ``fill_value``; without ``dtype``, a bool fill gives bool, an int fill
    int64 and a float fill the default dtype (PyTorch's inference)."""
    if dtype is None and isinstance(fill_value, (bool, int, np.bool_, np.integer)):
        dtype = np.bool_ if isinstance(fill_value, (bool, np.bool_)) else np.int64
    return _new(np.full(shape_arg((shape,)), fill_value, default_or(dtype)), requires_grad, device)


def _like(t: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    shape = t.shape if hasattr(t, "shape") else np.shape(t)
    return shape, (
        as_dtype(dtype) if dtype is not None else np.asarray(t).dtype
    )


def zeros_like(t: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.zeros(shape, dt), requires_grad, device)


def ones_like(t: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.ones(shape, dt), requires_grad, device)


def empty_like(t: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Uninitialised values shaped like ``t`` (zeros here, as ``empty``)."""
    return zeros_like(t, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(t: Any, fill_value: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(np.full(shape, fill_value, dt), requires_grad, device)


def rand_like(t: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(get_rng().random(shape).astype(dt), requires_grad, device)


def randn_like(t: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype)
    return _new(get_rng().standard_normal(shape).astype(dt), requires_grad, device)


def arange(
    start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """start, start+step, ... below end (integers stay int64 unless a dtype is given)."""
    if end is None:
        start, end = 0, start
    arr = np.arange(start, end, step)
    if dtype is not None or arr.dtype.kind == "f":
        arr = arr.astype(default_or(dtype))
    return _new(arr, requires_grad, device)


def linspace(
    start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive."""
    return _new(np.linspace(start, end, steps).astype(default_or(dtype)), requires_grad, device)


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """Identity matrix (n, m)."""
    return _new(np.eye(n, m, dtype=default_or(dtype)), requires_grad, device)


def rand(*shape: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """Uniform draws in [0, 1) from the library generator (see manual_seed)."""
    return _new(get_rng().random(shape_arg(shape)).astype(default_or(dtype)), requires_grad, device)


def randn(*shape: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False) -> Tensor:
    """Standard normal draws from the library generator (see manual_seed)."""
    draw = get_rng().standard_normal(shape_arg(shape))
    return _new(draw.astype(default_or(dtype)), requires_grad, device)


def randperm(n: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 .. n-1 (int64) from the library generator."""
    dt = np.int64 if dtype is None else as_dtype(dtype)
    return _new(get_rng().permutation(n).astype(dt), requires_grad, device)


def randint(low: int, high: int | None = None, size: Any = (), dtype: Any = None,
            device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) (``randint(high, size=...)`` means low = 0)."""
    if high is None:
        low, high = 0, low
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    dt = np.int64 if dtype is None else as_dtype(dtype)
    return _new(get_rng().integers(low, high, shape_arg((size,))).astype(dt), requires_grad,
                device)
