"""Creation functions: zeros, ones, full, arange, eye, rand, randn, randint ..."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._random import get_rng, manual_seed
from ._shapes import shape_arg
from .dtypes import as_dtype, default_or, get_default_dtype
from .tensor import Tensor, _to_array, require_cpu
from .tensor_base import data_of
from .tensor_random import Normal, Poisson, draw_rng

__all__ = [
    "arange",
    "bernoulli",
    "multinomial",
    "normal",
    "poisson",
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
        require_cpu(device)


def _new(arr: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    _check_device(device)
    return Tensor._new(arr, requires_grad=requires_grad)


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
    return Tensor._new(_to_array(arr, dtype), requires_grad=requires_grad, name=name)


def _size(fn: str, shape: tuple[Any, ...], size: Any) -> tuple[int, ...]:
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (PyTorch's forms)."""
    if size is not None:
        if shape:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        shape = (size,)
    return shape_arg(shape)


def zeros(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **ignored: Any) -> Tensor:
    """All zeros; ``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros(size=(2, 3))`` alike.
    (``layout``, ``pin_memory``, ``memory_format``: PyTorch's memory options, accepted.)"""
    shape = _size("zeros", shape, size)
    return _new(np.zeros(shape, default_or(dtype)), requires_grad, device)


def ones(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, **ignored: Any) -> Tensor:
    """All ones."""
    shape = _size("ones", shape, size)
    return _new(np.ones(shape, default_or(dtype)), requires_grad, device)


def empty(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Uninitialised values (zeros here, so nothing depends on garbage)."""
    shape = _size("empty", shape, size)
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
        as_dtype(dtype) if dtype is not None else np.asarray(data_of(t)).dtype
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


def rand(*shape: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Uniform draws in [0, 1) from the library generator (see manual_seed)."""
    draw = draw_rng(generator).random(_size("rand", shape, size))
    return _new(draw.astype(default_or(dtype)), requires_grad, device)


def randn(*shape: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Standard normal draws from the library generator (see manual_seed)."""
    draw = draw_rng(generator).standard_normal(_size("randn", shape, size))
    return _new(draw.astype(default_or(dtype)), requires_grad, device)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, **ignored: Any) -> Tensor:
    """A random permutation of 0 .. n-1 (int64) from the library generator."""
    dt = np.int64 if dtype is None else as_dtype(dtype)
    return _new(draw_rng(generator).permutation(n).astype(dt), requires_grad, device)


def randint(*args: Any, low: int | None = None, high: int | None = None, size: Any = None,
            generator: Any = None, dtype: Any = None, device: Any = None,
            requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Integers uniform in [low, high): PyTorch's forms ``randint(high, size)`` and
    ``randint(low, high, size)``, positional or by keyword (int64 unless ``dtype``)."""
    given = list(args)
    if given and isinstance(given[-1], (tuple, list)) and size is None:
        size = given.pop()
    if len(given) == 2 and low is None and high is None:
        low, high = given
    elif len(given) == 1 and high is None:
        high = given[0]
    elif given:
        raise TypeError(f"randint() takes (high, size) or (low, high, size), got {args!r}")
    if high is None or size is None:
        raise TypeError("randint() needs high and size: randint(high, size) or "
                        "randint(low, high, size)")
    low = 0 if low is None else low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    dt = np.int64 if dtype is None else as_dtype(dtype)
    draw = draw_rng(generator).integers(low, high, shape_arg((size,)))
    return _new(draw.astype(dt), requires_grad, device)


# ------------------------------------------------------------------ random sampling (torch.<name>)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """``input.multinomial(num_samples, replacement)``: category indices drawn by weight."""
    return input.multinomial(num_samples, replacement, generator=generator)


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    """0 / 1 draws with probabilities ``input`` (or ``p``), in input's dtype."""
    return input.bernoulli(p, generator=generator)


def poisson(input: Tensor, generator: Any = None) -> Tensor:
    """Poisson draws with rates ``input`` (non-negative), in input's dtype."""
    if (input._data < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return Poisson.apply(input, rng=draw_rng(generator))  # type: ignore[no-any-return]


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, requires_grad: bool = False, **kwargs: Any) -> Tensor:
    """N(mean, std²) draws: ``normal(mean_tensor, std)``, ``normal(mean, std_tensor)``,
    ``normal(mean_tensor, std_tensor)`` (broadcast), or ``normal(mean, std, size)`` for
    numbers (the default dtype)."""
    _check_device(kwargs.pop("device", None))
    if kwargs:
        raise TypeError(f"normal() got unexpected keyword arguments {sorted(kwargs)}")
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal(): with a number mean and std, give the size: "
                            "normal(mean, std, size)")
        out_dtype = get_default_dtype() if dtype is None else as_dtype(dtype)
        base = tensor(np.full(tuple(size), float(mean), dtype=out_dtype))
        return Normal.apply(base, float(std), rng=draw_rng(generator)).requires_grad_(
            requires_grad)  # type: ignore[no-any-return]
    std_values = np.asarray(std._data if isinstance(std, Tensor) else std)
    if std_values.size and (std_values < 0).any():
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std_values.min()}")
    return Normal.apply(mean, std, rng=draw_rng(generator))  # type: ignore[no-any-return]


