"""The math methods of Tensor: thin calls to primitives, and composites built from them.

Composites (gelu, silu, clip with Tensor bounds ...) are written with Tensor methods, so
their gradients and second derivatives come from the primitives for free (rule 6). The
reductions and the softmax family are the sibling mixin in ``tensor_reduce``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from . import ops as P
from ._linalg_checks import refuse_bool, refuse_bool_matmul
from ._shapes import ShapeError, normalize_axis
from .dtypes import get_default_dtype, result_type
from .function import TensorBase, data_of
from .grad_mode import _mode
from .tensor_base import TensorMixin, with_overload

if TYPE_CHECKING:
    from .tensor import Tensor

_TORCH_DTYPE = {"bool": "Bool", "int64": "Long", "int32": "Int", "int16": "Short",
                "int8": "Char", "uint8": "Byte", "float32": "Float", "float64": "Double",
                "float16": "Half", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _torch_name(dt: Any) -> str:
    return _TORCH_DTYPE.get(str(np.dtype(dt)), str(dt))


def no_complex_grad(op: str, x: Any) -> None:
    """PyTorch's refusal to record ``op`` for a complex ``x`` that requires grad while grad
    mode is on: it defines no complex derivative for ``op`` (nan_to_num, silu ...)."""
    if x.requires_grad and _mode.enabled and x.dtype.kind == "c":
        raise RuntimeError(f"{op} does not support automatic differentiation for outputs "
                           "with complex dtype.")


def check_grad_dtype(x: Any, dt: Any) -> None:
    """PyTorch's refusal of a reduction's integer or bool ``dtype=`` for an input that
    requires grad while grad mode is on (such a result could not carry the gradient)."""
    if np.dtype(dt).kind not in "fc" and x.requires_grad and _mode.enabled:
        raise RuntimeError(f"Autograd not support dtype: {_torch_name(dt)}")


class ClampBoundsError(RuntimeError, ValueError):
    """clamp / clip with neither bound (PyTorch raises RuntimeError; it is also the
    ValueError this project raised before)."""


def _not_for(op: str, dt: Any) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for a dtype."""
    return NotImplementedError(f'"{op}" not implemented for \'{_torch_name(dt)}\' (dtype {dt}; '
                               "convert with .float())")


def argument_type_error(op: str, name: str, given: str, position: int) -> TypeError:
    """PyTorch's TypeError for an argument that must be a Tensor: ``maximum(): argument
    'other' (position 1) must be Tensor, not int`` (a plain TypeError, as PyTorch's; its
    ``tensor_argument`` lets the function form, input first, count one position on)."""
    error = TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                      f"{given}")
    error.tensor_argument = (op, name, given, position)  # type: ignore[attr-defined]
    return error


def float_power_dtype(x: Any, exponent: Any) -> np.dtype:
    """float_power's dtype: complex128 when x or the exponent is complex, else float64."""
    kinds = {np.asarray(data_of(v)).dtype.kind if isinstance(v, (TensorBase, np.ndarray))
             else "c" if isinstance(v, complex) else "f" for v in (x, exponent)}
    return np.dtype(np.complex128 if "c" in kinds else np.float64)


def no_complex_order(op: str, x: Any, y: Any) -> None:
    """PyTorch's RuntimeError for maximum / minimum / fmax / fmin of complex operands (they
    have no order)."""
    if result_type(_operand(x), _operand(y)).kind == "c":
        raise RuntimeError(f"{op} not implemented for complex tensors.")


def need_tensor(op: str, name: str, x: Any, position: int = 1) -> None:
    """PyTorch accepts only a Tensor for argument ``name`` of method ``op`` (a number raises
    TypeError; a NumPy array is let through, as elsewhere here)."""
    if not isinstance(x, (TensorBase, np.ndarray)):
        raise argument_type_error(op, name, type(x).__name__, position)


def cast_refused(x: Any, other: Any, name: str) -> RuntimeError:
    """PyTorch's error for the in-place op ``name`` whose result type (PyTorch's promotion
    of x and other; a float for true division) cannot be cast to x's dtype: int.add_(1.5),
    bool.add_(2); a bool subtraction raises PyTorch's own error."""
    if name.startswith("sub"):
        refuse_bool_sub(x, other)
    rt = result_type(_operand(x), _operand(other))
    if name.startswith("div") and rt.kind not in "fc":
        rt = get_default_dtype()
    return RuntimeError(f"result type {_torch_name(rt)} can't be cast to the desired output "
                        f"type {_torch_name(x.dtype)}")


def refuse_bool_sub(x: Any, y: Any) -> None:
    """PyTorch refuses x - y when either is a bool tensor or a Python bool (a NumPy bool
    scalar it takes as the number 1 / 0)."""
    # (written out, a Tensor tested first: every ``sub_`` of a training step's update runs this)
    bx = x._data.dtype.kind == "b" if isinstance(x, TensorBase) else x is True or x is False
    by = y._data.dtype.kind == "b" if isinstance(y, TensorBase) else y is True or y is False
    if bx and by:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if bx or by:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")


