"""Dtype policy in one place: torch-style names and aliases, the default dtype, promotion.

Dtypes are NumPy dtypes. Python floats and creation functions get the default dtype
(float32 unless ``set_default_dtype``); ``as_dtype`` accepts a dtype, a type or a
torch-style name ('float32', 'torch.long', 'tinygrad_nn.half'). Binary ops promote as
NumPy does (a NumPy scalar combines like a Python number: ``Function.apply``);
PyTorch's complete promotion rules belong here.
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
    """A NumPy dtype from a dtype, a type, or a torch-style name ('float32', 'long')."""
    if isinstance(dtype, str):
        name = dtype.removeprefix("torch.").removeprefix("tinygrad_nn.")
        if name in _NAMES:
            return np.dtype(_NAMES[name])
    if dtype is float:
        return get_default_dtype()
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


__all__ = [
    "as_dtype", "bool_", "default_or", "double", "float16", "float32", "float64",
    "get_default_dtype", "half", "int32", "int64", "is_dtype_name", "long",
    "set_default_dtype", "uint8",
]
