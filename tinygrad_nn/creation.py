"""Creation functions: zeros, ones, full, arange, eye, rand, randn, randint ..."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._random import get_rng, manual_seed
from ._shapes import shape_arg
from .dtypes import as_dtype, default_or, get_default_dtype, sequence_dtype
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
            _check_values(arr, as_dtype(dtype))
    else:
        arr = from_python(src, dtype)
    # inferred as torch.tensor does (ints int64, floats the default dtype), never the
    # legacy Tensor(...) constructor's reading of ints as sizes; a float beyond the dtype's
    # range becomes inf silently, as in PyTorch
    with np.errstate(over="ignore"):
        arr = _to_array(arr, dtype)
    return Tensor._new(arr, requires_grad=requires_grad, name=name)


# NumPy dtypes PyTorch can hold (torch.from_numpy refuses the others)
_TORCH_KINDS = frozenset("biufc")
_NOT_TORCH = frozenset({np.dtype(np.longdouble), np.dtype(np.clongdouble)}) - {
    np.dtype(np.float64), np.dtype(np.complex128)}


def check_numpy(arr: np.ndarray) -> np.ndarray:
    """``arr`` as PyTorch takes an array (a plain ndarray, not a masked one), or PyTorch's
    error: TypeError for a dtype PyTorch has not (object, str, longdouble ...), ValueError
    for a non-native byte order."""
    dt = arr.dtype
    if dt.kind not in _TORCH_KINDS or dt in _NOT_TORCH:
        raise TypeError(f"can't convert np.ndarray of type numpy.{dt.type.__name__}. The only "
                        "supported types are: float64, float32, float16, complex64, complex128, "
                        "int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool.")
    if not dt.isnative:
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")
    return arr.view(np.ndarray) if type(arr) is not np.ndarray else arr


_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def from_python(data: Any, dtype: Any) -> np.ndarray:
    """Python data (numbers, nested lists / tuples, Tensors of one element) as an array,
    checked as ``torch.tensor`` checks it: a ragged or mixed nesting, None or a str raises
    PyTorch's error, an int beyond int64 ValueError (unless stored as a float or bool), and
    with ``dtype=`` a value the dtype cannot hold RuntimeError (a complex for a real dtype
    TypeError). NumPy reads the common case at C speed; the rest goes through ``_walk``."""
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, (list, tuple)) and any(
            issubclass(k, (Tensor, np.ndarray)) for k in set(map(type, data))):
        return _walk(data, dtype)  # (Tensors and arrays inside: read element by element)
    try:
        with np.errstate(all="ignore"):
            arr = np.asarray(data)
    except (ValueError, TypeError, OverflowError):
        return _walk(data, dtype)
    if arr.dtype.kind not in _TORCH_KINDS or arr.dtype == np.uint64:
        return _walk(data, dtype)  # (ints beyond int64, None, str, ragged lists)
    inferred = sequence_dtype(data) if arr.dtype.kind == "f" else None
    if inferred is not None and inferred.kind in "biu":
        return _walk(data, dtype)  # (ints beyond int64 among ints: NumPy made floats)
    if dtype is not None:
        _check_values(arr, as_dtype(dtype))
    elif arr.dtype == np.float64 or arr.dtype == np.complex128:
        # Python floats get the default dtype, NumPy scalars their own (``sequence_dtype``)
        with np.errstate(over="ignore"):
            arr = arr.astype(inferred or sequence_dtype(data) or get_default_dtype())
    return arr


def _overflow(target: np.dtype) -> RuntimeError:
    return RuntimeError(f"value cannot be converted to type {target} without overflow")


def _check_values(arr: np.ndarray, target: np.dtype) -> None:
    """PyTorch's checked conversion of Python numbers to ``target``: a float (or nan / inf)
    beyond an integer type's range and an int beyond it (an unsigned type wraps down to
    -max) raise RuntimeError; a complex for a real type TypeError."""
    kind = arr.dtype.kind
    if kind == "c" and target.kind in "iu":
        raise TypeError("'complex' object cannot be interpreted as an integer")
    if kind == "c" and target.kind == "f":
        raise TypeError("must be real number, not complex")
    if target.kind not in "iu" or arr.size == 0:
        return
    info = np.iinfo(target)
    if kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~((arr >= info.min) & (arr <= info.max))  # (nan fails both)
        if bad.any():
            raise _overflow(target)
    elif kind in "iu":
        low = -int(info.max) if target.kind == "u" else int(info.min)
        if int(arr.min()) < low or int(arr.max()) > int(info.max):
            raise _overflow(target)


def _walk(data: Any, dtype: Any) -> np.ndarray:
    """``torch.tensor``'s reading of Python data, element by element (the rare cases NumPy
    reads otherwise): the shape from the first element at each depth, every element then
    stored and checked against it."""
    sizes: list[int] = []
    seq = data
    while isinstance(seq, (list, tuple, range, np.ndarray, Tensor, str)):
        if isinstance(seq, Tensor):
            break  # (a Tensor inside the data is one number: its ``item()``)
        if isinstance(seq, np.ndarray) and seq.ndim == 0:
            raise TypeError("len() of unsized object")
        if len(sizes) >= 64:
            raise ValueError(f"too many dimensions '{type(seq).__name__}'")
        sizes.append(len(seq))
        if not len(seq):
            break
        seq = seq[0]
    leaves: list[Any] = []

    def store(x: Any, dim: int) -> None:
        if dim == len(sizes):
            leaves.append(x)
            return
        if isinstance(x, (Tensor, str, bytes)) or not isinstance(
                x, (list, tuple, range, np.ndarray)):
            raise TypeError("not a sequence")
        if len(x) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} "
                             f"(got {len(x)})")
        for item in x:
            store(item, dim + 1)

    store(data, 0)
    target = None if dtype is None else as_dtype(dtype)
    values: list[Any] = []
    for x in leaves:
        if isinstance(x, Tensor):
            to_int = target is not None and target.kind in "iub"
            if x.numel() != 1 or (to_int and x.dtype.kind not in "iub"):
                if to_int or x.dtype.kind in "iub":
                    raise TypeError("only integer tensors of a single element can be "
                                    "converted to an index")
                raise ValueError("only one element tensors can be converted to Python scalars")
            x = x._data.reshape(())[()]
        if isinstance(x, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        if isinstance(x, (list, tuple, range, np.ndarray)):
            raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as a number")
        if not isinstance(x, (bool, int, float, complex, np.generic)):
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
        values.append(x)
    if target is None:
        target = sequence_dtype(values) if values else get_default_dtype()
    assert target is not None
    if target.kind in "iu":
        if any(isinstance(v, (complex, np.complexfloating)) for v in values):
            raise TypeError("'complex' object cannot be interpreted as an integer")
        if any(type(v) is int and not _INT64[0] <= v <= _INT64[1] for v in values):
            raise ValueError("Overflow when unpacking long long")
        floats = [v for v in values if isinstance(v, (float, np.floating))]
        ints = [int(v) for v in values if not isinstance(v, (float, np.floating))]
        _check_values(np.array(floats, dtype=np.float64), target)
        _check_values(np.array(ints, dtype=np.int64), target)
    elif target.kind == "f" and any(isinstance(v, complex) for v in values):
        raise TypeError("must be real number, not complex")
    elif target.kind in "fc":  # (an int beyond int64 as the nearest float)
        values = [float(v) if type(v) is int else v for v in values]
    with np.errstate(all="ignore"):
        return np.array(values, dtype=target).reshape(sizes)


def _size(fn: str, shape: tuple[Any, ...], size: Any) -> tuple[int, ...]:
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (PyTorch's forms)."""
    if size is not None:
        if shape:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        shape = (size,)
    return _dims(shape_arg(shape))