def _refuse_bool(x: Any, op: str) -> None:
    """Raise PyTorch's error for -x, +x or |x| of a bool tensor (nothing when x is not bool:
    the caller re-raises NumPy's own error). Called only after NumPy failed (or for the
    no-op +x), so the common path of neg and abs pays nothing."""
    if x._data.dtype.kind != "b":
        return
    if op == "abs":
        raise _not_for("abs_cpu", x.dtype) from None
    if op == "+":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                        "are trying to invert a mask, use the `~` or `logical_not()` operator "
                        "instead.") from None


class TensorElementwise(TensorMixin):
    """Elementwise and linear-algebra methods of every Tensor (ops/elementwise.py, ops/linalg.py;
    a mixin)."""

    __slots__ = ()

    def _floating(self, kernel: str = "") -> Any:
        """This tensor, cast to the default float when it is integer or bool (PyTorch's
        rule for exp, sin, sqrt, log2 ...: an int tensor in, float32 out). A complex tensor
        is refused when ``kernel`` (PyTorch's kernel name: 'erf_vml_cpu') is given."""
        if self._data.dtype.kind in "fc":
            if kernel and self._data.dtype.kind == "c":
                raise _not_for(kernel, self.dtype)
            return self
        return self.astype(get_default_dtype())  # type: ignore[attr-defined]

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, y: Any) -> Tensor:
        return binary(P.Add, self, y)

    def __radd__(self, x: Any) -> Tensor:
        return binary(P.Add, self, x)  # (PyTorch records x + c as c + x: self first)

    def __sub__(self, y: Any) -> Tensor:
        try:
            return binary(P.Sub, self, y)
        except TypeError:  # NumPy refuses bool - bool: raise PyTorch's error instead
            refuse_bool_sub(self, y)
            raise

    def __rsub__(self, x: Any) -> Tensor:
        """x - self for a number x: one input (PyTorch's RsubBackward1)."""
        refuse_bool_sub(x, self)
        return _reflected(P.Rsub, x, self)

    def __mul__(self, y: Any) -> Tensor:
        return binary(P.Mul, self, y)

    def __rmul__(self, x: Any) -> Tensor:
        return binary(P.Mul, self, x)  # (self first, as PyTorch records it)

    def __truediv__(self, y: Any) -> Tensor:
        return binary(P.Div, self, y)

    def __rtruediv__(self, x: Any) -> Tensor:
        """x / self for a number x: ``reciprocal(self) * x``, as PyTorch computes (and
        records) it."""
        return binary(P.Mul, self.reciprocal(), x)

    def __pow__(self, p: Any) -> Tensor:
        """x ** p; integer powers as PyTorch's (a negative Tensor exponent gives 0 but for a
        base of +-1; a negative number exponent raises; uint8 wraps)."""
        out = _integer_power(self, p)
        return binary(P.Pow, self, p) if out is None else out

    def __rpow__(self, x: Any) -> Tensor:
        """x ** self for a number x: one input (PyTorch's PowBackward2)."""
        out = _integer_power(x, self)
        return _reflected(P.RPow, x, self) if out is None else out  # type: ignore[no-any-return]

    def __floordiv__(self, y: Any) -> Tensor:
        """floor(x / y) as Python's // (PyTorch's floor_divide: recorded without a
        derivative, a backward through it raises); an integer y of 0 raises."""
        return _floor_divide(self, y)

    def __rfloordiv__(self, x: Any) -> Tensor:
        return _floor_divide(x, self)

    def __mod__(self, y: Any) -> Tensor:
        """x - floor(x / y) * y, the sign of y (PyTorch's remainder); gradients 1 and
        -floor(x / y); an integer y of 0 raises."""
        _check_int_divisor(self, y, "remainder_cpu")
        return binary(P.Remainder, self, y)  # type: ignore[no-any-return]

    def __rmod__(self, x: Any) -> Tensor:
        rt = _check_int_divisor(x, self, "remainder_cpu")
        if isinstance(x, (int, float)):  # PyTorch has no derivative of remainder(number, t)
            return P.NoDerivative.apply(self, value=np.asarray(np.remainder(_cast(x, rt), data_of(  # type: ignore[no-any-return]
                _cast(self, rt))), dtype=rt), error=RuntimeError(
                "derivative for aten::remainder is not implemented"))
        return binary(P.Remainder, x, self)  # type: ignore[no-any-return]

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """x / y; rounding_mode 'trunc' (towards zero) or 'floor' (down) rounds the quotient
        (then the gradient is 0, integer inputs stay integer), as PyTorch."""
        if rounding_mode is None:
            return binary(P.Div, self, other)  # type: ignore[no-any-return]
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or "
                               f"'floor' but found '{rounding_mode}'")
        rt = _check_int_divisor(self, other, f"div_{rounding_mode}_cpu")
        return P.DivRounded.apply(_cast(self, rt), _cast(other, rt),  # type: ignore[no-any-return]
                                  mode=rounding_mode)

    def __matmul__(self, w: Any) -> Tensor:
        if not isinstance(w, (TensorBase, np.ndarray)):  # Python's TypeError, as PyTorch's:
            return NotImplemented  # unsupported operand type(s) for @: 'Tensor' and 'int'
        if not isinstance(w, TensorBase) or w._data.dtype is not self._data.dtype:
            same_dtype("matmul", self, w)  # (two Tensors of one dtype: nothing to check)
        if self._data.dtype == np.bool_:  # (PyTorch has no bool kernel for its products)
            refuse_bool_matmul(self, w)
        return P.MatMul.apply(self, w)

    def __rmatmul__(self, x: Any) -> Tensor:
        if not isinstance(x, (TensorBase, np.ndarray)):
            return NotImplemented
        same_dtype("matmul", x, self)
        if self._data.dtype == np.bool_:
            refuse_bool_matmul(self._new(x) if isinstance(x, np.ndarray) else x, self)
        return P.MatMul.apply(x, self)

    def matmul(self, other: Any) -> Tensor:
        """self @ other (NumPy's 1-D, 2-D and batched rules); ``other`` a Tensor."""
        need_tensor("matmul", "other", other)
        return self @ other

    def __neg__(self) -> Tensor:
        """-x; a bool tensor is refused (use ``~`` or logical_not), as PyTorch refuses it."""
        try:
            return P.Neg.apply(self)
        except TypeError:  # NumPy refuses bool negation: raise PyTorch's error instead
            _refuse_bool(self, "-")
            raise

    def __pos__(self) -> Self:
        """+x is x itself; a bool tensor is refused, as PyTorch refuses it."""
        _refuse_bool(self, "+")
        return self

    def __abs__(self) -> Tensor:
        """|x|; the gradient at 0 is 0; a bool tensor is refused, as PyTorch refuses it."""
        try:
            return P.Abs.apply(self)
        except TypeError:  # np.sign (the saved derivative) has no bool loop
            _refuse_bool(self, "abs")
            raise

    def add(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """self + alpha * other; PyTorch's alpha rules: no float alpha for an integer result,
        a bool alpha only for a bool result (where + is or)."""
        if _not_one(alpha) and _alpha_checked(self, other, alpha):
            return self._new(data_of(self) | (np.asarray(data_of(other)) & bool(alpha)))  # type: ignore[attr-defined, no-any-return]
        return self + (other if alpha == 1 else _scaled(self, other, alpha))

    def sub(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """self - alpha * other (PyTorch's alpha rules, as ``add``)."""
        if alpha != 1:
            refuse_bool_sub(self, other)
        if _not_one(alpha):
            _alpha_checked(self, other, alpha)
        return self - (other if alpha == 1 else _scaled(self, other, alpha))

    mul, pow = __mul__, __pow__
    multiply, divide, true_divide, floor_divide, remainder = (
        __mul__, div, __truediv__, __floordiv__, __mod__)
    subtract = sub

    def mm(self, mat2: Any) -> Tensor:
        """Matrix product of two matrices: (n, k) @ (k, m) -> (n, m)."""
        need_tensor("mm", "mat2", mat2)
        if self.ndim != 2 or getattr(mat2, "ndim", 0) != 2:
            raise RuntimeError(f"mm: expected two 2-D tensors, got shapes {self._data.shape} and "
                               f"{getattr(mat2, 'shape', ())}")
        return self @ mat2

    def bmm(self, mat2: Any) -> Tensor:
        """Batched matrix product: (b, n, k) @ (b, k, m) -> (b, n, m)."""
        need_tensor("bmm", "mat2", mat2)
        if self.ndim != 3 or getattr(mat2, "ndim", 0) != 3:
            raise RuntimeError(f"bmm: expected two 3-D tensors, got shapes {self._data.shape} and "
                               f"{getattr(mat2, 'shape', ())}")
        same_dtype("bmm", self, mat2)
        if self._data.size and np.size(data_of(mat2)):
            refuse_bool("bmm", self)
        return P.Bmm.apply(self, mat2)

    def addmm(self, mat1: Any, mat2: Any, *, beta: float = 1.0, alpha: float = 1.0) -> Tensor:
        """beta * self + alpha * (mat1 @ mat2): one op (PyTorch's ``addmm``).

        mat1 (n, k) and mat2 (k, m) are 2-D; self must broadcast to (n, m). The three share
        one dtype (no promotion, as PyTorch), bool has no kernel, and an integer product
        takes beta and alpha truncated to integers (PyTorch's cast: beta=0.5 is 0). ``Linear``
        and the recurrent layers use it for "bias plus product" and "x_t part plus
        h @ W_hh.T".
        """
        a = mat1 if isinstance(mat1, TensorBase) else self._new(mat1)
        b = mat2 if isinstance(mat2, TensorBase) else self._new(mat2)
        sa, sb, sc = a._data.shape, b._data.shape, self._data.shape
        if len(sa) != 2 or len(sb) != 2:
            raise ShapeError(f"addmm: expected 2-D mat1 (n, k) and mat2 (k, m), got shapes "
                             f"{sa} and {sb}")
        if sa[1] != sb[0]:
            raise ShapeError(f"addmm: shapes {sa} and {sb} do not multiply (inner "
                             f"dimensions {sa[1]} and {sb[0]} differ)")
        for name, m in (("self", self), ("mat1", a)):  # PyTorch: one dtype, no promotion
            if m.dtype != b.dtype:
                raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                                   f"{_torch_name(m.dtype)} and {_torch_name(b.dtype)} "
                                   f"({m.dtype} and {b.dtype}); {_MIXED_FIX}")
        if b.dtype == np.bool_:
            raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')
        if b.dtype.kind in "iu":  # an integer product takes beta and alpha truncated
            beta, alpha = int(beta), int(alpha)
        out = (sa[0], sb[1])
        if sc != out and (len(sc) > 2 or any(s not in (1, o) for s, o in
                                             zip(sc[::-1], out[::-1]))):
            raise ShapeError(f"addmm: input of shape {sc} does not broadcast to the "
                             f"product's shape {out}")
        return P.AddMM.apply(self, a, b, beta=beta, alpha=alpha)

    neg, negative, abs, absolute, positive = __neg__, __neg__, __abs__, __abs__, __pos__

    def exp(self) -> Tensor:
        return P.Exp.apply(self._floating())

    def log(self) -> Tensor:
        return P.Log.apply(self._floating())

    def log1p(self) -> Tensor:
        """log(1 + x), accurate near 0."""
        return P.Log1p.apply(self._floating())

    def expm1(self) -> Tensor:
        """exp(x) - 1, accurate near 0."""
        return P.Expm1.apply(self._floating())

    def sqrt(self) -> Tensor:
        return P.Sqrt.apply(self._floating())

    def square(self) -> Tensor:
        """x * x; a bool tensor gives int64 (PyTorch squares it as pow(x, 2))."""
        x = self.astype(np.int64) if self._data.dtype.kind == "b" else self  # type: ignore[attr-defined]
        return P.Mul.apply(x, x)

    def reciprocal(self) -> Tensor:
        """1 / x (an integer tensor gives the default float)."""
        return P.Reciprocal.apply(self._floating())

    def rsqrt(self) -> Tensor:
        return P.Div.apply(1.0, P.Sqrt.apply(self._floating()))

    def sin(self) -> Tensor:
        return P.Sin.apply(self._floating())

    def cos(self) -> Tensor:
        return P.Cos.apply(self._floating())

    def tanh(self) -> Tensor:
        return P.Tanh.apply(self._floating())

    def sigmoid(self) -> Tensor:
        """1 / (1 + exp(-x)), computed without overflow."""
        return P.Sigmoid.apply(self._floating())

    def relu(self) -> Tensor:
        """max(x, 0); the gradient at 0 is 0; a bool tensor is refused, as PyTorch."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        if self._data.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        return P.ReLU.apply(self)

    def erf(self) -> Tensor:
        return P.Erf.apply(self._floating("erf_vml_cpu"))

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
        if self._data.dtype.kind == "c":
            raise _not_for("softplus_cpu", self.dtype)
        return P.Softplus.apply(self, beta=beta, threshold=threshold)

    def leaky_relu(self, slope: float = 0.01, *, negative_slope: float | None = None) -> Tensor:
        """x where x > 0, else slope * x."""
        if negative_slope is not None:
            slope = negative_slope
        if self._data.dtype.kind == "c":  # (x > 0 has no meaning for complex x)
            raise _not_for("leaky_relu_cpu", self.dtype)
        return select(data_of(self) > 0, self, self * slope)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """x where x > 0, else alpha (exp(x) - 1); exp sees only x <= 0 (no overflow)."""
        return select(data_of(self) > 0, self, self.clip(None, 0).expm1() * alpha)

    def gelu(self, approximate: str = "none") -> Tensor:
        """x Phi(x) with the exact erf form (PyTorch's default), or approximate='tanh'."""
        if approximate == "tanh":
            inner = (self + self * self * self * 0.044715) * math.sqrt(2 / math.pi)
            return self * 0.5 * (inner.tanh() + 1)
        if approximate != "none":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return self * 0.5 * ((self * (1 / math.sqrt(2))).erf() + 1)

    def silu(self) -> Tensor:
        """x sigmoid(x)."""
        no_complex_grad("silu", self)
        return self * self.sigmoid()

    def log_sigmoid(self) -> Tensor:
        """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
        return -(-self).softplus()

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - PyTorch's
        """min(max(x, min), max); either bound may be None; Tensor bounds (both Tensors, or
        one and None) get gradients too; a number with a 0-d Tensor takes both as numbers.
        A NaN in x or a bound gives NaN, as PyTorch."""
        lo, hi = min, max
        if lo is not None and hi is not None \
                and isinstance(lo, TensorBase) != isinstance(hi, TensorBase):
            # PyTorch's clamp(Tensor, Number, Number) takes a 0-d Tensor bound as a number
            if any(isinstance(b, TensorBase) and b.ndim for b in (lo, hi)):
                raise TypeError(f"clamp(): min and max must both be Tensors or both numbers "
                                f"(a 0-d Tensor counts as a number), got "
                                f"{type(lo).__name__} and {type(hi).__name__}")
            lo, hi = (data_of(b).item() if isinstance(b, TensorBase) else b for b in (lo, hi))
        return self._clamp(lo, hi, P.Clip)

    def _clamp(self, lo: Any, hi: Any, op: Any) -> Tensor:
        """clamp with ``op`` the node for number bounds: ``Clip``, or ``ClampMin`` /
        ``ClampMax`` for ``clamp_min`` / ``clamp_max`` (their PyTorch nodes)."""
        if lo is None and hi is None:
            raise ClampBoundsError("torch.clamp: At least one of 'min' or 'max' must not be "
                                   "None (clip / clamp need a bound)")
        if self._data.dtype.kind == "c" or isinstance(lo, complex) or isinstance(hi, complex):
            raise NotImplementedError("clamp is not supported for complex types")
        if self._data.dtype.kind not in "fc" or isinstance(lo, TensorBase) \
                or isinstance(hi, TensorBase):  # PyTorch's result dtype of x and the bounds
            rt = result_type(*[_operand(v) for v in (self, lo, hi) if v is not None])
            tensors = isinstance(lo, TensorBase), isinstance(hi, TensorBase)
            if rt.kind == "c" or rt.kind == "b" and all(tensors):  # PyTorch's kernel names
                raise _not_for("clamp_cpu" if all(tensors) else "maximum_cpu" if tensors[0]
                               else "minimum_cpu", rt)
            if rt.kind == "b" and not any(tensors):  # (bool with bool numbers)
                raise _not_for("clamp_scalar_cpu" if lo is not None and hi is not None else
                               "clamp_min_scalar_cpu" if hi is None else "clamp_max_scalar_cpu",
                               rt)
            if rt != self._data.dtype:
                return _cast(self, rt)._clamp(lo, hi, op)  # type: ignore[no-any-return]
            if rt.kind in "iu":  # (int bounds converted as PyTorch's: uint8 takes -3 as 253)
                lo, hi = (checked_cast(b, rt) if type(b) in (int, bool) else b for b in (lo, hi))
            # Tensor bounds computed in x's dtype (NumPy would promote float32 by int64)
            lo, hi = (_cast(b, rt) if isinstance(b, TensorBase) else b for b in (lo, hi))
        if any(isinstance(b, TensorBase) and b.requires_grad for b in (lo, hi)):
            return P.ClipTensors.apply(self, lo, hi)  # type: ignore[no-any-return]
        out = op.apply(self, lo=data_of(lo), hi=data_of(hi))
        if isinstance(lo, TensorBase) or isinstance(hi, TensorBase):  # PyTorch's overload
            return with_overload(out, 1 - op._overload)  # for Tensor bounds (ClampBackward0)
        return out

    clip = clamp

    def maximum(self, other: Any) -> Tensor:
        """max(x, other) elementwise, broadcast (other a Tensor); ties split the gradient."""
        need_tensor("maximum", "other", other)
        no_complex_order("maximum", self, other)
        return binary(P.Maximum, self, other)

    def minimum(self, other: Any) -> Tensor:
        """min(x, other) elementwise, broadcast (other a Tensor); ties split the gradient."""
        need_tensor("minimum", "other", other)
        no_complex_order("minimum", self, other)
        return binary(P.Minimum, self, other)

    def sign(self) -> Tensor:
        """-1, 0 or 1 per element; 0 at NaN, as PyTorch; zero gradient (SignBackward0)."""
        return self._sign_op(P.Sign)

    def _sign_op(self, cls: Any) -> Tensor:
        kind = self._data.dtype.kind
        if kind == "c" and cls is P.Sign:
            raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support "
                                      "complex numbers. Please use torch.sgn instead.")
        if kind in "fc":
            return cls.apply(self)  # type: ignore[no-any-return]
        return self._new(self._data.copy() if kind == "b" else np.sign(self._data))

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """x where mask is False, value where it is True; the result keeps x's dtype (the
        value is converted to it, as ``fill_``: ``int.masked_fill(m, 1.7)`` writes 1), as
        PyTorch. ``mask`` is boolean; a Tensor value is 0-d (its gradient flows)."""
        m = data_of(mask)
        if isinstance(mask, TensorBase) and m.dtype != np.bool_:
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with "
                               f"dtype {_TORCH_NAMES.get(str(m.dtype), m.dtype)}")
        if isinstance(value, TensorBase):
            if value.ndim:
                raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, "
                                   f"but got tensor with {value.ndim} dimension(s).")
            scalar_to(value._data.item(), self._data.dtype)  # (PyTorch's overflow check)
            value = _cast(value, self._data.dtype)
        else:
            value = scalar_to(value, self._data.dtype)
        out = fill_where(m, value, self, P.MaskedFill)
        # PyTorch's node: MaskedFillBackward0 for a number value, 1 for a Tensor
        return with_overload(out, 1) if isinstance(value, TensorBase) else out

    # -- comparisons (no gradient) -------------------------------------------------
    def _compare(self, fn: Any, y: Any, kernel: str = "") -> Tensor:
        """fn(x, y) in PyTorch's result dtype of x and y, as PyTorch compares (a uint8
        tensor < -3 compares with 253; an int64 tensor with 2.5 in float32); ``kernel``
        names an ordering, which complex numbers refuse."""
        if not isinstance(y, (TensorBase, np.ndarray, np.generic, bool, int, float, complex)):
            return self._new(np.asarray(fn(self._data, data_of(y))))  # (NumPy's reading)
        rt = result_type(self, _operand(y))
        if kernel and rt.kind == "c":
            raise _not_for(kernel, rt)
        b = (np.asarray(data_of(y)).astype(rt, copy=False)
             if isinstance(y, (TensorBase, np.ndarray)) else _cast(y, rt))
        return self._new(np.asarray(fn(self._data.astype(rt, copy=False), b)))

    def __lt__(self, y: Any) -> Tensor:
        return self._compare(np.less, y, "lt_cpu")

    def __le__(self, y: Any) -> Tensor:
        return self._compare(np.less_equal, y, "le_cpu")

    def __gt__(self, y: Any) -> Tensor:
        return self._compare(np.greater, y, "gt_cpu")

    def __ge__(self, y: Any) -> Tensor:
        return self._compare(np.greater_equal, y, "ge_cpu")

    def __eq__(self, y: Any) -> Tensor:  # type: ignore[override]
        return self._compare(np.equal, y)

    def __ne__(self, y: Any) -> Tensor:  # type: ignore[override]
        return self._compare(np.not_equal, y)

    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__
    less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne

    def any(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: bool | None = None) -> Tensor:
        """True where any element (along ``dim``) is nonzero (a bool tensor)."""
        axis, keepdims = (axis if dim is None else dim), (keepdims if keepdim is None
                                                            else keepdim)
        return self._logical_reduce(np.any, "any", axis, keepdims)

    def all(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: bool | None = None) -> Tensor:
        """True where every element (along ``dim``) is nonzero (a bool tensor)."""
        axis, keepdims = (axis if dim is None else dim), (keepdims if keepdim is None
                                                            else keepdim)
        return self._logical_reduce(np.all, "all", axis, keepdims)

    def _logical_reduce(self, fn: Any, name: str, axis: Any, keepdims: bool) -> Tensor:
        """any / all over ``axis`` (None: every dim; (): none, unlike sum; a 0-d tensor takes
        0 / -1): bool, except uint8 in, uint8 out (PyTorch's legacy rule)."""
        axes = normalize_axis(axis, self.ndim, name)  # checked even for a 0-d tensor
        out = fn(self._data, axis=axes if self.ndim else None, keepdims=bool(keepdims))
        return self._new(out.astype(np.uint8) if self._data.dtype == np.uint8 else out)

    def isnan(self) -> Tensor:
        return self._new(np.isnan(self._data))


def _not_one(alpha: Any) -> bool:
    """False only for add / sub's default alpha, the int 1 (True and 1.0 get the checks)."""
    return type(alpha) is not int or alpha != 1


def _alpha_checked(x: Any, y: Any, alpha: Any) -> bool:
    """PyTorch's checks of add / sub's ``alpha`` against the result dtype of x and y;
    True when that dtype is bool (the caller adds as logical or)."""
    rt = result_type(_operand(x), _operand(y))
    if isinstance(alpha, (bool, np.bool_)):
        if rt.kind != "b":
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        return True
    if isinstance(alpha, (float, np.floating)) and rt.kind in "biu":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    return rt.kind == "b"


def _scaled(x: Any, y: Any, alpha: Any) -> Any:
    """alpha * y at the result dtype of x and y, as PyTorch's add / sub scale it (an
    integer result wraps: uint8 + 2 * -1 is uint8 - 2)."""
    rt = result_type(_operand(x), _operand(y))
    if rt.kind not in "iu":
        return y * alpha
    return _cast(y if isinstance(y, TensorBase) else np.asarray(y), rt) * np.asarray(
        alpha).astype(rt)


def _operand(x: Any) -> Any:
    return x if isinstance(x, (TensorBase, np.ndarray, np.generic)) else (
        x if isinstance(x, (bool, int, float, complex)) else np.asarray(x))


def _check_int_divisor(x: Any, y: Any, op: str = "") -> np.dtype:
    """PyTorch's result dtype of x and y; an integer division by 0 raises, as PyTorch's
    (NumPy would give 0 with a warning), unless the result is empty; with ``op`` (the
    kernel's name) bool operands are refused."""
    rt = result_type(_operand(x), _operand(y))
    if rt.kind in "bc" and op:  # (no kernel for bool or complex)
        raise _not_for(op, rt)
    if rt.kind in "iu" and np.any(np.asarray(data_of(y)) == 0) \
            and np.broadcast(np.asarray(data_of(x)), np.asarray(data_of(y))).size:
        raise RuntimeError("ZeroDivisionError")
    return rt


def _integer_power(x: Any, p: Any) -> Any:
    """x ** p when PyTorch's result dtype is integer or bool, else None (the float path).

    PyTorch refuses a bool result ("pow" has no bool kernel) except for a number exponent,
    and a negative number exponent of an integer base; a negative Tensor exponent gives
    1 / x^-p in integers: 1 for a base of 1, +-1 for -1, else 0 (NumPy raises)."""
    if any(isinstance(v, TensorBase) and v._data.dtype.kind in "fc" for v in (x, p)):
        return None  # (a floating tensor makes a floating result: the common case, fast)
    rt = result_type(_operand(x), _operand(p))
    if rt.kind not in "biu":
        return None
    number_p = not isinstance(p, (TensorBase, np.ndarray))
    if rt.kind == "b":
        if number_p:
            return None  # (bool ** True is bool, as PyTorch's)
        raise NotImplementedError('"pow" not implemented for \'Bool\'')  # (PyTorch's words)
    if number_p:
        if isinstance(p, (int, np.integer)) and p < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if isinstance(p, (int, np.integer)):
            scalar_to(p, rt)  # (an exponent beyond the dtype raises PyTorch's overflow error)
        return None
    base = np.asarray(data_of(x) if isinstance(x, TensorBase) else _cast(x, rt)).astype(
        rt, copy=False)
    exp = np.asarray(data_of(p)).astype(rt, copy=False)
    neg = exp < 0
    value = np.power(base, np.where(neg, 0, exp).astype(rt, copy=False))
    if neg.any():
        odd = (exp % 2).astype(bool)
        value = np.where(neg, np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1),
                                                                0)), value).astype(rt)
    t = p if isinstance(p, TensorBase) else x
    return t._new(np.asarray(value, dtype=rt))


