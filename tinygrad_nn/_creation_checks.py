"""The checks PyTorch's creation functions make, shared by ``creation.py`` and the Tensor's
``new_*`` methods (so below both): Python data read as ``torch.tensor`` reads it, values checked
against a dtype, NumPy arrays PyTorch can hold, sizes, fills."""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import as_dtype, get_default_dtype, sequence_dtype
from .function import TensorBase
from .tensor_elementwise import scalar_to

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
            issubclass(k, (TensorBase, np.ndarray)) for k in set(map(type, data))):
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
        check_values(arr, as_dtype(dtype))
    elif arr.dtype == np.float64 or arr.dtype == np.complex128:
        # Python floats get the default dtype, NumPy scalars their own (``sequence_dtype``)
        with np.errstate(over="ignore"):
            arr = arr.astype(inferred or sequence_dtype(data) or get_default_dtype())
    return arr


def _overflow(target: np.dtype) -> RuntimeError:
    return RuntimeError(f"value cannot be converted to type {target} without overflow")


def check_values(arr: np.ndarray, target: np.dtype) -> None:
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
    while isinstance(seq, (list, tuple, range, np.ndarray, TensorBase, str)):
        if isinstance(seq, TensorBase):
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
        if isinstance(x, (TensorBase, str, bytes)) or not isinstance(
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
        if isinstance(x, TensorBase):
            to_int = target is not None and target.kind in "iub"
            if x._data.size != 1 or (to_int and x._data.dtype.kind not in "iub"):
                if to_int or x._data.dtype.kind in "iub":
                    raise TypeError("only integer tensors of a single element can be "
                                    "converted to an index")
                raise ValueError("only one element tensors can be converted to Python scalars")
            x = x._data.reshape(())[()]
        if isinstance(x, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        if isinstance(x, (list, tuple, range, np.ndarray)):
            raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as a number")
        if not isinstance(x, (bool, int, float, complex, np.generic)):
            if target is not None:  # (no inference: the value is converted, and cannot be)
                raise TypeError(f"must be real number, not {type(x).__name__}")
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
        check_values(np.array(floats, dtype=np.float64), target)
        check_values(np.array(ints, dtype=np.int64), target)
    elif target.kind == "f" and any(isinstance(v, complex) for v in values):
        raise TypeError("must be real number, not complex")
    elif target.kind in "fc":  # (an int beyond int64 as the nearest float)
        values = [float(v) if type(v) is int else v for v in values]
    with np.errstate(all="ignore"):
        return np.array(values, dtype=target).reshape(sizes)


def dims(shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape``, or PyTorch's RuntimeError for a negative size (NumPy's is a ValueError)."""
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: "
                               f"{list(shape)}")
    return shape


# PyTorch's names of the dtypes, as its "not implemented for 'Long'" errors give them
TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
                "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def not_implemented(kernel: str, dt: np.dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{TORCH_NAMES.get(dt.name, dt.name)}'")


def checked_fill(fn: str, value: Any, dtype: Any) -> tuple[Any, np.dtype]:
    """``fill_value`` of ``full`` / ``full_like`` and its dtype: without ``dtype``, a bool
    gives bool, an int int64, a float the default dtype and a complex its complex (a 0-d
    Tensor is its number; a NumPy bool counts as a float, as in PyTorch). A value the dtype
    cannot hold raises PyTorch's RuntimeError: nan, inf or out of range for an integer type
    (an unsigned one takes down to -max, wrapping), a finite float beyond a float type's
    range, a complex with an imaginary part for a real type; an int beyond [-2^63, 2^64)
    OverflowError (``tensor_elementwise.scalar_to``, as ``fill_`` converts)."""
    if isinstance(value, TensorBase):
        if value._data.ndim:
            raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, "
                            f"not Tensor")
        value = value._data.item()
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
    return scalar_to(value, dt), dt  # (the fill checks of fill_ / masked_fill)
