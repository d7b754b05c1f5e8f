"""More math methods of Tensor (a mixin): rounding and predicates, logical ops, the
optimiser helpers (addcmul, addcdiv, lerp), trigonometric / hyperbolic / logarithmic
functions and their two-argument kin, and the comparisons PyTorch has as methods
(isclose, allclose, equal, where).

Dtypes follow PyTorch: floating functions of integer or bool tensors give the default
float; rounding keeps integers as they are; predicates give bool. Differentiable ones are
primitives of ``ops/elementwise_math.py`` or composites of Tensor methods (rule 6).
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops as P
from .dtypes import get_default_dtype, result_type
from .function import TensorBase, data_of
from .ops import complex as PC
from .tensor_bitwise import TensorBitwise
from .tensor_elementwise import (
    _TORCH_NAMES,
    TensorElementwise,
    _cast,
    _check_int_divisor,
    _not_for,
    _operand,
    _torch_name,
    binary,
    checked_cast,
    float_power_dtype,
    need_tensor,
    no_complex_grad,
    no_complex_order,
    select,
)

if TYPE_CHECKING:
    from .tensor import Tensor

def _c_name(dt: Any) -> str:
    """The C name PyTorch's messages give a dtype ('long int', 'float')."""
    return _TORCH_NAMES.get(str(np.dtype(dt)), str(dt))


def _floating_binary(cls: Any, x: Any, y: Any, kernel: str) -> Any:
    """``cls.apply`` with both operands at PyTorch's result dtype, the default float when
    that is an integer or bool type (atan2, xlogy, copysign ... always give floats); a
    complex one is refused, named by PyTorch's ``kernel``."""
    rt = result_type(_operand(x), _operand(y))
    if rt.kind == "c":
        raise _not_for(kernel, rt)
    if rt.kind not in "fc":
        rt = get_default_dtype()
    return cls.apply(_cast(x, rt), _cast(y, rt))


