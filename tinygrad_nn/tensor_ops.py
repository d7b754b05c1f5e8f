"""The op methods of Tensor: thin calls to primitives, and composites built from them.

Composites (mean, var, softmax, gelu ...) are written with Tensor methods, so their
gradients and second derivatives come from the primitives for free (rule 6).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import function
from . import ops as P
from ._shapes import broadcast_shapes, normalize_axis, normalize_one_axis, shape_arg

_default = {"dtype": np.dtype(np.float32)}
_DTYPE_NAMES = {
    "float": np.float32, "float32": np.float32, "float64": np.float64, "double": np.float64,
    "float16": np.float16, "half": np.float16, "int": np.int32, "int32": np.int32,
    "int64": np.int64, "long": np.int64, "int8": np.int8, "uint8": np.uint8,
    "int16": np.int16, "bool": np.bool_,
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
    return x.data if isinstance(x, _T()) else x


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if isinstance(x, _T()) else np.shape(x)


def _binary(cls: Any, x: Any, y: Any) -> Any:
    try:
        return cls.apply(x, y)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        broadcast_shapes(cls.__name__.lower(), _shape(x), _shape(y))
        raise


def _axes(axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    if dim is not None:
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


def _ints(args: tuple[Any, ...]) -> tuple[int, ...]:
    return shape_arg(args)


class TensorOps:
    """Op methods shared by every Tensor (a mixin; ``Tensor`` adds data and autograd)."""

    __slots__ = ()
    data: np.ndarray
    shape: tuple[int, ...]
    ndim: int
    dtype: np.dtype

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, y: Any) -> Any:
        return _binary(P.Add, self, y)

    def __radd__(self, x: Any) -> Any:
        return _binary(P.Add, x, self)

    def __sub__(self, y: Any) -> Any:
        return _binary(P.Sub, self, y)

    def __rsub__(self, x: Any) -> Any:
        return _binary(P.Sub, x, self)

    def __mul__(self, y: Any) -> Any:
        return _binary(P.Mul, self, y)

    def __rmul__(self, x: Any) -> Any:
        return _binary(P.Mul, x, self)

    def __truediv__(self, y: Any) -> Any:
        return _binary(P.Div, self, y)

    def __rtruediv__(self, x: Any) -> Any:
        return _binary(P.Div, x, self)

    def __pow__(self, p: Any) -> Any:
        return _binary(P.Pow, self, p)

    def __rpow__(self, x: Any) -> Any:
        return _binary(P.Pow, x, self)

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
        return _binary(P.Div, 1.0, self)

    def rsqrt(self) -> Any:
        return _binary(P.Div, 1.0, P.Sqrt.apply(self))

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
        """min(max(x, lo), hi); either bound may be None."""
        if lo is None and hi is None:
            raise ValueError("clip: at least one of lo and hi must be given")
        return P.Clip.apply(self, lo=_data(lo), hi=_data(hi))

    def clamp(self, min: Any = None, max: Any = None) -> Any:
        return self.clip(min, max)

    def maximum(self, other: Any) -> Any:
        return _binary(P.Maximum, self, other)

    def minimum(self, other: Any) -> Any:
        return _binary(P.Minimum, self, other)

    def sign(self) -> Any:
        return _T()(np.sign(self.data))

    def masked_fill(self, mask: Any, value: Any) -> Any:
        """x where mask is False, value where it is True."""
        return where(_data(mask), value, self)

    # -- comparisons (no gradient) -------------------------------------------------
    def __lt__(self, y: Any) -> Any:
        return _T()(self.data < _data(y))

    def __le__(self, y: Any) -> Any:
        return _T()(self.data <= _data(y))

    def __gt__(self, y: Any) -> Any:
        return _T()(self.data > _data(y))

    def __ge__(self, y: Any) -> Any:
        return _T()(self.data >= _data(y))

    def __eq__(self, y: Any) -> Any:  # type: ignore[override]
        return _T()(self.data == _data(y))

    def __ne__(self, y: Any) -> Any:  # type: ignore[override]
        return _T()(self.data != _data(y))

    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__

    def __invert__(self) -> Any:
        return _T()(~self.data)

    def __and__(self, y: Any) -> Any:
        return _T()(self.data & _data(y))

    def __or__(self, y: Any) -> Any:
        return _T()(self.data | _data(y))

    def any(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _T()(np.any(self.data, axis=axis, keepdims=keepdims))

    def all(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _T()(np.all(self.data, axis=axis, keepdims=keepdims))

    def isnan(self) -> Any:
        return _T()(np.isnan(self.data))

    # -- reductions ---------------------------------------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Sum over ``axis`` (None: all axes)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        return P.Sum.apply(self, axes=normalize_axis(axis, self.ndim, "sum"), keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
             keepdim: Any = None) -> Any:
        """Mean over ``axis`` = sum / count."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        axes = normalize_axis(axis, self.ndim, "mean")
        n = math.prod(self.shape[a] for a in axes)
        return P.Sum.apply(self, axes=axes, keepdims=keepdims) * (1.0 / n if n else math.nan)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0, *, dim: Any = None,
            keepdim: Any = None, correction: int | None = None) -> Any:
        """Variance mean((x - mean)^2) * n / (n - ddof); ddof=0 by default (NumPy's)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        if correction is not None:
            ddof = correction
        axes = normalize_axis(axis, self.ndim, "var")
        n = math.prod(self.shape[a] for a in axes)
        d = self - self.mean(axes, keepdims=True)
        return (d * d).sum(axes, keepdims=keepdims) * (1.0 / max(n - ddof, 0) if n > ddof else math.nan)

    def std(self, axis: Any = None, keepdims: bool = False, ddof: int = 0, *, dim: Any = None,
            keepdim: Any = None, correction: int | None = None) -> Any:
        """sqrt(var(axis, keepdims, ddof))."""
        return self.var(axis, keepdims, ddof, dim=dim, keepdim=keepdim, correction=correction).sqrt()

    def max(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Largest value over ``axis``; tied maxima share the gradient."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        return P.Max.apply(self, axes=normalize_axis(axis, self.ndim, "max"), keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: Any = None) -> Any:
        """Smallest value over ``axis``; tied minima share the gradient."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        return P.Min.apply(self, axes=normalize_axis(axis, self.ndim, "min"), keepdims=keepdims)

    amax, amin = max, min

    def argmax(self, axis: int | None = None, keepdims: bool = False, *, dim: Any = None,
               keepdim: Any = None) -> Any:
        """Index of the largest value (no gradient)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        if axis is not None:
            axis = normalize_one_axis(axis, self.ndim, "argmax")
        return _T()(np.argmax(self.data, axis=axis, keepdims=keepdims))

    def argmin(self, axis: int | None = None, keepdims: bool = False, *, dim: Any = None,
               keepdim: Any = None) -> Any:
        """Index of the smallest value (no gradient)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        if axis is not None:
            axis = normalize_one_axis(axis, self.ndim, "argmin")
        return _T()(np.argmin(self.data, axis=axis, keepdims=keepdims))

    def logsumexp(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
                  keepdim: Any = None) -> Any:
        """log(sum(exp(x))) computed as m + log(sum(exp(x - m))), m = max (no overflow)."""
        axis, keepdims = _axes(axis, keepdims, dim, keepdim)
        axes = normalize_axis(axis, self.ndim, "logsumexp")
        m = self.data.max(axis=axes, keepdims=True) if self.data.size else np.zeros(())
        m = np.where(np.isfinite(m), m, 0)  # all -inf rows stay -inf, not nan
        out = (self - m).exp().sum(axes, keepdims=True).log() + m
        return out if keepdims else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Any:
        """exp(x - max) / sum(exp(x - max)) along ``axis``."""
        axis = normalize_one_axis(axis if dim is None else dim, self.ndim, "softmax")
        e = (self - self.data.max(axis=axis, keepdims=True)).exp()
        return e / e.sum(axis, keepdims=True)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Any:
        """x - logsumexp(x) along ``axis`` (stable for logits of any size)."""
        axis = normalize_one_axis(axis if dim is None else dim, self.ndim, "log_softmax")
        return self - self.logsumexp(axis, keepdims=True)

    # -- shape --------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Any:
        """The same elements in a new shape (one entry may be -1)."""
        return P.Reshape.apply(self, shape=_ints(shape))

    view = reshape

    def view_as(self, other: Any) -> Any:
        return self.reshape(other.shape)

    def flatten(self, start_axis: int = 0, end_axis: int = -1, *, start_dim: int | None = None,
                end_dim: int | None = None) -> Any:
        """Merge axes start_axis..end_axis into one."""
        if self.ndim == 0:
            return self.reshape(1)
        s = normalize_one_axis(start_axis if start_dim is None else start_dim, self.ndim, "flatten")
        e = normalize_one_axis(end_axis if end_dim is None else end_dim, self.ndim, "flatten")
        return self.reshape(self.shape[:s] + (-1,) + self.shape[e + 1 :])

    def transpose(self, *axes: Any) -> Any:
        """Permute the axes (NumPy's meaning); no argument reverses them."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not axes:
            axes = tuple(range(self.ndim))[::-1]
        if sorted(normalize_one_axis(a, self.ndim, "transpose") for a in axes) != list(range(self.ndim)):
            raise ValueError(f"transpose: {axes} is not a permutation of the {self.ndim} axes")
        return P.Transpose.apply(self, axes=tuple(a % self.ndim for a in axes))

    permute = transpose

    def t(self) -> Any:
        return self.transpose()

    def swapaxes(self, a: int, b: int) -> Any:
        """Exchange two axes."""
        axes = list(range(self.ndim))
        a, b = normalize_one_axis(a, self.ndim, "swapaxes"), normalize_one_axis(b, self.ndim, "swapaxes")
        axes[a], axes[b] = axes[b], axes[a]
        return P.Transpose.apply(self, axes=tuple(axes))

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> Any:
        """Drop size-1 axes (all of them, or those named; a named axis of size > 1 stays)."""
        axis = axis if dim is None else dim
        axes = (tuple(i for i, n in enumerate(self.shape) if n == 1) if axis is None
                else normalize_axis(axis, self.ndim, "squeeze"))
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1)))

    def unsqueeze(self, axis: int, *, dim: int | None = None) -> Any:
        """Insert a size-1 axis at ``axis`` (in [-ndim-1, ndim])."""
        a = normalize_one_axis(axis if dim is None else dim, self.ndim + 1, "unsqueeze")
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def expand(self, *shape: Any) -> Any:
        """Broadcast to ``shape`` without copying (-1 keeps an axis)."""
        shape = _ints(shape)
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        broadcast_shapes("expand", self.shape, shape)
        if broadcast_shapes("expand", self.shape, shape) != shape:
            raise ValueError(f"expand: cannot expand shape {self.shape} to {shape}")
        return P.Expand.apply(self, shape=shape)

    broadcast_to = expand

    def expand_as(self, other: Any) -> Any:
        return self.expand(other.shape)

    def repeat(self, *reps: Any) -> Any:
        """Tile the tensor ``reps`` times along each axis (PyTorch's repeat = np.tile)."""
        reps = _ints(reps)
        if len(reps) < self.ndim:
            raise ValueError(f"repeat: {len(reps)} repeats for a tensor of {self.ndim} dimensions")
        x = self.reshape((1,) * (len(reps) - self.ndim) + self.shape)
        big = tuple(v for r, n in zip(reps, x.shape) for v in (r, n))
        inter = x.reshape(tuple(v for n in x.shape for v in (1, n))).expand(big)
        return inter.reshape(tuple(r * n for r, n in zip(reps, x.shape)))

    def __getitem__(self, idx: Any) -> Any:
        T = _T()
        if isinstance(idx, T):
            idx = idx.data
        elif isinstance(idx, tuple):
            idx = tuple(i.data if isinstance(i, T) else i for i in idx)
        elif isinstance(idx, list):
            idx = np.asarray(idx)
        try:
            return P.GetItem.apply(self, idx=idx)
        except IndexError as e:
            raise IndexError(f"index {idx!r} is invalid for a tensor of shape {self.shape}: {e}") from None

    def narrow(self, axis: int, start: int, length: int) -> Any:
        """Elements start..start+length along ``axis``."""
        a = normalize_one_axis(axis, self.ndim, "narrow")
        if not 0 <= start <= start + length <= self.shape[a]:
            raise IndexError(f"narrow: {start}:{start + length} is out of range for size {self.shape[a]}")
        return self[(slice(None),) * a + (slice(start, start + length),)]

    def pad(self, pad_width: Any, value: float = 0.0) -> Any:
        """Constant padding; ``pad_width`` as in np.pad (int, (before, after) or per axis)."""
        pw = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (self.ndim, 2))
        if (pw < 0).any():
            raise ValueError(f"pad: pad widths must be >= 0, got {pad_width!r}")
        return P.Pad.apply(self, pad_width=tuple(map(tuple, pw.tolist())), value=value)

    def split(self, split_size_or_sections: Any, axis: int = 0, *, dim: int | None = None) -> Any:
        """Pieces of size ``n`` (the last may be smaller), or of the listed sizes."""
        a = normalize_one_axis(axis if dim is None else dim, self.ndim, "split")
        n = self.shape[a]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections <= 0:
                raise ValueError(f"split: size must be positive, got {split_size_or_sections}")
            sizes = [min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise ValueError(f"split: sizes {sizes} do not add up to the axis length {n}")
        out, start = [], 0
        for s in sizes:
            out.append(self[(slice(None),) * a + (slice(start, start + s),)])
            start += s
        return tuple(out)

    def chunk(self, chunks: int, axis: int = 0, *, dim: int | None = None) -> Any:
        """``chunks`` nearly equal pieces (PyTorch's chunk)."""
        a = normalize_one_axis(axis if dim is None else dim, self.ndim, "chunk")
        return self.split(max(1, -(-self.shape[a] // chunks)), a)

    # -- types --------------------------------------------------------------------
    def astype(self, dtype: Any) -> Any:
        """Cast (differentiable between floating dtypes)."""
        dt = as_dtype(dtype)
        return self if dt == self.dtype else P.Cast.apply(self, dtype=dt)

    type = astype

    def float(self) -> Any:
        return self.astype(np.float32)

    def double(self) -> Any:
        return self.astype(np.float64)

    def half(self) -> Any:
        return self.astype(np.float16)

    def long(self) -> Any:
        return self.astype(np.int64)

    def int(self) -> Any:
        return self.astype(np.int32)

    def bool(self) -> Any:
        return self.astype(np.bool_)

    def clone(self) -> Any:
        """A copy that stays in the graph."""
        return P.Cast.apply(self, dtype=self.dtype)

    def new_tensor(self, data: Any, requires_grad: bool = False) -> Any:
        return _T()(np.array(_data(data), dtype=self.dtype), requires_grad=requires_grad)

    def new_zeros(self, *shape: Any) -> Any:
        return _T()(np.zeros(_ints(shape), dtype=self.dtype))

    def new_ones(self, *shape: Any) -> Any:
        return _T()(np.ones(_ints(shape), dtype=self.dtype))

    def new_full(self, shape: Any, value: Any) -> Any:
        return _T()(np.full(_ints((shape,)), value, dtype=self.dtype))

    def draw(self, **kwargs: Any) -> Any:
        """Draw the graph that computed this tensor (see ``tinygrad_nn.viz.draw_graph``)."""
        from .viz import draw_graph

        return draw_graph(self, **kwargs)


# -- functions of several tensors ---------------------------------------------------
def where(cond: Any, x: Any, y: Any) -> Any:
    """cond ? x : y elementwise (cond is a boolean array or Tensor, no gradient)."""
    c = np.asarray(_data(cond))
    if c.dtype != np.bool_:
        c = c.astype(bool)
    try:
        return P.Where.apply(c, x, y)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        broadcast_shapes("where", c.shape, _shape(x), _shape(y))
        raise


def maximum(x: Any, y: Any) -> Any:
    """Elementwise max(x, y); ties split the gradient."""
    return _binary(P.Maximum, x, y)


def minimum(x: Any, y: Any) -> Any:
    """Elementwise min(x, y); ties split the gradient."""
    return _binary(P.Minimum, x, y)


def concatenate(tensors: Any, axis: int = 0, *, dim: int | None = None) -> Any:
    """Join tensors along an existing axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: expected a non-empty sequence of tensors")
    shapes = [_shape(t) for t in tensors]
    nd = len(shapes[0])
    a = normalize_one_axis(axis if dim is None else dim, nd, "concatenate")
    for i, s in enumerate(shapes):
        if len(s) != nd or s[:a] + s[a + 1 :] != shapes[0][:a] + shapes[0][a + 1 :]:
            raise ValueError(
                f"concatenate: tensor {i} has shape {s}, which does not match {shapes[0]} "
                f"except along axis {a}"
            )
    return P.Concatenate.apply(*tensors, axis=a)


cat = concatenate


def stack(tensors: Any, axis: int = 0, *, dim: int | None = None) -> Any:
    """Join same-shaped tensors along a new axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    shapes = {_shape(t) for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    nd = len(shapes.pop())
    a = normalize_one_axis(axis if dim is None else dim, nd + 1, "stack")
    T = _T()
    parts = [(t if isinstance(t, T) else T(t)).unsqueeze(a) for t in tensors]
    return P.Concatenate.apply(*parts, axis=a)


def einsum(subscripts: str, *tensors: Any) -> Any:
    """Einstein summation over the subscripts (NumPy's einsum; '...' and implicit output)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    terms, out = P.parse_einsum(subscripts, [_shape(t) for t in tensors])
    for t, s in zip(terms, tensors):
        for c, n in zip(t, _shape(s)):
            for t2, s2 in zip(terms, tensors):
                for c2, n2 in zip(t2, _shape(s2)):
                    if c == c2 and n != n2:
                        raise ValueError(
                            f"einsum: subscript '{c}' has size {n} in one operand and {n2} in another"
                        )
    return P.Einsum.apply(*tensors, terms=tuple(terms), out=out)
