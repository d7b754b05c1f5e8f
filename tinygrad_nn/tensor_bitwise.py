"""Bitwise methods of Tensor (``&``, ``|``, ``^``, ``<<``, ``>>``, ``~`` and PyTorch's
``bitwise_*``): integer and bool tensors only, at PyTorch's promoted dtype, no gradient.

Shifts follow PyTorch, not C: a shift by a negative amount or by the type's width or more
gives 0 (a right shift of a negative value gives -1); a left shift wraps in the type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .dtypes import result_type
from .function import TensorBase, data_of
from .tensor_base import TensorMixin
from .tensor_elementwise import _not_for, _operand

if TYPE_CHECKING:
    from .tensor import Tensor

# op -> (PyTorch's kernel name, in its "not implemented for" error; the NumPy function)
_KERNELS = {
    "and": ("bitwise_and_cpu", np.bitwise_and), "or": ("bitwise_or_cpu", np.bitwise_or),
    "xor": ("bitwise_xor_cpu", np.bitwise_xor), "lshift": ("lshift_cpu", None),
    "rshift": ("rshift_cpu", None),
}


def _shift(x: np.ndarray, s: np.ndarray, op: str) -> np.ndarray:
    """x << s or x >> s with PyTorch's out-of-range rule (x and s at one integer dtype)."""
    bits = x.dtype.itemsize * 8
    s = s.astype(np.int64)
    ok = (s >= 0) & (s < bits)
    amount = np.where(ok, s, 0).astype(x.dtype)
    if op == "lshift":
        return np.where(ok, np.left_shift(x, amount), 0).astype(x.dtype)
    return np.where(ok, np.right_shift(x, amount), np.where(x < 0, -1, 0)).astype(x.dtype)


def bitwise(op: str, x: Any, y: Any) -> Tensor:
    """x OP y for the bitwise ``op`` ('and', 'or', 'xor', 'lshift', 'rshift'): the result
    at PyTorch's promoted dtype of x and y (a Tensor and a number: the Tensor's); a float
    operand raises PyTorch's NotImplementedError."""
    t = x if isinstance(x, TensorBase) else y
    if not isinstance(t, TensorBase):
        raise TypeError(f"bitwise_{op}(): expected a Tensor argument, got "
                        f"{type(x).__name__} and {type(y).__name__}")
    rt = result_type(_operand(x), _operand(y))
    kernel, fn = _KERNELS[op]
    if rt.kind not in "biu" or rt.kind == "b" and fn is None:
        raise _not_for(kernel, rt)
    a, b = (np.asarray(data_of(v)).astype(rt, copy=False) for v in (x, y))
    out = fn(a, b) if fn is not None else _shift(a, b, op)
    return t._new(np.asarray(out, dtype=rt))  # type: ignore[attr-defined, no-any-return]


class TensorBitwise(TensorMixin):
    """The bitwise methods of every Tensor (a mixin)."""

    __slots__ = ()

    def bitwise_and(self, other: Any) -> Tensor:
        """x & other, elementwise (integer or bool tensors)."""
        return bitwise("and", self, other)

    def bitwise_or(self, other: Any) -> Tensor:
        """x | other, elementwise (integer or bool tensors)."""
        return bitwise("or", self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        """x ^ other, elementwise (integer or bool tensors)."""
        return bitwise("xor", self, other)

    def bitwise_left_shift(self, other: Any) -> Tensor:
        """x << other, elementwise (integer tensors; 0 past the type's width)."""
        return bitwise("lshift", self, other)

    def bitwise_right_shift(self, other: Any) -> Tensor:
        """x >> other, elementwise (integer tensors; the sign past the type's width)."""
        return bitwise("rshift", self, other)

    def bitwise_not(self) -> Tensor:
        """~x: each bit flipped (logical not for a bool tensor); integer or bool only."""
        if self._data.dtype.kind not in "biu":
            raise _not_for("bitwise_not_cpu", self._data.dtype)
        return self._new(~self._data)  # type: ignore[attr-defined, no-any-return]

    def __invert__(self) -> Tensor:
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and "
                            f"Boolean-type tensors (this one is {self._data.dtype})")
        return self.bitwise_not()

    __and__, __or__, __xor__ = bitwise_and, bitwise_or, bitwise_xor
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift

    def __rand__(self, x: Any) -> Tensor:
        return bitwise("and", x, self)

    def __ror__(self, x: Any) -> Tensor:
        return bitwise("or", x, self)

    def __rxor__(self, x: Any) -> Tensor:
        return bitwise("xor", x, self)

    def __rlshift__(self, x: Any) -> Tensor:
        return bitwise("lshift", x, self)

    def __rrshift__(self, x: Any) -> Tensor:
        return bitwise("rshift", x, self)