def _floor_divide(x: Any, y: Any) -> Any:
    rt = _check_int_divisor(x, y, "div_floor_cpu")
    value = np.floor_divide(data_of(_cast(x, rt)), data_of(_cast(y, rt)))
    error = RuntimeError("derivative for aten::floor_divide is not implemented")
    return P.NoDerivative.apply(*[v for v in (x, y) if isinstance(v, TensorBase)],
                                value=np.asarray(value, dtype=rt), error=error)


def binary(cls: Any, x: Any, y: Any) -> Any:
    """``cls.apply(x, y)`` with the operands cast to PyTorch's result dtype (the one place the
    arithmetic ops promote: ``dtypes.result_type``); true division of integers gives the
    default float. The common cases (same dtype; a float tensor and a Python float) skip it."""
    tx, ty = type(x), type(y)
    if tx is ty:  # two Tensors
        if x._data.dtype is y._data.dtype and (cls is not P.Div or x._data.dtype.kind in "fc"):
            return cls.apply(x, y)
    elif ty is float or ty is int or tx is float or tx is int:  # a float tensor and a number
        t = x if ty is float or ty is int else y  # (NumPy keeps the tensor's dtype, as PyTorch)
        if isinstance(t, TensorBase) and t._data.dtype.kind in "fc":
            return cls.apply(x, y=y) if t is x and cls in NUMBER_OPTION else cls.apply(x, y)
    if cls is P.Sub:
        refuse_bool_sub(x, y)
    rt = result_type(_operand(x), _operand(y))
    if cls is P.Div and rt.kind not in "fc":
        rt = get_default_dtype()
    xc, yc = _cast(x, rt), _cast(y, rt)
    if cls in NUMBER_OPTION and isinstance(xc, TensorBase) and not isinstance(
            yc, (TensorBase, np.ndarray)):
        return cls.apply(xc, y=yc)
    return cls.apply(xc, yc)


