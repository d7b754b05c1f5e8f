"""The math methods of Tensor: thin calls to primitives, and composites built from them.

Composites (gelu, silu, clip with Tensor bounds ...) are written with Tensor methods, so
their gradients and second derivatives come from the primitives for free (rule 6). The
reductions and the softmax family are the sibling mixin in ``tensor_reduce``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from . import function
from . import ops as P
from ._shapes import shape_arg

_default = {"dtype": np.dtype(np.float32)}
_DTYPE_NAMES = {
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
        if name in _DTYPE_NAMES:
            return np.dtype(_DTYPE_NAMES[name])
    if dtype is float:
        return get_default_dtype()
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a dtype: {dtype!r}") from None


def _T() -> Any:
    return function._tensor_cls


def _data(x: Any) -> Any:
    return x._data if isinstance(x, _T()) else x


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if isinstance(x, _T()) else np.shape(x)


def _ints(args: tuple[Any, ...]) -> tuple[int, ...]:
    return shape_arg(args)


class TensorMixin:
    """The base of Tensor's method mixins: what they may use of a Tensor (declared for type
    checking; ``Tensor`` provides the array and its read-only shape properties)."""

    __slots__ = ()
    _data: np.ndarray
    if TYPE_CHECKING:

        @property
        def shape(self) -> tuple[int, ...]: ...

        @property
        def ndim(self) -> int: ...

        @property
        def dtype(self) -> np.dtype: ...


class TensorOps(TensorMixin):
    """Op methods shared by every Tensor (a mixin; ``Tensor`` adds data and autograd)."""

    __slots__ = ()

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, y: Any) -> Any:
        return P.Add.apply(self, y)

    def __radd__(self, x: Any) -> Any:
        return P.Add.apply(x, self)

    def __sub__(self, y: Any) -> Any:
        return P.Sub.apply(self, y)

    def __rsub__(self, x: Any) -> Any:
        return P.Sub.apply(x, self)

    def __mul__(self, y: Any) -> Any:
        return P.Mul.apply(self, y)

    def __rmul__(self, x: Any) -> Any:
        return P.Mul.apply(x, self)

    def __truediv__(self, y: Any) -> Any:
        return P.Div.apply(self, y)

    def __rtruediv__(self, x: Any) -> Any:
        return P.Div.apply(x, self)

    def __pow__(self, p: Any) -> Any:
        return P.Pow.apply(self, p)

    def __rpow__(self, x: Any) -> Any:
        return P.Pow.apply(x, self)

    def __matmul__(self, w: Any) -> Any:
        return P.MatMul.apply(self, w)

    def __rmatmul__(self, x: Any) -> Any:
        return P.MatMul.apply(x, self)

    def __neg__(self) -> Any:
        return P.Neg.apply(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return P.Abs.apply(self)

    add, sub, mul, div, pow, matmul = __add__, __sub__, __mul__, __truediv__, __pow__, __matmul__
    multiply, divide, subtract, true_divide = __mul__, __truediv__, __sub__, __truediv__
    mm = __matmul__

    def addmm(self, mat1: Any, mat2: Any, *, beta: float = 1.0, alpha: float = 1.0) -> Any:
        """beta * self + alpha * (mat1 @ mat2): one op (PyTorch's ``addmm``).

        mat1 (n, k) and mat2 (k, m) are 2-D; self must broadcast to (n, m). ``Linear``
        and the recurrent layers use it for "bias plus product" and "x_t part plus
        h @ W_hh.T".
        """
        T = _T()
        a = mat1 if isinstance(mat1, T) else T(mat1)
        b = mat2 if isinstance(mat2, T) else T(mat2)
        sa, sb, sc = a._data.shape, b._data.shape, self._data.shape
        if len(sa) != 2 or len(sb) != 2:
            raise ValueError(f"addmm: expected 2-D mat1 (n, k) and mat2 (k, m), got shapes "
                             f"{sa} and {sb}")
        if sa[1] != sb[0]:
            raise ValueError(f"addmm: shapes {sa} and {sb} do not multiply (inner "
                             f"dimensions {sa[1]} and {sb[0]} differ)")
        out = (sa[0], sb[1])
        if sc != out and (len(sc) > 2 or any(s not in (1, o) for s, o in
                                             zip(sc[::-1], out[::-1]))):
            raise ValueError(f"addmm: input of shape {sc} does not broadcast to the "
                             f"product's shape {out}")
        return P.AddMM.apply(self, a, b, beta=beta, alpha=alpha)

    def neg(self) -> Any:
        return P.Neg.apply(self)

    def abs(self) -> Any:
        """|x|; the gradient at 0 is 0."""
        return P.Abs.apply(self)

    def exp(self) -> Any:
        return P.Exp.apply(self)

    def log(self) -> Any:
        return P.Log.apply(self)

    def log1p(self) -> Any:
        """log(1 + x), accurate near 0."""
        return P.Log1p.apply(self)

    def expm1(self) -> Any:
        """exp(x) - 1, accurate near 0."""
        return P.Expm1.apply(self)

    def sqrt(self) -> Any:
        return P.Sqrt.apply(self)

    def square(self) -> Any:
        return P.Mul.apply(self, self)

    def reciprocal(self) -> Any:
        return P.Div.apply(1.0, self)

    def rsqrt(self) -> Any:
        return P.Div.apply(1.0, P.Sqrt.apply(self))

    def sin(self) -> Any:
        return P.Sin.apply(self)

    def cos(self) -> Any:
        return P.Cos.apply(self)

    def tanh(self) -> Any:
        return P.Tanh.apply(self)

    def sigmoid(self) -> Any:
        """1 / (1 + exp(-x)), computed without overflow."""
        return P.Sigmoid.apply(self)

    def relu(self) -> Any:
        """max(x, 0); the gradient at 0 is 0."""
        return P.ReLU.apply(self)

    def erf(self) -> Any:
        return P.Erf.apply(self)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Any:
        """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
        return P.Softplus.apply(self, beta=beta, threshold=threshold)

    def leaky_relu(self, slope: float = 0.01, *, negative_slope: float | None = None) -> Any:
        """x where x > 0, else slope * x."""
        if negative_slope is not None:
            slope = negative_slope
        return where(_data(self) > 0, self, self * slope)

    def elu(self, alpha: float = 1.0) -> Any:
        """x where x > 0, else alpha (exp(x) - 1); exp sees only x <= 0 (no overflow)."""
        return where(_data(self) > 0, self, self.clip(None, 0).expm1() * alpha)

    def gelu(self, approximate: str = "none") -> Any:
        """x Phi(x) with the exact erf form (PyTorch's default), or approximate='tanh'."""
        if approximate == "tanh":
            inner = (self + self * self * self * 0.044715) * math.sqrt(2 / math.pi)
            return self * 0.5 * (inner.tanh() + 1)
        if approximate != "none":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return self * 0.5 * ((self * (1 / math.sqrt(2))).erf() + 1)

    def silu(self) -> Any:
        """x sigmoid(x)."""
        return self * self.sigmoid()

    def log_sigmoid(self) -> Any:
        """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
        return -(-self).softplus()

    def clip(self, lo: Any = None, hi: Any = None) -> Any:
        """min(max(x, lo), hi); either bound may be None (Tensor bounds get gradients too)."""
        if lo is None and hi is None:
            raise ValueError("clip: at least one of lo and hi must be given")
        T = _T()
        if isinstance(lo, T) and lo.requires_grad or isinstance(hi, T) and hi.requires_grad:
            # differentiable bounds: the composite routes the gradient to whichever side wins
            x = self if lo is None else where(self._data < _data(lo), lo, self)
            return x if hi is None else where(_data(x) > _data(hi), hi, x)
        return P.Clip.apply(self, lo=_data(lo), hi=_data(hi))

    def clamp(self, min: Any = None, max: Any = None) -> Any:
        return self.clip(min, max)

    def maximum(self, other: Any) -> Any:
        return P.Maximum.apply(self, other)

    def minimum(self, other: Any) -> Any:
        return P.Minimum.apply(self, other)

    def sign(self) -> Any:
        return _T()(np.sign(self._data))

    def masked_fill(self, mask: Any, value: Any) -> Any:
        """x where mask is False, value where it is True."""
        return where(_data(mask), value, self)

    # -- comparisons (no gradient) -------------------------------------------------
    def __lt__(self, y: Any) -> Any:
        return _T()(self._data < _data(y))

    def __le__(self, y: Any) -> Any:
        return _T()(self._data <= _data(y))

    def __gt__(self, y: Any) -> Any:
        return _T()(self._data > _data(y))

    def __ge__(self, y: Any) -> Any:
        return _T()(self._data >= _data(y))

    def __eq__(self, y: Any) -> Any:  # type: ignore[override]
        return _T()(self._data == _data(y))

    def __ne__(self, y: Any) -> Any:  # type: ignore[override]
        return _T()(self._data != _data(y))

    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__

    def __invert__(self) -> Any:
        return _T()(~self._data)

    def __and__(self, y: Any) -> Any:
        return _T()(self._data & _data(y))

    def __or__(self, y: Any) -> Any:
        return _T()(self._data | _data(y))

    def any(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _T()(np.any(self._data, axis=axis, keepdims=keepdims))

    def all(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _T()(np.all(self._data, axis=axis, keepdims=keepdims))

    def isnan(self) -> Any:
        return _T()(np.isnan(self._data))


# -- functions of several tensors ---------------------------------------------------
def where(cond: Any, x: Any, y: Any) -> Any:
    """cond ? x : y elementwise (cond is a boolean array or Tensor, no gradient)."""
    c = np.asarray(_data(cond))
    if c.dtype != np.bool_:
        c = c.astype(bool)
    return P.Where.apply(c, x, y)


def maximum(x: Any, y: Any) -> Any:
    """Elementwise max(x, y); ties split the gradient."""
    return P.Maximum.apply(x, y)


def minimum(x: Any, y: Any) -> Any:
    """Elementwise min(x, y); ties split the gradient."""
    return P.Minimum.apply(x, y)
