"""Dtype policy in one place: torch-style names and aliases, the default dtype, promotion.

Dtypes are NumPy dtypes. Python floats and creation functions get the default dtype
(float32 unless ``set_default_dtype``); ``as_dtype`` accepts a dtype, a type or a
torch-style name ('float32', 'torch.long', 'tinygrad_nn.half'). Binary ops promote as
PyTorch does (``result_type``: the tensor ops' one helper casts operands with it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# torch-style dtype names (the package exports them: tinygrad_nn.float32 ...)
float16 = half = np.float16
float32 = np.float32
float64 = double = np.float64
int32 = np.int32
int64 = long = np.int64
uint8 = np.uint8
bool_ = np.bool_

_NAMES: dict[str, Any] = {
    "float": np.float32,
    "float32": np.float32,
    "float64": np.float64,
    "double": np.float64,
    "float16": np.float16,
    "half": np.float16,
    "int": np.int32,
    "int32": np.int32,
    "int64": np.int64,
    "long": np.int64,
    "int8": np.int8,
    "uint8": np.uint8,
    "int16": np.int16,
    "bool": np.bool_,
}

_default = {"dtype": np.dtype(np.float32)}


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype that Python floats and creation functions get (float32 by default)."""
    dt = as_dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dt}")
    _default["dtype"] = dt


def get_default_dtype() -> np.dtype:
    """The dtype that Python floats and creation functions get."""
    return _default["dtype"]


def as_dtype(dtype: Any) -> np.dtype:
    """A NumPy dtype from a dtype, a type, or a torch-style name ('float32', 'long').
    Python's ``float`` is float64 and ``int`` int64, as PyTorch maps them (not the default
    dtype: ``zeros(2, dtype=float)`` is float64 in both)."""
    if isinstance(dtype, str):
        name = dtype.removeprefix("torch.").removeprefix("tinygrad_nn.")
        if name in _NAMES:
            return np.dtype(_NAMES[name])
    if dtype is float:
        return np.dtype(np.float64)
    if dtype is int:
        return np.dtype(np.int64)
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a dtype: {dtype!r}") from None


def is_dtype_name(a: Any) -> bool:
    """True for a string naming a dtype ('float32', 'long'), False for a device name."""
    if not isinstance(a, str):
        return False
    try:
        as_dtype(a)
        return True
    except TypeError:
        return False


def default_or(dtype: Any) -> np.dtype:
    """``dtype`` as a NumPy dtype, or the default dtype when None (creation functions)."""
    return get_default_dtype() if dtype is None else as_dtype(dtype)


# PyTorch's categories, lowest first: bool < integer < floating < complex
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _scalar_dtype(x: Any) -> np.dtype:
    """The dtype a Python (or NumPy) number stands for: bool, int64, the default float, or
    the complex of the default float."""
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(x, (float, np.floating)):
        return get_default_dtype()
    if isinstance(x, (complex, np.complexfloating)):
        return np.result_type(get_default_dtype(), np.complex64)
    raise TypeError(f"expected a Tensor or a number, got {type(x).__name__}")


_PY_NUMBERS = frozenset({bool, int, float, complex})  # (each type's ``k()`` is its zero)


def sequence_dtype(data: Any) -> np.dtype | None:
    """``torch.tensor``'s dtype for a number or nested lists / tuples of them: a Python number
    stands for its PyTorch dtype (bool, int64, the default float, its complex), a NumPy
    scalar or array for its own dtype (``[np.float64(1), 2.0]`` is float64, ``[1j]`` the
    default complex), all promoted with ``promote_types``. None when an element is of
    another kind or there is none (NumPy's reading stands). A list of Python numbers is
    read by the set of its element types (C speed: 10^6 floats in ~20 ms)."""
    out = None
    stack = [data]
    while stack:
        x = stack.pop()
        kind = type(x)
        if kind is list or kind is tuple:
            kinds = set(map(type, x))
            if kinds.issubset(_PY_NUMBERS):
                for k in kinds:
                    out = _promote(out, _scalar_dtype(k()))
            else:
                stack.extend(x)
            continue
        dt = getattr(x, "dtype", None)
        if dt is None:
            if kind not in _PY_NUMBERS:
                return None
            dt = _scalar_dtype(x)
        out = _promote(out, np.dtype(dt))
    return out