# ops whose number second operand is an option, not an input (PyTorch's Scalar overloads:
# ``x ** 2`` is PowBackward0 with one input, as ``x % 2`` and ``x.fmod(2)``)
NUMBER_OPTION = frozenset({P.Pow, P.Remainder, P.Fmod})


def _reflected(cls: Any, c: Any, x: Any) -> Any:
    """``cls.apply(x, c=c)``: the op of a constant ``c`` and the Tensor ``x`` (``1 - x``,
    ``2 ** x``), both at PyTorch's result dtype; ``c`` is an option, not an input."""
    rt = result_type(_operand(c), _operand(x))
    return cls.apply(_cast(x, rt), c=_cast(c, rt))


def _cast(x: Any, dt: np.dtype) -> Any:
    """An operand at dtype ``dt``: Tensors through the differentiable cast, numbers as they
    are (NumPy combines a Python number with an array at the array's dtype)."""
    if isinstance(x, TensorBase):
        return x if x._data.dtype == dt else x.astype(dt)  # type: ignore[attr-defined]
    if isinstance(x, (np.ndarray, list, tuple)):
        return np.asarray(x, dtype=dt)
    if isinstance(x, np.generic):
        x = x.item()
    if type(x) is int and dt.kind in "iu":  # converted as C converts, as PyTorch does: it
        return wrap_int(x, dt)  # wraps (uint8 tensor - 3 adds 253, int8 tensor + 300 adds 44)
    return x