def _dims(shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape``, or PyTorch's RuntimeError for a negative size (NumPy's is a ValueError)."""
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: "
                               f"{list(shape)}")
    return shape


# PyTorch's names of the dtypes, as its "not implemented for 'Long'" errors give them
_TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
                "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
# and the C types its "value cannot be converted to type ..." errors name
_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t", "float16": "c10::Half", "float32": "float", "float64": "double"}


def _not_implemented(kernel: str, dt: np.dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{_TORCH_NAMES.get(dt.name, dt.name)}'")


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


def _fill(fn: str, value: Any, dtype: Any) -> tuple[Any, np.dtype]:
    """``fill_value`` of ``full`` / ``full_like`` and its dtype: without ``dtype``, a bool
    gives bool, an int int64, a float the default dtype and a complex its complex (a 0-d
    Tensor is its number; a NumPy bool counts as a float, as in PyTorch). A value the dtype
    cannot hold raises PyTorch's RuntimeError: nan, inf or out of range for an integer type
    (an unsigned one takes down to -max, wrapping), a finite float beyond a float type's
    range, a complex with an imaginary part for a real type."""
    if isinstance(value, Tensor):
        if value.ndim:
            raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, "
                            f"not Tensor")
        value = value.item()
    if not isinstance(value, (bool, int, float, complex, np.generic)):
        raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(value).__name__}")
    if dtype is not None:
        dt = as_dtype(dtype)
    elif isinstance(value, bool):
        dt = np.dtype(np.bool_)
    elif isinstance(value, (int, np.integer)):
        dt = np.dtype(np.int64)
    elif isinstance(value, (complex, np.complexfloating)):
        dt = np.result_type(get_default_dtype(), np.complex64)
    else:
        dt = get_default_dtype()
    overflow = RuntimeError(f"value cannot be converted to type "
                            f"{_C_NAMES.get(dt.name, dt.name)} without overflow")
    if dt.kind == "b":
        return bool(value), dt
    if dt.kind in "iuf" and isinstance(value, (complex, np.complexfloating)):
        if value.imag != 0:
            raise overflow
        value = value.real
    if dt.kind in "iu":
        info = np.iinfo(dt)
        low = -int(info.max) if dt.kind == "u" else int(info.min)
        if isinstance(value, (float, np.floating)):
            if not info.min <= value <= info.max:  # (nan fails too)
                raise overflow
        elif not low <= int(value) <= int(info.max):
            raise overflow
        return np.array(int(value)).astype(dt), dt  # (-1 as uint8 is 255)
    if dt.kind == "f" and math.isfinite(value) and abs(float(value)) > float(np.finfo(dt).max):
        raise overflow
    return value, dt


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Every element ``fill_value``; without ``dtype``, a bool fill gives bool, an int fill
    int64, a float fill the default dtype and a complex fill its complex (PyTorch's
    inference). ``size`` is a tuple, list or Size, as in PyTorch."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    shape = shape_arg((size,))
    value, dt = _fill("full", fill_value, dtype)
    return _new(np.full(_dims(shape), value, dt), requires_grad, device)


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
    value, dt = _fill("full_like", fill_value, dt)
    return _new(np.full(shape, value, dt), requires_grad, device)


def rand_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
              requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Uniform draws in [0, 1) shaped like ``input``; a floating or complex dtype only."""
    shape, dt = _like("rand_like", input, dtype)
    if dt.kind not in "fc":
        raise _not_implemented("check_uniform_bounds", dt)
    return _new(get_rng().random(shape).astype(dt), requires_grad, device)