def _combine(higher: Any, lower: Any) -> Any:
    """PyTorch's combine_categories: ``lower`` (0-d tensors, numbers) decides only when its
    category is above ``higher``'s (the dimensioned tensors'), then with its own dtype."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _CATEGORY[higher.kind], _CATEGORY[lower.kind]
    if cl > ch:
        if cl == 3 and ch == 2:  # a complex number keeps a float tensor's precision
            return np.result_type(higher, np.complex64)
        return lower
    return higher


def _promote(a: Any, b: np.dtype) -> np.dtype:
    """PyTorch's promote_types: the higher category wins outright (int64 with float32 is
    float32), but a complex type takes a wider float's precision (complex64 with float64 is
    complex128); within a category, the wider type (NumPy agrees there)."""
    if a is None or a == b:
        return b
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        high, low = (a, b) if ca > cb else (b, a)
        if high.kind == "c" and low.kind == "f":  # complex64 with float64 is complex128
            return np.promote_types(high, low)
        return high
    return np.promote_types(a, b)


def result_type(*operands: Any) -> np.dtype:
    """The dtype of an elementwise op on ``operands`` under PyTorch's promotion rules.

    Operands are arrays (or Tensors: anything with ``.dtype`` and ``.ndim``) and numbers.
    Categories bool < integer < floating < complex. Tensors with dims decide first (promoted
    among themselves: int32 + int64 -> int64, uint8 + int8 -> int16, float32 + float64 ->
    float64); a 0-d tensor, then a Python or NumPy number, only raises the category
    (int tensor * 2.5 -> the default float; float32 tensor * float64 0-d -> float32).
    """
    dims = zero = num = None
    for x in operands:
        dt = getattr(x, "dtype", None)
        if dt is None or isinstance(x, np.generic):
            num = _promote(num, _scalar_dtype(x))
        elif x.ndim:
            dims = _promote(dims, dt)
        else:
            zero = _promote(zero, dt)
    out = _combine(dims, _combine(zero, num))
    assert out is not None, "result_type: no operands"
    return np.dtype(out)


# PyTorch's legacy tensor types by name (``FloatTensor``: float32): ``Tensor.type`` reads it,
# and the top-level ``FloatTensor`` ... classes are made from it
LEGACY_TYPES = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16",
                "LongTensor": "int64", "IntTensor": "int32", "ShortTensor": "int16",
                "CharTensor": "int8", "ByteTensor": "uint8", "BoolTensor": "bool"}


def legacy_type_dtype(t: Any) -> np.dtype | None:
    """The dtype of a legacy type given as a class (``FloatTensor``) or a name
    ('torch.FloatTensor', 'tinygrad_nn.FloatTensor'); None for anything else."""
    name = t.__name__ if isinstance(t, type) else t if isinstance(t, str) else None
    if name is None:
        return None
    prefix, _, short = name.rpartition(".")
    if prefix not in ("", "torch", "tinygrad_nn") or short not in LEGACY_TYPES:
        return None
    return np.dtype(LEGACY_TYPES[short])


__all__ = [
    "LEGACY_TYPES", "as_dtype", "bool_", "default_or", "double", "float16", "float32",
    "float64", "get_default_dtype", "half", "int32", "int64", "is_dtype_name",
    "legacy_type_dtype", "long", "result_type", "set_default_dtype", "uint8",
]


class finfo:
    """Machine limits of a floating dtype (``torch.finfo``): ``bits``, ``eps``, ``max``,
    ``min``, ``tiny`` (= ``smallest_normal``), ``resolution``; the default dtype when
    none is given."""

    def __init__(self, dtype: Any = None) -> None:
        dt = get_default_dtype() if dtype is None else as_dtype(dtype)
        if dt.kind not in "fc":
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(dt)  # (a complex dtype: its real part's, as in PyTorch)
        self.dtype = str(info.dtype)
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # (a Python float, as in PyTorch)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype (``torch.iinfo``): ``bits``, ``max``, ``min``."""

    def __init__(self, dtype: Any) -> None:
        dt = as_dtype(dtype)
        if dt.kind == "b":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if dt.kind not in "iu":
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = np.iinfo(dt)
        self.dtype, self.bits = str(dt), int(info.bits)
        self.max, self.min = int(info.max), int(info.min)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """The dtype both promote to (``torch.promote_types``): the higher category wins."""
    return _promote(as_dtype(type1), as_dtype(type2))


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` -> ``to`` in an in-place op: never
    to a lower category (float to int, int to bool, complex to float)."""
    a, b = as_dtype(from_), as_dtype(to)
    return _CATEGORY[a.kind] <= _CATEGORY[b.kind]