def checked_cast(x: Any, dt: np.dtype) -> Any:
    """``_cast``, but a Python int (or bool) into an integer dtype as PyTorch converts a
    where branch or a clamp bound: checked (``scalar_to``: int8 and 300 raise, uint8 takes
    -3 as 253), not wrapped as an arithmetic operand is."""
    if type(x) in (int, bool) and dt.kind in "iu":
        return scalar_to(x, dt)
    return _cast(x, dt)


def wrap_int(x: int, dt: np.dtype) -> Any:
    """The Python int ``x`` as a NumPy scalar of the integer dtype ``dt``, wrapped modulo
    2^bits as PyTorch's C conversion wraps it (NumPy raises OverflowError instead); beyond
    64 bits PyTorch's OverflowError."""
    if not -2 ** 63 <= x < 2 ** 64:
        raise OverflowError("int too big to convert")
    return np.array(x).astype(dt)[()]


# the C type PyTorch names in "value cannot be converted to type ... without overflow"
_C_TYPES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t",
            "uint8": "uint8_t", "float32": "float", "float64": "double", "float16": "c10::Half"}


def scalar_to(value: Any, dt: np.dtype) -> Any:
    """A Python number converted to dtype ``dt`` as PyTorch converts a fill value (fill_,
    masked_fill): a float to an integer type truncates towards zero, a value outside the
    type's range (or NaN / inf / complex into an integer type, a complex into a float
    type) raises PyTorch's overflow error; anything goes into bool."""
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, (bool, int, float, complex)):
        raise TypeError(f"expected a number as the fill value, got {type(value).__name__}")
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 64:
        raise OverflowError("int too big to convert")
    if dt.kind == "b":
        return np.bool_(value)
    over = RuntimeError(f"value cannot be converted to type {_C_TYPES.get(str(dt), dt)} "
                        "without overflow")
    if isinstance(value, complex):
        if value.imag != 0 and dt.kind != "c":
            raise over
        value = value.real if dt.kind != "c" else value
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if isinstance(value, float):
            if not math.isfinite(value) or not info.min <= value <= info.max:
                raise over
            return dt.type(int(value))
        lowest = -int(info.max) if dt.kind == "u" else info.min  # (uint8 takes -255..255)
        if not lowest <= value <= info.max:
            raise over
        return dt.type(value % 2 ** info.bits if dt.kind == "u" else value)
    if dt.kind == "f" and math.isfinite(value) and abs(value) > float(np.finfo(dt).max):
        raise over
    return dt.type(value)