class TensorMath(TensorElementwise, TensorBitwise):
    """Rounding, predicates, logical ops, optimiser helpers, trigonometry (a mixin; with
    the bitwise methods of ``tensor_bitwise``)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def astype(self, dtype: Any) -> Tensor: ...
        def double(self) -> Tensor: ...

    def _copy(self) -> Tensor:
        return self._new(self._data.copy())

    # -- rounding (zero gradient; integers are returned unchanged, bool refused) ---------
    def _round_op(self, cls: Any, op: str, decimals: int | None = None) -> Any:
        """The rounding op ``cls`` (PyTorch's kernels: none for bool or complex, nor for an
        integer round with ``decimals``, even 0)."""
        kind = self._data.dtype.kind
        if kind == "c" and cls is not P.Round:
            raise NotImplementedError(f"{op} is not supported for complex inputs")
        if kind in "bc" or kind in "iu" and decimals is not None:
            raise _not_for("round_cpu" if decimals else "round_vml_cpu" if cls is P.Round
                           else op, self.dtype)
        if kind in "iu":
            return self._copy()
        return cls.apply(self, decimals=int(decimals or 0)) if cls is P.Round else cls.apply(self)

    def floor(self) -> Tensor:
        """Largest integer <= x, elementwise; zero gradient (integer tensors unchanged)."""
        return self._round_op(P.Floor, "floor")

    def ceil(self) -> Tensor:
        """Smallest integer >= x, elementwise; zero gradient (integer tensors unchanged)."""
        return self._round_op(P.Ceil, "ceil")

    def trunc(self) -> Tensor:
        """x rounded towards zero, elementwise; zero gradient (integer tensors unchanged)."""
        return self._round_op(P.Trunc, "trunc")

    fix = trunc

    def round(self, *, decimals: int | None = None) -> Tensor:
        """x rounded to ``decimals`` places, halves to even (round(2.5) = 2, as PyTorch);
        zero gradient. With decimals, rint(x * 10^d) / 10^d as PyTorch computes it."""
        return self._round_op(P.Round, "round", decimals)

    def frac(self) -> Tensor:
        """x - trunc(x), the fractional part with x's sign; gradient 1 (floats only)."""
        if self._data.dtype.kind not in "f":
            raise _not_for("frac_cpu" if self._data.dtype.kind == "c" else "frac", self.dtype)
        return self - self.trunc()

    def sgn(self) -> Tensor:
        """sign(x) in {-1, 0, 1} (PyTorch's sgn on real tensors); zero gradient (SgnBackward0)."""
        return self._sign_op(P.Sgn)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
        """x with NaN, +inf, -inf replaced by ``nan``, ``posinf`` (default: the dtype's
        largest value) and ``neginf`` (its lowest); gradient 1 where x is finite, else 0
        (none for a complex x: PyTorch refuses one that requires grad, not ``nan_to_num_``)."""
        no_complex_grad("nan_to_num", self)
        return self._nan_to_num(nan, posinf, neginf)

    def _nan_to_num(self, nan: float, posinf: float | None, neginf: float | None) -> Tensor:
        if self._data.dtype.kind not in "fc":
            return self._copy()
        x = self._data
        info = np.finfo(x.dtype)
        filled = np.nan_to_num(x, nan=nan, posinf=info.max if posinf is None else posinf,
                               neginf=info.min if neginf is None else neginf)
        return select(np.isfinite(x), self, filled.astype(x.dtype, copy=False))


    # -- predicates (bool results, no gradient) -----------------------------------------
    def _predicate(self, fn: Any) -> Tensor:
        x = self._data
        if x.dtype.kind == "c" and fn in (np.isposinf, np.isneginf):
            raise RuntimeError(f"{fn.__name__} does not support complex inputs.")
        if x.dtype.kind not in "fc":  # integers and bools are always finite and unsigned-zero
            return self._new(np.zeros(x.shape, bool) if fn is not np.isfinite else
                             np.ones(x.shape, bool))
        return self._new(np.asarray(fn(x)))

    def isinf(self) -> Tensor:
        """x == +-inf, elementwise (bool)."""
        return self._predicate(np.isinf)

    def isfinite(self) -> Tensor:
        """x is neither inf nor NaN, elementwise (bool)."""
        return self._predicate(np.isfinite)

    def isposinf(self) -> Tensor:
        """x == +inf, elementwise (bool)."""
        return self._predicate(np.isposinf)

    def isneginf(self) -> Tensor:
        """x == -inf, elementwise (bool)."""
        return self._predicate(np.isneginf)

    def isreal(self) -> Tensor:
        """True where x has no imaginary part: everywhere for a real dtype (bool)."""
        if self._data.dtype.kind != "c":
            return self._new(np.ones(self._data.shape, bool))
        return self._new(np.asarray(self._data.imag == 0))

    def angle(self) -> Tensor:
        """The argument of x in radians: pi for a negative real x, 0 for the others (NaN
        stays NaN), with a zero gradient, as PyTorch's; integers and bools give the default
        float. A complex x gives its phase (float32 for complex64), with PyTorch's gradient
        g * i x / |x|^2 (0 at x = 0)."""
        x = self._floating()
        xd = x._data
        if xd.dtype.kind == "c":
            return PC.Angle.apply(x)  # type: ignore[no-any-return]
        value = np.where(np.isnan(xd), np.nan, np.where(xd < 0, math.pi, 0.0)).astype(xd.dtype)
        return x.sign() * 0 + value  # type: ignore[no-any-return]

    # -- complex numbers (ops/complex.py; the top-level functions: _complex_views.py) ------
    @property
    def real(self) -> Tensor:
        """Re(x) as a view of x's memory (a write through it changes x); x itself for a
        real x, as PyTorch's. ``x.real = y`` copies y into it."""
        if self._data.dtype.kind != "c":
            return self  # type: ignore[return-value]
        return PC.Real.apply(self)  # type: ignore[no-any-return]

    @real.setter
    def real(self, value: Any) -> None:
        self.real.copy_(value)  # type: ignore[attr-defined]

    @property
    def imag(self) -> Tensor:
        """Im(x) as a view of x's memory (a complex x only: PyTorch's RuntimeError for a
        real one). ``x.imag = y`` copies y into it."""
        if self._data.dtype.kind != "c":
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return PC.Imag.apply(self)  # type: ignore[no-any-return]

    @imag.setter
    def imag(self, value: Any) -> None:
        self.imag.copy_(value)  # type: ignore[attr-defined]

    def conj(self) -> Tensor:
        """The complex conjugate; x itself for a real x. Unlike PyTorch's lazy conjugate
        view, a complex x's conjugate is a new tensor (``is_conj()`` is always False and
        a write to it does not change x); the gradient is conj(g)."""
        if self._data.dtype.kind != "c":
            return self  # type: ignore[return-value]
        return PC.Conj.apply(self)  # type: ignore[no-any-return]

    conj_physical = conj

    def conj_physical_(self) -> Tensor:
        """x = conj(x), in place (the values of a real x stay; its version counts the
        write, and a leaf that requires grad is refused, as PyTorch's)."""
        return self._inplace("conj_physical_", lambda s: s.conj())  # type: ignore[attr-defined,no-any-return]

    def resolve_conj(self) -> Tensor:
        """x itself: ``conj()`` here always makes the conjugate's values (no lazy bit)."""
        return self  # type: ignore[return-value]

    def is_conj(self) -> bool:
        """False: there are no lazy conjugate views here (``conj()`` makes the values)."""
        return False

    # (is_neg / resolve_neg, the negation bit's pair: tensor_layout.py)

    @property
    def H(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """The conjugate transpose of a matrix (2-D; a 0-d tensor gives its conjugate,
        with PyTorch's deprecation warning)."""
        if self.ndim == 0:
            warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().",
                          UserWarning, stacklevel=2)
            return self.conj()
        if self.ndim != 2:
            hint = " For batches of matrices, consider using tensor.mH" if self.ndim > 2 else ""
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                               f"{self.ndim}-D tensor.{hint}")
        return self.conj().mT  # type: ignore[attr-defined,no-any-return]

    @property
    def mH(self) -> Tensor:  # noqa: N802 - PyTorch's name
        """The conjugate transpose of the last two dims (``mT`` for a real tensor)."""
        if self.ndim < 2:
            raise RuntimeError("tensor.mH is only supported on matrices or batches of "
                               f"matrices. Got {self.ndim}-D tensor.")
        return self.conj().mT  # type: ignore[attr-defined,no-any-return]

    def chalf(self, memory_format: Any = None) -> Tensor:
        """PyTorch's cast to complex32 (ComplexHalf): NumPy has no such dtype, so refused
        (``cfloat()`` gives complex64)."""
        raise NotImplementedError("chalf: complex32 (ComplexHalf) is not supported: NumPy has "
                                  "no complex32 dtype; use .cfloat() for complex64")

    def signbit(self) -> Tensor:
        """The sign bit of x is set (x < 0, -0.0, -NaN), elementwise (bool)."""
        if self._data.dtype.kind in "iu":
            return self._new(self._data < 0)
        if self._data.dtype.kind == "c":
            raise NotImplementedError("signbit is not implemented for complex tensors.")
        return self._predicate(np.signbit)

    # -- logical (bool results; any dtype, nonzero is True) -----------------------------
    def _logical(self, fn: Any, op: str, other: Any) -> Tensor:
        need_tensor(op, "other", other)
        return self._new(np.asarray(fn(self._data, data_of(other))))

    def logical_not(self) -> Tensor:
        """not x (nonzero is True), elementwise (bool)."""
        return self._new(np.logical_not(self._data))

    def logical_and(self, other: Any) -> Tensor:
        """x and y (nonzero is True), broadcast (bool)."""
        return self._logical(np.logical_and, "logical_and", other)

    def logical_or(self, other: Any) -> Tensor:
        """x or y (nonzero is True), broadcast (bool)."""
        return self._logical(np.logical_or, "logical_or", other)

    def logical_xor(self, other: Any) -> Tensor:
        """x xor y (nonzero is True), broadcast (bool)."""
        return self._logical(np.logical_xor, "logical_xor", other)

    # -- optimiser helpers -------------------------------------------------------------
    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """self + value * tensor1 * tensor2, broadcast (PyTorch's addcmul)."""
        need_tensor("addcmul", "tensor1", tensor1)
        need_tensor("addcmul", "tensor2", tensor2, 2)
        rt = result_type(_operand(self), _operand(tensor1), _operand(tensor2))
        if rt.kind == "b":
            raise _not_for("addcmul_cpu_out", rt)
        v = value if rt.kind in "fc" else int(value)  # PyTorch casts value to an int result
        s, a, b = _cast(self, rt), _cast(tensor1, rt), _cast(tensor2, rt)
        return s + a * v * b if v != 1 else s + a * b

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """self + value * tensor1 / tensor2, broadcast (PyTorch's addcdiv; two integer
        tensors are refused, as PyTorch refuses them)."""
        need_tensor("addcdiv", "tensor1", tensor1)
        need_tensor("addcdiv", "tensor2", tensor2, 2)
        if all(np.asarray(data_of(t)).dtype.kind in "biu" for t in (tensor1, tensor2)):
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported; got tensor1 of dtype "
                f"{np.asarray(data_of(tensor1)).dtype} and tensor2 of dtype "
                f"{np.asarray(data_of(tensor2)).dtype} (use a floating tensor1 or tensor2)")
        rt = result_type(_operand(self), _operand(tensor1), _operand(tensor2))
        s, a, b = _cast(self, rt), _cast(tensor1, rt), _cast(tensor2, rt)
        return s + a * value / b if value != 1 else s + a / b

    def lerp(self, end: Any, weight: Any) -> Tensor:
        """self + weight * (end - self), broadcast, rounded once as PyTorch's kernel (a fused
        multiply-add; from ``end`` where |w| >= 0.5, exact at w = 1: ``ops.Lerp``). PyTorch's
        dtype rules: ``end``, and a weight tensor with dims, must have self's dtype; a 0-d
        weight promotes by its category (int self and end with a float64 0-d weight give
        float64); a number weight needs a floating self."""
        need_tensor("lerp", "end", end)
        for name, t in (("end", end), ("weight", weight)):
            dt = np.asarray(data_of(t)).dtype
            if isinstance(t, (TensorBase, np.ndarray)) and dt != self.dtype and (
                    name == "end" or t.ndim):
                raise RuntimeError(f"lerp: expected dtype {_c_name(self.dtype)} for `{name}` "
                                   f"but got dtype {_c_name(dt)}")
        if isinstance(weight, TensorBase):
            rt = result_type(self, _operand(end), weight)
            if rt.kind not in "fc":
                raise _not_for("lerp_kernel_tensor", rt)
            if rt != self.dtype:  # (a 0-d float weight promotes integer self and end)
                return _cast(self, rt).lerp(_cast(end, rt), weight)  # type: ignore[attr-defined]
        elif self._data.dtype.kind not in "fc":
            raise _not_for("lerp_kernel_scalar", self.dtype)
        elif isinstance(weight, complex) and self._data.dtype.kind != "c":
            raise RuntimeError(f"value cannot be converted to type {_c_name(self.dtype)} "
                               "without overflow")
        if not isinstance(weight, TensorBase):
            return P.Lerp.apply(self, end, weight)  # type: ignore[no-any-return]
        w: Any = weight if weight.dtype == self.dtype else weight.astype(  # type: ignore[attr-defined]
            self.dtype)
        return P.Lerp.apply(self, end, w)  # type: ignore[no-any-return]

    def clamp_min(self, min: Any) -> Tensor:  # noqa: A002 - PyTorch's name
        """max(x, min), broadcast, at the promoted dtype (int tensor, 0.5 -> float32);
        gradient 1 where x >= min (to a Tensor min where it wins)."""
        return self._clamp_one_side(min, True)

    def _clamp_one_side(self, bound: Any, lower: bool) -> Tensor:
        rt = result_type(_operand(self), _operand(bound))
        x, b = _cast(self, rt), checked_cast(bound, rt)
        if not (isinstance(b, TensorBase) and b.requires_grad):
            return x._clamp(b, None, P.ClampMin) if lower else x._clamp(None, b, P.ClampMax)
        # PyTorch's rule: the gradient goes to x where x >= min (x <= max), to the bound
        # where x < min (x > max), to neither where either is NaN
        xd, bd = x._data, b._data
        keep, take = (xd >= bd, xd < bd) if lower else (xd <= bd, xd > bd)
        return select(keep, x, select(take, b, x.detach()))  # type: ignore[attr-defined]

    def clamp_max(self, max: Any) -> Tensor:  # noqa: A002 - PyTorch's name
        """min(x, max), broadcast, at the promoted dtype; gradient 1 where x <= max."""
        return self._clamp_one_side(max, False)

    # -- trigonometric, hyperbolic, logarithmic (integer and bool inputs give floats) ----
    def tan(self) -> Tensor:
        """tan(x), elementwise; d/dx = 1 + tan(x)^2."""
        return P.Tan.apply(self._floating())

    def asin(self) -> Tensor:
        """arcsin(x) in [-pi/2, pi/2] (NaN outside [-1, 1]); d/dx = 1 / sqrt(1 - x^2)."""
        return P.Asin.apply(self._floating())

    def acos(self) -> Tensor:
        """arccos(x) in [0, pi] (NaN outside [-1, 1]); d/dx = -1 / sqrt(1 - x^2)."""
        return P.Acos.apply(self._floating())

    def atan(self) -> Tensor:
        """arctan(x) in (-pi/2, pi/2); d/dx = 1 / (1 + x^2)."""
        return P.Atan.apply(self._floating())

    def sinh(self) -> Tensor:
        """sinh(x), elementwise; d/dx = cosh(x)."""
        return P.Sinh.apply(self._floating())

    def cosh(self) -> Tensor:
        """cosh(x), elementwise; d/dx = sinh(x)."""
        return P.Cosh.apply(self._floating())

    def asinh(self) -> Tensor:
        """arsinh(x), elementwise; d/dx = 1 / sqrt(x^2 + 1)."""
        return P.Asinh.apply(self._floating())

    def acosh(self) -> Tensor:
        """arcosh(x) for x >= 1 (NaN below); d/dx = 1 / sqrt(x^2 - 1)."""
        return P.Acosh.apply(self._floating())

    def atanh(self) -> Tensor:
        """artanh(x) on (-1, 1), +-inf at +-1 (NaN outside); d/dx = 1 / (1 - x^2)."""
        return P.Atanh.apply(self._floating())

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def log2(self) -> Tensor:
        """log2(x), elementwise; d/dx = 1 / (x ln 2)."""
        return P.Log2.apply(self._floating())

    def log10(self) -> Tensor:
        """log10(x), elementwise; d/dx = 1 / (x ln 10)."""
        return P.Log10.apply(self._floating())

    def exp2(self) -> Tensor:
        """2^x, elementwise; d/dx = 2^x ln 2."""
        return P.Exp2.apply(self._floating())

    def erfc(self) -> Tensor:
        """1 - erf(x), accurate where erf(x) is near +-1 (erfc(10) = 2.1e-45)."""
        return P.Erfc.apply(self._floating("erfc_vml_cpu"))

    def erfinv(self) -> Tensor:
        """erf^-1(x) on [-1, 1] (+-inf at +-1, NaN outside); d/dx = sqrt(pi)/2 exp(y^2)."""
        return P.Erfinv.apply(self._floating("erfinv_vml_cpu"))

    def lgamma(self) -> Tensor:
        """log |Gamma(x)| (+inf at 0, -1, -2 ...); d/dx = digamma(x)."""
        return P.Lgamma.apply(self._floating("lgamma_vml_cpu"))

    def digamma(self) -> Tensor:
        """psi(x) = d/dx lgamma(x) (-inf at 0, NaN at -1, -2 ...); d/dx = polygamma(1, x)."""
        return P.Digamma.apply(self._floating("digamma"))

    def polygamma(self, n: int) -> Tensor:
        """psi^(n)(x), the n-th derivative of digamma (n >= 0; ``torch.polygamma(n, x)``
        takes n first); d/dx = polygamma(n + 1, x)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"polygamma(): argument 'n' must be int, not {type(n).__name__}")
        if n < 0:
            raise RuntimeError("polygamma(n, x) does not support negative n.")
        return P.Polygamma.apply(self._floating(), n=int(n))

    def logit(self, eps: float | None = None) -> Tensor:
        """log(x / (1 - x)); with ``eps``, x is first clamped to [eps, 1 - eps] (the gradient
        is 0 outside; without eps it is NaN outside [0, 1]), as PyTorch's logit."""
        return P.Logit.apply(self._floating("logit_cpu"), eps=eps)  # type: ignore[no-any-return]

    def deg2rad(self) -> Tensor:
        """x * pi / 180, elementwise (real x only, as PyTorch)."""
        if self._data.dtype.kind == "c":
            raise RuntimeError("deg2rad is not supported for complex tensors.")
        return self._floating() * (math.pi / 180.0)

    def rad2deg(self) -> Tensor:
        """x * 180 / pi, elementwise (real x only, as PyTorch)."""
        if self._data.dtype.kind == "c":
            raise RuntimeError("rad2deg is not supported for complex tensors.")
        return self._floating() * (180.0 / math.pi)

    # -- two arguments, broadcast -------------------------------------------------------
    def atan2(self, other: Any) -> Tensor:
        """atan2(x, other): the angle of the point (other, x), in [-pi, pi]; gradient
        (other, -x) / (x^2 + other^2), 0 at the origin (as PyTorch)."""
        need_tensor("atan2", "other", other)
        return _floating_binary(P.Atan2, self, other, "atan2_cpu")

    def arctan2(self, other: Any) -> Tensor:
        """``atan2`` under NumPy's name (PyTorch's errors name it ``arctan2``)."""
        need_tensor("arctan2", "other", other)
        return self.atan2(other)

    def hypot(self, other: Any) -> Tensor:
        """sqrt(x^2 + other^2) without overflow (hypot(1e200, 1e200) = 1.4e200); floats only."""
        need_tensor("hypot", "other", other)
        return self._float_only(P.Hypot, "hypot", other)

    def logaddexp(self, other: Any) -> Tensor:
        """log(exp(x) + exp(other)) without overflow (logaddexp(1e4, 1e4) = 1e4 + ln 2)."""
        need_tensor("logaddexp", "other", other)
        return self._float_only(P.Logaddexp, "logaddexp", other)

    def logaddexp2(self, other: Any) -> Tensor:
        """log2(2^x + 2^other) without overflow."""
        need_tensor("logaddexp2", "other", other)
        return self._float_only(P.Logaddexp2, "logaddexp2", other)

    def _float_only(self, cls: Any, op: str, other: Any) -> Tensor:
        rt = result_type(_operand(self), _operand(other))
        if rt.kind not in "fc" or rt.kind == "c" and cls is not P.Logaddexp:
            raise _not_for(f"{op}_cpu", rt)  # (complex: logaddexp only, as PyTorch)
        return binary(cls, self, other)

    def xlogy(self, other: Any) -> Tensor:
        """x * log(other), 0 where x == 0 (unless other is NaN); other may be a number."""
        return _floating_binary(P.Xlogy, self, other, "xlogy_cpu")

    def fmod(self, other: Any) -> Tensor:
        """x - trunc(x / other) * other: C's remainder, with the sign of x (``remainder``
        has the divisor's). Integer division by zero raises RuntimeError, as PyTorch."""
        _check_int_divisor(self, other, "fmod_cpu")
        return binary(P.Fmod, self, other)  # type: ignore[no-any-return]

    def fmax(self, other: Any) -> Tensor:
        """max(x, other) ignoring NaN (NaN only where both are); a tie's gradient goes to x."""
        need_tensor("fmax", "other", other)
        no_complex_order("fmax", self, other)
        return binary(P.Fmax, self, other)

    def fmin(self, other: Any) -> Tensor:
        """min(x, other) ignoring NaN (NaN only where both are); a tie's gradient goes to x."""
        need_tensor("fmin", "other", other)
        no_complex_order("fmin", self, other)
        return binary(P.Fmin, self, other)

    def copysign(self, other: Any) -> Tensor:
        """|x| with the sign of other (-0.0 counts as negative); a float result."""
        return _floating_binary(P.Copysign, self, other, "copysign_cpu")

    def heaviside(self, values: Any) -> Tensor:
        """0 where x < 0, ``values`` where x == 0, 1 where x > 0 (NaN gives 0, as PyTorch);
        values must be a tensor of x's dtype. Backward raises (PyTorch defines no derivative)."""
        need_tensor("heaviside", "values", values)
        v = np.asarray(data_of(values))
        if self.dtype.kind == "c" or v.dtype.kind == "c":
            raise RuntimeError("heaviside is not yet implemented for complex tensors.")
        if v.dtype != self.dtype:
            raise RuntimeError(f"heaviside is not yet implemented for tensors with different "
                               f"dtypes (got {self.dtype} and {v.dtype})")
        return P.Heaviside.apply(self, values)

    def float_power(self, exponent: Any) -> Tensor:
        """x ** exponent computed in float64 (the result is float64 whatever the inputs),
        or in complex128 when either is complex, as PyTorch's."""
        dt = float_power_dtype(self, exponent)
        base = self.to(dt)  # type: ignore[attr-defined]
        if isinstance(exponent, TensorBase):
            exponent = exponent.to(dt)  # type: ignore[attr-defined]
        elif isinstance(exponent, np.ndarray):
            exponent = exponent.astype(dt)
        return binary(P.Pow, base, exponent)

    # -- comparisons PyTorch also has as methods ---------------------------------------
    def where(self, condition: Any, y: Any) -> Tensor:
        """condition ? x : y elementwise (``x.where(c, y)`` is ``where(c, x, y)``), at
        PyTorch's result dtype of x and y (a number y counts by its category: an int
        tensor with 2.5 gives the default float, a bool tensor with 2.5 too)."""
        if isinstance(condition, TensorBase) and condition.dtype != np.bool_:
            raise RuntimeError("where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {condition.dtype}")
        rt = result_type(self, _operand(y))
        yc = checked_cast(y, rt)
        return select(condition, _cast(self, rt),
                      yc if isinstance(yc, TensorBase) else np.asarray(yc, dtype=rt))

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        """|x - other| <= atol + rtol |other| elementwise, broadcast (bool); infinities are
        close only to themselves, NaN only with equal_nan. Both must have one dtype."""
        need_tensor("isclose", "other", other)
        a, b = self._data, np.asarray(data_of(other))
        if a.dtype != b.dtype:
            raise RuntimeError(f"isclose: {_torch_name(a.dtype)} did not match "
                               f"{_torch_name(b.dtype)} (convert one with .to())")
        for name, tol in (("rtol", rtol), ("atol", atol)):
            if tol < 0:
                raise RuntimeError(f"isclose: {name} must be greater than or equal to zero, "
                                   f"but got {tol}")
        try:
            close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise RuntimeError(f"isclose: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                               "broadcast together") from None
        return self._new(np.asarray(close))

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """True when every element is close (``isclose``), a Python bool."""
        return bool(self.isclose(other, rtol, atol, equal_nan)._data.all())

    def equal(self, other: Any) -> bool:
        """True when both have the same shape and the same values (dtypes may differ; NaN is
        never equal), a Python bool."""
        b = np.asarray(data_of(other))
        return self._data.shape == b.shape and bool(np.array_equal(self._data, b))
