"""Creation functions: zeros, ones, full, arange, eye, rand, randn, randint ..."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._creation_checks import (
    TORCH_NAMES,
    check_numpy,
    check_values,
    checked_fill,
    dims,
    from_python,
    not_implemented,
)
from ._random import get_rng, manual_seed
from ._shapes import shape_arg
from .dtypes import as_dtype, default_or, get_default_dtype
from .tensor import Tensor, _to_array, require_cpu
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
    if isinstance(src, np.ndarray):
        arr = np.array(check_numpy(src), copy=True)
    elif isinstance(src, np.generic):  # (a NumPy number: checked as a Python one)
        arr = np.asarray(src)
        if dtype is not None and arr.dtype.kind != "c":
            check_values(arr, as_dtype(dtype))
    else:
        arr = from_python(src, dtype)
    # inferred as torch.tensor does (ints int64, floats the default dtype), never the
    # legacy Tensor(...) constructor's reading of ints as sizes; a float beyond the dtype's
    # range becomes inf silently, as in PyTorch
    with np.errstate(over="ignore"):
        arr = _to_array(arr, dtype)
    return Tensor._new(arr, requires_grad=requires_grad, name=name)


def _size(fn: str, shape: tuple[Any, ...], size: Any) -> tuple[int, ...]:
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (PyTorch's forms)."""
    if size is not None:
        if shape:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        shape = (size,)
    return dims(shape_arg(shape))


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


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Every element ``fill_value``; without ``dtype``, a bool fill gives bool, an int fill
    int64, a float fill the default dtype and a complex fill its complex (PyTorch's
    inference). ``size`` is a tuple, list or Size, as in PyTorch."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    shape = shape_arg((size,))
    value, dt = checked_fill("full", fill_value, dtype)
    return _new(np.full(dims(shape), value, dt), requires_grad, device)


