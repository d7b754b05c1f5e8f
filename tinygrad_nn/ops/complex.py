"""Complex primitives: a complex array's real and imaginary parts and its (re, im) pairs as
views, the complex number of two real arrays, the conjugate and the argument.

Gradients follow PyTorch's convention for complex autograd: the gradient of a real loss L
with respect to z = x + iy is dL/dx + i dL/dy (the conjugate Wirtinger derivative, doubled),
so a step against it descends. Each backward below is written with these ops themselves
(``real_of``, ``imag_of``, ``complex_of``, ``conj_of``), so it is differentiable again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, TensorBase, data_of


def complex_dtype(*dts: Any) -> np.dtype:
    """The complex dtype of real ones (float32 -> complex64, float64 -> complex128)."""
    return np.result_type(*dts, np.complex64)


def real_pairs(a: np.ndarray) -> np.ndarray:
    """A complex array's (re, im) pairs as a real view of shape ``a.shape + (2,)`` (any
    strides: the new last dim steps by half an element). A NumPy scalar (a 0-d result)
    becomes a 0-d array first, so that the view has memory to read."""
    a = np.asarray(a)
    return np.lib.stride_tricks.as_strided(
        a.real, a.shape + (2,), a.strides + (a.itemsize // 2,), writeable=a.flags.writeable)


def pairs_to_complex(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """(the complex array whose (re, im) pairs are ``a``'s last dim of 2, True when it is a
    view of ``a``'s memory): a view where the pairs are adjacent, else a copy."""
    cdt = complex_dtype(a.dtype)
    if a.strides[-1] == a.itemsize and all(s % (2 * a.itemsize) == 0 for s in a.strides[:-1]):
        return a.view(cdt)[..., 0], True
    return np.ascontiguousarray(a).view(cdt)[..., 0], False


class Real(Function):
    """y = Re(x), a view of a complex x's memory; Re's gradient is g + 0i."""

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return x.real

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (complex_of(g, None),)

    def name(self) -> str:
        return "SelectBackward0"  # (PyTorch's: view_as_real(x).select(-1, 0))


class Imag(Function):
    """y = Im(x), a view of a complex x's memory; Im's gradient is 0 + ig."""

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return x.imag

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (complex_of(None, g),)

    def name(self) -> str:
        return "SelectBackward0"  # (PyTorch's: view_as_real(x).select(-1, 1))


class Complex(Function):
    """z = re + i im (``torch.complex``, re and im real, broadcast); gradients Re(g), Im(g)."""

    conj_backward = False  # (written in PyTorch's convention: function.py, run_backward)

    @staticmethod
    def forward(ctx: Any, re: Any, im: Any) -> Any:
        dts = [a.dtype for a in (re, im) if type(a) is np.ndarray]
        out = np.zeros(np.broadcast_shapes(np.shape(re), np.shape(im)), complex_dtype(*dts))
        if re is not None:
            out.real = re
        if im is not None:
            out.imag = im
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        need_re, need_im = ctx.needs_input_grad
        return (real_of(g) if need_re else None), (imag_of(g) if need_im else None)


class Conj(Function):
    """y = conj(x), a new array (``conj_physical``); the gradient is conj(g)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return np.conj(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (conj_of(g),)


class ViewAsReal(Function):
    """y = x's (re, im) pairs, shape x.shape + (2,), a view (``torch.view_as_real``); the
    gradient is the complex number of g's pairs."""

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return real_pairs(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (pairs_of(g),)


class ViewAsComplex(Function):
    """z = the complex numbers of x's last dim of 2 (``torch.view_as_complex``): a view when
    the pairs are adjacent in memory (the public function checks that they are, as
    PyTorch); the gradient is g's (re, im) pairs."""

    view = True
    conj_backward = False  # (written in PyTorch's convention: function.py, run_backward)

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        out, shared = pairs_to_complex(x)
        if not shared:
            ctx.view = False
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (as_pairs(g),)


class RealPairs(ViewAsReal):
    """``view_as_real`` as the in-place machinery uses it to reach a component view's
    elements (ops/strided.py): the same values and gradient, not recorded as a view."""

    view = False

    def name(self) -> str:
        return "ViewAsRealBackward0"


class PairsComplex(ViewAsComplex):
    """``view_as_complex`` for the in-place machinery (as ``RealPairs``)."""

    view = False

    def name(self) -> str:
        return "ViewAsComplexBackward0"


class Angle(Function):
    """y = arg(x) of a complex x; PyTorch's gradient g * i x / |x|^2 (0 at x = 0)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.angle(x).astype(x.real.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        re, im = real_of(x), imag_of(x)
        r2 = re * re + im * im
        r2 = r2 + (data_of(r2) == 0)  # (x = 0: the numerators are 0 too, so 0)
        return (complex_of(-(g * im) / r2, g * re / r2),)


def real_of(g: Any) -> Any:
    """Re(g) of a gradient: an array (contiguous: accumulated in place later) or a Tensor."""
    if isinstance(g, TensorBase):
        return Real.apply(g)
    return np.ascontiguousarray(g.real)


def imag_of(g: Any) -> Any:
    """Im(g) of a gradient (as ``real_of``)."""
    if isinstance(g, TensorBase):
        return Imag.apply(g)
    return np.ascontiguousarray(g.imag)


def complex_of(re: Any, im: Any) -> Any:
    """re + i im of real gradients (either may be None: zero)."""
    if isinstance(re, TensorBase) or isinstance(im, TensorBase):
        return Complex.apply(re, im)
    return Complex.forward(None, re, im)


def conj_of(g: Any) -> Any:
    """conj(g) of a gradient."""
    return Conj.apply(g) if isinstance(g, TensorBase) else np.conj(g)


def pairs_of(g: Any) -> Any:
    """The complex numbers of a real gradient's last dim of 2."""
    return ViewAsComplex.apply(g) if isinstance(g, TensorBase) else pairs_to_complex(g)[0]


def as_pairs(g: Any) -> Any:
    """A complex gradient's (re, im) pairs, shape g.shape + (2,)."""
    return ViewAsReal.apply(g) if isinstance(g, TensorBase) else real_pairs(g).copy()


class InPairs(tuple):  # type: ignore[type-arg]
    """An index into a complex base's ``real_pairs``: where a real view of it (``x.real``,
    ``view_as_real(x)``) finds its elements (``strided.view_index``)."""


class AsPairs(tuple):  # type: ignore[type-arg]
    """An index into a real base giving a complex view's (re, im) pairs
    (``view_as_complex(r)``: ``strided.view_index``)."""


__all__ = ["Angle", "AsPairs", "Complex", "Conj", "Imag", "InPairs", "PairsComplex", "Real",
           "RealPairs", "ViewAsComplex", "ViewAsReal", "complex_dtype", "pairs_to_complex",
           "real_pairs"]