_TORCH_NAMES = {"float32": "float", "float64": "double", "float16": "Half", "int64": "long int",
                "int32": "int", "int16": "short int", "int8": "signed char",
                "uint8": "unsigned char", "bool": "bool"}


_MIXED_FIX = "convert one, e.g. x.float() for a float32 model, or model.double() for float64 data"


def same_dtype(op: str, a: Any, b: Any) -> None:
    """Matrix products need operands of one dtype (PyTorch refuses mixed ones, with no
    promotion): raise RuntimeError naming both dtypes and the fix."""
    da, db = getattr(a, "dtype", None), getattr(b, "dtype", None)
    if da is None or db is None or da == db or not a.ndim or not b.ndim:
        return  # (a 0-d operand gets matmul's own error)
    na, nb = (_TORCH_NAMES.get(str(d), str(d)) for d in (da, db))
    raise RuntimeError(
        f"{op}: expected m1 and m2 to have the same dtype, but got: {na} != {nb} "
        f"({da} and {db}); {_MIXED_FIX}"
    )


def _mask(cond: Any) -> np.ndarray:
    c = np.asarray(data_of(cond))
    return c if c.dtype == np.bool_ else c.astype(bool)


def select(cond: Any, x: Any, y: Any) -> Any:
    """cond ? x : y elementwise (cond a boolean array or Tensor, no gradient, an option of the
    node; x or y a Tensor): PyTorch's WhereBackward0 with the inputs x and y."""
    return P.Where.apply(x, y, cond=_mask(cond))


def fill_where(cond: Any, value: Any, x: Any, op: Any) -> Any:
    """cond ? value : x, recorded as ``op`` (``MaskedFill``, ``IndexFill``) with x first and
    a number ``value`` an option, not an input (PyTorch's node, Backward0), a Tensor value
    the second input (Backward1)."""
    if isinstance(value, TensorBase):
        return op.apply(x, value, cond=_mask(cond))
    return op.apply(x, cond=_mask(cond), value=value)
