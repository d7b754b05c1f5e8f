"""PyTorch's top-level complex functions: ``real``, ``imag``, ``view_as_real``,
``view_as_complex``, ``complex`` and ``polar`` (the methods ``x.real``, ``x.imag``,
``x.conj()`` ... are in tensor_math.py; the primitives in ops/complex.py).

``real``, ``imag``, ``view_as_real`` and ``view_as_complex`` are views, as PyTorch's: a write
through one changes the tensor it was taken from (also when recorded, through
``ops.strided``'s (re, im) pairs), and they share its version counter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._torch_functions import as_tensor, write_out
from .ops import complex as C
from .tensor import Tensor
from .tensor_elementwise import _torch_name, need_tensor

_NO_COMPLEX32 = ("{op}: PyTorch gives complex32 (ComplexHalf) here, which NumPy has no dtype "
                 "for: convert to float32 first (complex64)")


def real(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Re(input) as a view of its memory (``input`` itself for a real tensor)."""
    need_tensor("real", "input", input)
    return as_tensor(input).real  # type: ignore[no-any-return]


def imag(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Im(input) as a view of its memory (a complex tensor only, as PyTorch)."""
    need_tensor("imag", "input", input)
    return as_tensor(input).imag  # type: ignore[no-any-return]


def view_as_real(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """A complex tensor's (re, im) pairs as a real view: shape (..., ) -> (..., 2), the last
    dim with stride 1 (float32 for complex64, float64 for complex128)."""
    need_tensor("view_as_real", "input", input)
    x = as_tensor(input)
    if x.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return C.ViewAsReal.apply(x)  # type: ignore[no-any-return]


def view_as_complex(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """The complex numbers of a real tensor's last dim of 2 as a view: (..., 2) -> (...).
    PyTorch's RuntimeErrors when the pairs are not adjacent in memory (the last dim must
    have size 2 and stride 1, the other strides and the storage offset must be even)."""
    need_tensor("view_as_complex", "input", input)
    x = as_tensor(input)
    if x.dtype not in (np.float16, np.float32, np.float64):
        raise RuntimeError("view_as_complex is only supported for half, float and double "
                           f"tensors, but got a tensor of scalar type: {_torch_name(x.dtype)}")
    if x.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if x.shape[-1] != 2:
        raise RuntimeError(f"Tensor must have a last dimension of size 2 (got shape "
                           f"{list(x.shape)})")
    strides = x.stride()  # type: ignore[attr-defined]
    if strides[-1] != 1:
        raise RuntimeError(f"Tensor must have a last dimension with stride 1 (got strides "
                           f"{list(strides)})")
    if any(s % 2 for s in strides[:-1]):
        raise RuntimeError(f"Tensor must have a stride divisible by 2 for all but last "
                           f"dimension (got strides {list(strides)})")
    if x.storage_offset() % 2:  # type: ignore[attr-defined]
        raise RuntimeError(f"Tensor must have a storage_offset divisible by 2 (got "
                           f"{x.storage_offset()})")  # type: ignore[attr-defined]
    if x.dtype == np.float16:
        raise NotImplementedError(_NO_COMPLEX32.format(op="view_as_complex"))
    return C.ViewAsComplex.apply(x)  # type: ignore[no-any-return]


def _real_pair(op: str, first: str, second: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Two real tensors of one floating dtype (PyTorch's checks of complex() and polar())."""
    need_tensor(op, first, a, 1)
    need_tensor(op, second, b, 2)
    x, y = as_tensor(a), as_tensor(b)
    floats = (np.float16, np.float32, np.float64)
    if x.dtype not in floats or y.dtype not in floats:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_torch_name(x.dtype)} and {_torch_name(y.dtype)}")
    if x.dtype != y.dtype:
        raise RuntimeError(f"Expected object of scalar type {_torch_name(x.dtype)} but got "
                           f"scalar type {_torch_name(y.dtype)} for second argument")
    if x.dtype == np.float16:
        raise NotImplementedError(_NO_COMPLEX32.format(op=op))
    return x, y


def complex(real: Any, imag: Any, *, out: Any = None) -> Tensor:  # noqa: A001 - PyTorch's
    """real + i imag (broadcast): float32 -> complex64, float64 -> complex128; the gradients
    are Re(g) and Im(g)."""
    x, y = _real_pair("complex", "real", "imag", real, imag)
    result = C.Complex.apply(x, y)
    return result if out is None else write_out("complex", result, out, x, y)


def polar(abs: Any, angle: Any, *, out: Any = None) -> Tensor:  # noqa: A002 - PyTorch's
    """abs * (cos(angle) + i sin(angle)) (broadcast), complex of the inputs' float dtype."""
    r, theta = _real_pair("polar", "abs", "angle", abs, angle)
    result = C.Complex.apply(r * theta.cos(), r * theta.sin())
    return result if out is None else write_out("polar", result, out, r, theta)


__all__ = ["complex", "imag", "polar", "real", "view_as_complex", "view_as_real"]