def _like(fn: str, t: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    """``t``'s shape and dtype (``dtype`` when given); ``t`` must be a Tensor, as in
    PyTorch."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")
    return t.shape, as_dtype(dtype) if dtype is not None else np.dtype(t.dtype)


def zeros_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
               requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Zeros shaped like ``input``, of its dtype unless ``dtype``."""
    shape, dt = _like("zeros_like", input, dtype)
    return _new(np.zeros(shape, dt), requires_grad, device)


def ones_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
              requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Ones shaped like ``input``, of its dtype unless ``dtype``."""
    shape, dt = _like("ones_like", input, dtype)
    return _new(np.ones(shape, dt), requires_grad, device)


def empty_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
               requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Uninitialised values shaped like ``input`` (zeros here, as ``empty``)."""
    shape, dt = _like("empty_like", input, dtype)
    return _new(np.zeros(shape, dt), requires_grad, device)


def full_like(input: Any, fill_value: Any, dtype: Any = None, device: Any = None,  # noqa: A002
              requires_grad: bool = False, **ignored: Any) -> Tensor:
    """``fill_value`` everywhere, shaped like ``input``, of its dtype unless ``dtype``
    (checked as ``full`` checks it)."""
    shape, dt = _like("full_like", input, dtype)
    value, dt = checked_fill("full_like", fill_value, dt)
    return _new(np.full(shape, value, dt), requires_grad, device)


def rand_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
              requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Uniform draws in [0, 1) shaped like ``input``; a floating or complex dtype only."""
    shape, dt = _like("rand_like", input, dtype)
    if dt.kind not in "fc":
        raise not_implemented("check_uniform_bounds", dt)
    return _new(get_rng().random(shape).astype(dt), requires_grad, device)


def randn_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
               requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Standard normal draws shaped like ``input``; a floating or complex dtype only."""
    shape, dt = _like("randn_like", input, dtype)
    if dt.kind not in "fc":
        raise not_implemented("normal_kernel_cpu", dt)
    return _new(get_rng().standard_normal(shape).astype(dt), requires_grad, device)


def _number(x: Any, fn: str = "", name: str = "") -> Any:
    """A 0-d Tensor or NumPy number as the Python number it holds; a Tensor with dims
    raises PyTorch's error of ``fn`` (linspace / logspace: RuntimeError, else TypeError)."""
    if isinstance(x, Tensor):
        if x.ndim and fn in ("linspace", "logspace"):
            raise RuntimeError(f"{fn} only supports 0-dimensional start and end tensors, but "
                               f"got {name} with {x.ndim} dimension(s).")
        if x.ndim:
            raise TypeError(f"{fn}(): argument '{name}' must be Number, not Tensor")
        return x.item()
    return x.item() if isinstance(x, np.generic) else x


def arange(
    start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
    requires_grad: bool = False, **ignored: Any,
) -> Tensor:
    """start, start+step, ... below end: int64 when all three are integers, else the
    default dtype (or ``dtype``). As PyTorch: RuntimeError for a zero step, a step whose
    sign leads away from ``end`` or a nan / inf bound; an integer ``dtype`` truncates the
    bounds and the step (int64 before counting, the others after)."""
    if end is None:
        start, end = 0, start
    start, end, step = (_number(v, "arange", k) for k, v in
                        (("start", start), ("end", end), ("step", step)))
    floating = any(isinstance(v, (float, complex)) for v in (start, end, step))
    dt = as_dtype(dtype) if dtype is not None else (
        get_default_dtype() if floating else np.dtype(np.int64))
    if dt.kind in "bc":
        raise not_implemented("arange_cpu", dt)
    if any(isinstance(v, complex) for v in (start, end, step)):
        raise RuntimeError("value cannot be converted to type double without overflow")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt.kind in "iu":
        if dt == np.int64:
            start, end, step = int(start), int(end), int(step)
            if step == 0:
                raise ValueError("step must be nonzero")
            n = -((start - end) // step)
        else:
            n = int(np.ceil((end - start) / step))
            start, step = int(start), int(step)
        arr = (start + np.arange(n, dtype=np.int64) * step).astype(dt)
    else:
        n = int(np.ceil((end - start) / step))
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt)
    return _new(arr, requires_grad, device)


def _spaced(fn: str, start: Any, end: Any, steps: Any, dtype: Any) -> tuple[np.ndarray, np.dtype]:
    """``linspace``'s values from ``start`` to ``end`` (in double precision, not yet cast) and
    the dtype to return, by PyTorch's formula: the first half counted up from ``start``, the
    second down from ``end``, with the step rounded to a floating dtype; an integer dtype
    takes the bounds in its own type first (-1 as uint8 is 255). PyTorch's errors: negative
    ``steps``, a bool dtype, a complex bound with a real dtype."""
    start, end, steps = _number(start, fn, "start"), _number(end, fn, "end"), _number(steps)
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"{fn}(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    complex_ = any(isinstance(v, complex) for v in (start, end))
    inferred = np.result_type(get_default_dtype(), np.complex64) if complex_ else \
        get_default_dtype()
    dt = as_dtype(dtype) if dtype is not None else inferred
    if complex_ and dt.kind != "c":
        raise RuntimeError(f"torch.{fn}(): inferred dtype c10::complex<float> can't be safely "
                           f"cast to passed dtype {TORCH_NAMES.get(dt.name, dt.name)}")
    if steps <= 1:  # (no kernel runs: any dtype, and one step is ``start``)
        return np.full(steps, start, np.complex128 if complex_ else np.float64), dt
    if dt.kind == "b":
        raise not_implemented(f"{fn}_cpu", dt)
    if dt.kind in "iu" and fn == "linspace":
        s, _ = checked_fill(fn, start, dt)
        e, _ = checked_fill(fn, end, dt)
        s, e = float(s), float(e)
    else:
        s, e = start, end
    wide = np.dtype(np.complex128) if complex_ or dt.kind == "c" else np.dtype(np.float64)
    # the step in the dtype itself (float16's step is rounded to float16), the values from
    # it in double precision
    step = np.asarray((np.asarray(e, wide) - np.asarray(s, wide)) / (steps - 1), wide)
    if dt.kind in "fc":
        step = step.astype(dt).astype(wide)
    i = np.arange(steps)
    with np.errstate(all="ignore"):
        values = np.where(i < steps // 2, s + step * i, e - step * (steps - 1 - i))
    return values, dt


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, **ignored: Any) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive (the default dtype, or
    its complex for a complex bound)."""
    values, dt = _spaced("linspace", start, end, steps, dtype)
    with np.errstate(all="ignore"):
        return _new(values.astype(dt), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Identity matrix (n, m)."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _new(np.eye(n, m, dtype=default_or(dtype)), requires_grad, device)


def rand(*shape: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Uniform draws in [0, 1) from the library generator (see manual_seed)."""
    shape, dt = _size("rand", shape, size), default_or(dtype)
    if dt.kind not in "fc":
        raise not_implemented("check_uniform_bounds", dt)
    return _new(draw_rng(generator).random(shape).astype(dt), requires_grad, device)


def randn(*shape: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Standard normal draws from the library generator (see manual_seed)."""
    shape, dt = _size("randn", shape, size), default_or(dtype)
    if dt.kind not in "fc":
        raise not_implemented("normal_kernel_cpu", dt)
    return _new(draw_rng(generator).standard_normal(shape).astype(dt), requires_grad, device)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, **ignored: Any) -> Tensor:
    """A random permutation of 0 .. n-1 (int64) from the library generator."""
    dt = np.dtype(np.int64) if dtype is None else as_dtype(dtype)
    dims((n,))
    if dt.kind == "b":
        raise not_implemented("randperm", dt)
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
    for name, v, position in (("low", low, 1), ("high", high, 2 if len(given) == 2 else 1)):
        if isinstance(v, (float, np.floating)):
            raise TypeError(f"randint(): argument '{name}' (position {position}) must be int, "
                            f"not float")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    dt = np.dtype(np.int64) if dtype is None else as_dtype(dtype)
    if dt.kind == "b" and high > 2:
        raise RuntimeError("to - 1 is out of bounds for bool")
    draw = draw_rng(generator).integers(low, high, dims(shape_arg((size,))))
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


