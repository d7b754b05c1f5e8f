"""Argument checks of the products and matrix functions with PyTorch's error classes and
wording: dtypes that must agree, the bool, integer and float16 inputs PyTorch has no kernel
for (NotImplementedError naming the kernel), and operands of the wrong number of dims.
Pure checks on anything with ``dtype`` / ``shape`` (no Tensor import).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops.decomp import check_square


def dtype_name(dt: Any) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
            "bool": "Bool", "float16": "Half", "int16": "Short", "int8": "Char",
            "uint8": "Byte"}.get(str(dt), str(dt))


def same_dtypes(op: str, *xs: Any) -> None:
    """PyTorch's products refuse operands of different dtypes (no promotion)."""
    if len({x.dtype for x in xs}) > 1:
        raise RuntimeError(f"{op}: expected all operands to have the same dtype, got "
                           f"{', '.join(dtype_name(x.dtype) for x in xs)}")

def check_b_a(op: str, b: Any, a: Any) -> None:
    """A (..., n, n) square and B (..., n, k) of its dtype, for ``cholesky_solve`` and
    ``triangular_solve`` (PyTorch's messages)."""
    if b.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for {op}: each A matrix is "
                           f"{a.shape[-1]} by {a.shape[-1]} but each b matrix is "
                           f"{b.shape[-2]} by {b.shape[-1]}")
    if b.dtype != a.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{dtype_name(b.dtype)} and A of type {dtype_name(a.dtype)} "
                           "instead.")

class DimensionError(RuntimeError, IndexError):
    """An operand of the wrong number of dimensions (PyTorch raises RuntimeError or, for
    some ops, IndexError; this is both)."""


def _need_ndim(op: str, x: Any, ndim: int, what: str) -> None:
    if x.ndim != ndim:
        raise DimensionError(f"{op}: expected {what} to be {ndim}-D, but got {x.ndim}-D "
                           f"(shape {tuple(x.shape)})")


def refuse_bool(kernel: str, *xs: Any) -> None:
    """PyTorch has no bool kernel for its matrix products: NotImplementedError naming the
    kernel (``"addmm_impl_cpu_" not implemented for 'Bool'``), as PyTorch's."""
    if any(x.dtype == np.bool_ for x in xs):
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def is_half(a: Any) -> bool:
    return a.dtype.kind == "f" and a.dtype.itemsize < 4


def refuse_half(a: Any, kernel: str | None = None, message: str | None = None) -> None:
    """PyTorch's LAPACK-backed ops have no float16 kernels: NotImplementedError naming the
    ``kernel``, or (where PyTorch checks first) RuntimeError with its ``message``."""
    if not is_half(a):
        return
    if kernel is not None:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype_name(a.dtype)}\'')
    raise RuntimeError(message)


def low_precision(op: str) -> str:
    return f"{op}: Low precision dtypes not supported. Got Half"


def refuse_integers(kernel: str, a: Any) -> None:
    """A LAPACK-backed op that PyTorch dispatches by dtype: NotImplementedError for integer,
    bool and float16 input, naming the kernel (``"linalg_eigh_cpu" not implemented for
    'Long'``)."""
    if a.dtype.kind not in "fc" or is_half(a):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype_name(a.dtype)}\'')


def check_square_kernel(a: Any, op: str, kernel: str) -> None:
    """``check_square`` (PyTorch's shape checks first), then integer input refused as a
    missing kernel (NotImplementedError) rather than ``check_float``'s RuntimeError."""
    if a.ndim >= 2 and a.shape[-1] == a.shape[-2]:
        refuse_integers(kernel, a)
    check_square(a, op)


def refuse_bool_matmul(a: Any, b: Any) -> None:
    """``a @ b`` of bool tensors: PyTorch's NotImplementedError, naming the kernel its
    matmul would call (dot, addmv, addmm for a 2-D b, bmm for a batched b); empty operands
    have nothing to compute and pass."""
    if a.dtype != np.bool_ or not np.size(a._data) or not np.size(getattr(b, "_data", b)):
        return
    kernel = ("dot" if a.ndim == 1 and b.ndim == 1 else "addmv_impl_cpu" if b.ndim == 1
              else "addmm_impl_cpu_" if b.ndim == 2 else "bmm")
    refuse_bool(kernel, a)