def randn_like(input: Any, dtype: Any = None, device: Any = None,  # noqa: A002
               requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Standard normal draws shaped like ``input``; a floating or complex dtype only."""
    shape, dt = _like("randn_like", input, dtype)
    if dt.kind not in "fc":
        raise _not_implemented("normal_kernel_cpu", dt)
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
        raise _not_implemented("arange_cpu", dt)
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
                           f"cast to passed dtype {_TORCH_NAMES.get(dt.name, dt.name)}")
    if steps <= 1:  # (no kernel runs: any dtype, and one step is ``start``)
        return np.full(steps, start, np.complex128 if complex_ else np.float64), dt
    if dt.kind == "b":
        raise _not_implemented(f"{fn}_cpu", dt)
    if dt.kind in "iu" and fn == "linspace":
        s, _ = _fill(fn, start, dt)
        e, _ = _fill(fn, end, dt)
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
        raise _not_implemented("check_uniform_bounds", dt)
    return _new(draw_rng(generator).random(shape).astype(dt), requires_grad, device)


def randn(*shape: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False, **ignored: Any) -> Tensor:
    """Standard normal draws from the library generator (see manual_seed)."""
    shape, dt = _size("randn", shape, size), default_or(dtype)
    if dt.kind not in "fc":
        raise _not_implemented("normal_kernel_cpu", dt)
    return _new(draw_rng(generator).standard_normal(shape).astype(dt), requires_grad, device)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, **ignored: Any) -> Tensor:
    """A random permutation of 0 .. n-1 (int64) from the library generator."""
    dt = np.dtype(np.int64) if dtype is None else as_dtype(dtype)
    _dims((n,))
    if dt.kind == "b":
        raise _not_implemented("randperm", dt)
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
    draw = draw_rng(generator).integers(low, high, _dims(shape_arg((size,))))
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


