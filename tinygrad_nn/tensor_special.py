"""Tensor methods PyTorch has both as methods and as top-level functions, whose logic lives
here once (a mixin): special functions (``sinc``, ``i0``, ``mvlgamma``), float
decomposition (``ldexp``, ``frexp``, ``nextafter``), integer ``gcd`` / ``lcm``, ``renorm``,
``dist``, ``adjoint``, ``histogram``, the shrink / PReLU activations, the out-of-place writes
into views (``select_scatter``, ``slice_scatter``, ``diagonal_scatter``, ``as_strided_scatter``,
``put``, ``index_reduce``), ``as_strided`` and ``split_with_sizes``.

``tinygrad_nn.<name>(input, ...)`` is ``input.<name>(...)`` (``_torch_functions.METHOD_FORMS``;
``F.hardshrink`` and ``F.prelu`` call the methods). Each is a composite of existing ops (so
gradients, to any order, come from theirs) or, for integer results, a NumPy function wrapped
without a graph.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np

from ._shapes import normalize_one_axis
from ._warn import warn_once
from .dtypes import get_default_dtype, result_type
from .function import TensorBase
from .ops.movement import AsStridedView
from .ops.special import Igamma, Igammac
from .ops.strided import AsStrided
from .storage import owner_of
from .tensor_base import TensorMixin
from .tensor_elementwise import _not_for, need_tensor, select
from .tensor_inplace import _inplace_form
from .tensor_inplace_compare import check_broadcast

if TYPE_CHECKING:
    from .tensor import Tensor

FrexpResult = namedtuple("frexp", ["mantissa", "exponent"])  # type: ignore[name-match]
HistogramResult = namedtuple("histogram", ["hist", "bin_edges"])  # type: ignore[name-match]


def _positions(x: Any) -> np.ndarray:
    """Each element's flat (row-major) position, in x's shape."""
    return np.arange(x.numel(), dtype=np.int64).reshape(x.shape)



def _memory_positions(offset: int, shape: tuple[int, ...], stride: tuple[int, ...]) -> np.ndarray:
    """Per element of a (shape, stride, offset) view, its position in the memory."""
    at = np.full(shape, offset, dtype=np.int64)
    for k, (n, step) in enumerate(zip(shape, stride)):
        at += (np.arange(n, dtype=np.int64) * step).reshape((-1,) + (1,) * (len(shape) - k - 1))
    return at

class TensorSpecial(TensorMixin):
    """Special functions and out-of-place view writes of Tensor (a mixin)."""

    __slots__ = ()

    def _as(self, x: Any) -> Any:
        """x as a Tensor (a Tensor itself; a number or array wrapped without a graph)."""
        return x if isinstance(x, TensorBase) else self._new(np.asarray(x))

    def _float(self) -> Any:
        """self when floating, else self in the default float dtype (PyTorch's int -> float)."""
        return self if self._data.dtype.kind in "fc" else self.to(get_default_dtype())  # type: ignore[attr-defined]

    # -- special functions --------------------------------------------------------------
    def sinc(self) -> Tensor:
        """sin(pi x) / (pi x), and 1 at x = 0 (gradient 0 there); ints give the default float."""
        x = self._float()
        zero = x._data == 0
        safe = select(zero, 1.0, x)  # (keeps the unused branch finite at 0, and its gradient)
        px = safe * math.pi
        return select(zero, 1.0, px.sin() / px).to(x.dtype)  # type: ignore[no-any-return]

    def i0(self) -> Tensor:
        """Modified Bessel function of the first kind, order 0: sum_k (x^2/4)^k / (k!)^2.

        The series, summed by Horner's rule in t = x^2/4 up to a term count that reaches
        float64 precision for the largest |x| given; a composite, so its gradient (i1) and
        higher ones follow. Ints give the default float; +-inf gives NaN, as PyTorch's CPU
        kernel."""
        if self._data.dtype.kind == "c":
            raise _not_for("i0_vml_cpu", self.dtype)
        x = self._float()
        finite = np.isfinite(x._data)
        big = float(np.abs(x._data[finite]).max(initial=0.0))
        terms = min(int(big), 800) + 25  # (term k peaks near |x|/2, then falls as (|x|/2k)^2k)
        xs = select(finite, x, 0.0) if not finite.all() else x  # (inf and NaN give NaN, below)
        t = xs * xs / 4
        out = t * 0 + 1.0
        for k in range(terms, 0, -1):  # 1 + t/1^2 (1 + t/2^2 (1 + ... ))
            out = out * t / (k * k) + 1.0
        return out if finite.all() else select(finite, out, math.nan)  # type: ignore[no-any-return]

    def mvlgamma(self, p: int) -> Tensor:
        """log of the multivariate gamma: p(p-1)/4 log(pi) + sum_i lgamma(x - i/2), i < p."""
        if p < 1:
            raise RuntimeError(f"p has to be greater than or equal to 1, got {p}")
        x: Any = self
        shifts = self._new(-np.arange(p, dtype=self._float()._data.dtype) / 2)
        return (x.unsqueeze(-1) + shifts).lgamma().sum(-1) + p * (p - 1) / 4 * math.log(math.pi)  # type: ignore[no-any-return]

    def igamma(self, other: Any) -> Tensor:
        """P(a, x) = 1/Gamma(a) int_0^x t^(a-1) e^-t dt, the regularized lower incomplete
        gamma function of a = self and x = other (broadcast, floating dtypes); gradient in
        x only, as PyTorch's."""
        return self._igamma("igamma", other, False)

    def igammac(self, other: Any) -> Tensor:
        """Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function."""
        return self._igamma("igammac", other, True)

    def _igamma(self, name: str, other: Any, upper: bool) -> Tensor:
        need_tensor(name, "other", other)
        x = self._as(other)
        rt = result_type(self, x)
        if rt.kind != "f":
            raise _not_for(f"{name}_cpu", rt)
        check_broadcast(name, self, x)  # (PyTorch's RuntimeError)
        shape = np.broadcast_shapes(self.shape, x.shape)
        a, x = self.to(rt).expand(shape), x.to(rt).expand(shape)  # type: ignore[attr-defined]
        return (Igammac if upper else Igamma).apply(a, x)  # type: ignore[no-any-return]

    igamma_ = _inplace_form("igamma_", binary=True)
    igammac_ = _inplace_form("igammac_", binary=True)

    # -- floats and integers ------------------------------------------------------------
    def ldexp(self, other: Any) -> Tensor:
        """x * 2^other, in a floating dtype (both operands get gradients, as PyTorch's)."""
        need_tensor("ldexp", "other", other)
        if self._data.dtype.kind == "f" and self._as(other)._data.dtype.kind == "b":
            # (PyTorch's kernel runs in self's float dtype, and has no bool exponent)
            raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")
        e = self._as(other)
        if self._data.dtype.kind in "fc" and e._data.dtype.kind in "biu":
            # (PyTorch's kernel for an integer exponent: in self's dtype, complex128 0-d too)
            return self * e.to(np.finfo(self.dtype).dtype).exp2()  # type: ignore[attr-defined, no-any-return]
        # otherwise PyTorch's mul(self, pow(2.0, other)), 2^other in other's floating dtype
        # or the default float (an int self with a float16 other is float16)
        return self * e._float().exp2()  # type: ignore[no-any-return]

    def frexp(self) -> Any:
        """(mantissa, exponent) with x = mantissa * 2^exponent, |mantissa| in [0.5, 1);
        exponent int32. The mantissa is x * 2^-exponent, so it has x's gradient."""
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"torch.frexp() only supports floating-point dtypes, got "
                               f"{self.dtype}")
        _, e = np.frexp(self._data)
        scale = self._new(np.ldexp(np.ones((), self._data.dtype), -e))
        return FrexpResult(self * scale, self._new(e.astype(np.int32)))

    def nextafter(self, other: Any) -> Tensor:
        """The next float after x towards other; gradient 1 for x, 0 for other (as PyTorch's:
        the step is below the float's resolution)."""
        need_tensor("nextafter", "other", other)
        rt = result_type(self, self._as(other))  # (PyTorch's kernel: floating dtypes only)
        if rt.kind != "f":
            raise _not_for("nextafter_cpu", rt)
        x, y = self.to(rt), self._as(other).to(rt)  # type: ignore[attr-defined]
        step = self._new(np.nextafter(x._data, y._data) - x._data)
        return x + step + 0 * y  # type: ignore[no-any-return]

    def _integer_op(self, name: str, fn: Any, other: Any) -> Tensor:
        need_tensor(name, "other", other)
        b = self._as(other)
        rt = result_type(self, b)  # (PyTorch promotes first: int64 with bool is int64)
        if rt.kind not in "iu":
            raise NotImplementedError(f'"{name}_cpu" not implemented for {rt} (integer dtypes '
                                      "only)")
        return self._new(fn(self._data.astype(rt), b._data.astype(rt)).astype(rt))  # type: ignore[no-any-return]

    def gcd(self, other: Any) -> Tensor:
        """Greatest common divisor, elementwise, of integer tensors (no gradient)."""
        return self._integer_op("gcd", np.gcd, other)

    def lcm(self, other: Any) -> Tensor:
        """Least common multiple, elementwise, of integer tensors (no gradient)."""
        return self._integer_op("lcm", np.lcm, other)

    sinc_, i0_ = _inplace_form("sinc_"), _inplace_form("i0_")
    mvlgamma_ = _inplace_form("mvlgamma_")
    ldexp_ = _inplace_form("ldexp_", binary=True)
    nextafter_ = _inplace_form("nextafter_", binary=True)
    gcd_, lcm_ = _inplace_form("gcd_", binary=True), _inplace_form("lcm_", binary=True)

    # -- norms, distances, histograms ---------------------------------------------------
    def renorm(self, p: float, dim: int, maxnorm: float) -> Tensor:
        """Each slice along ``dim`` whose p-norm exceeds maxnorm, rescaled to norm maxnorm
        (by maxnorm / (norm + 1e-7), as PyTorch's); the others unchanged."""
        if self._data.dtype.kind not in "fc":
            raise RuntimeError(f"renorm: expected a floating tensor, got {self.dtype}")
        if p <= 0:
            raise RuntimeError(f"renorm: non-positive-norm not supported, got p={p}")
        if maxnorm < 0:
            raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
        if self.ndim < 2:
            raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {self.ndim} "
                               "dimensions")
        d = normalize_one_axis(dim, self.ndim, "renorm")
        others = tuple(i for i in range(self.ndim) if i != d)
        x: Any = self
        norm = x.abs().pow(p).sum(others, keepdim=True).pow(1.0 / p) if others else x.abs()
        factor = select(norm._data > maxnorm, maxnorm / (norm + 1e-7), 1.0)
        return x * factor.to(x.dtype)  # type: ignore[no-any-return]

    renorm_ = _inplace_form("renorm_")

    def dist(self, other: Any, p: float = 2) -> Tensor:
        """The p-norm of x - other (broadcast), a 0-d tensor."""
        need_tensor("dist", "other", other)
        return (self - self._as(other)).norm(p)  # type: ignore[no-any-return]

    def adjoint(self) -> Tensor:
        """The conjugate transpose of the last two dims (``mT`` for real tensors)."""
        if self.ndim < 2:
            raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                               f"matrices. Got {self.ndim}-D tensor.")
        return self.mH  # type: ignore[attr-defined,no-any-return]

    def histogram(self, bins: Any = 100, *, range: Any = None,  # noqa: A002 - PyTorch's
                  weight: Any = None, density: bool = False) -> Any:
        """(hist, bin_edges) of a floating tensor: ``bins`` equal bins over ``range`` (the
        data's min and max by default) or the given edges; no gradient."""
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f'"histogramdd" not implemented for {self.dtype}')
        edges = bins._data if isinstance(bins, TensorBase) else int(bins)
        w = None if weight is None else self._as(weight)._data.reshape(-1)
        hist, out_edges = np.histogram(self._data.reshape(-1), edges, range=range, weights=w,
                                       density=density)
        dt = self._data.dtype
        return HistogramResult(self._new(hist.astype(dt)), self._new(out_edges.astype(dt)))

    # -- activations (``F.hardshrink``, ``F.prelu``) ------------------------------------
    def hardshrink(self, lambd: float = 0.5) -> Tensor:
        """x where |x| > lambd, else 0 (gradient 0 at +-lambd)."""
        x: Any = self
        return select((x >= -lambd) & (x <= lambd), 0.0, x)  # type: ignore[no-any-return]

    def prelu(self, weight: Any) -> Tensor:
        """x where x > 0, else w x; w (C,) acts on channel dim 1 (or one w for every element)."""
        w = self._as(weight)
        n = w.numel()
        if n != 1:
            if self.ndim == 0:
                raise RuntimeError("Not allow zero-dim input tensor.")
            c = self.shape[1] if self.ndim > 1 else 1
            if c != n:
                raise RuntimeError(f"Mismatch of parameter numbers and input channel size. "
                                   f"Found parameter numbers = {n} and channel size = {c}.")
            w = w.reshape((n,) + (1,) * (self.ndim - 2)) if self.ndim > 1 else w.reshape(-1)
        elif w.ndim > self.ndim:
            w = w.reshape(())  # one slope: the output keeps the input's shape
        x: Any = self
        return select(x > 0, x, w * x)  # type: ignore[no-any-return]

    # -- out-of-place writes into views, as_strided, split_with_sizes --------------------
    # The *_scatter forms and put share one mechanism: the flat positions of the target
    # elements (the view op applied to an array of positions) and index_put into the
    # flattened input, so input and src both get gradients.
    def _write_at(self, name: str, positions: np.ndarray, src: Any,
                  accumulate: bool = False) -> Tensor:
        s = self._as(src)
        if name != "put" and tuple(s.shape) != positions.shape:
            raise RuntimeError(f"expected src to have a size equal to the slice of self. src "
                               f"size = {list(s.shape)}, slice size = {list(positions.shape)}")
        flat: Any = self.reshape(-1)  # type: ignore[attr-defined]
        where = (self._new(positions.reshape(-1).astype(np.int64)),)
        return flat.index_put(where, s.reshape(-1).to(self.dtype),  # type: ignore[no-any-return]
                              accumulate).reshape(self.shape)

    def select_scatter(self, src: Any, dim: int, index: int) -> Tensor:
        """x with ``x.select(dim, index)`` replaced by src (of that slice's shape)."""
        pos = self._new(_positions(self)).select(dim, index)._data
        return self._write_at("select_scatter", pos, src)

    def slice_scatter(self, src: Any, dim: int = 0, start: int | None = None,
                      end: int | None = None, step: int = 1) -> Tensor:
        """x with ``x[.., start:end:step, ..]`` (along dim) replaced by src."""
        d = dim % max(self.ndim, 1)
        pos = _positions(self)[(slice(None),) * d + (slice(start, end, step),)]
        return self._write_at("slice_scatter", pos, src)

    def diagonal_scatter(self, src: Any, offset: int = 0, dim1: int = 0,
                         dim2: int = 1) -> Tensor:
        """x with ``x.diagonal(offset, dim1, dim2)`` replaced by src."""
        pos = self._new(_positions(self)).diagonal(offset, dim1, dim2)._data
        return self._write_at("diagonal_scatter", pos, src)

    def as_strided_scatter(self, src: Any, size: Any, stride: Any,
                           storage_offset: int | None = None) -> Tensor:
        """x with the elements ``x.as_strided(size, stride, storage_offset)`` reads replaced
        by src (of that shape)."""
        pos = self._new(_positions(self)).as_strided(size, stride, storage_offset)._data
        return self._write_at("as_strided_scatter", pos, src)

    def put(self, index: Any, source: Any, accumulate: bool = False) -> Tensor:
        """x (read as flat, row-major) with x.flatten()[index] = source (added with
        ``accumulate``); index and source have the same number of elements."""
        idx, s = self._as(index), self._as(source)
        if idx._data.dtype != np.int64:
            raise RuntimeError("put_(): Expected a long tensor for index, but got "
                               f"{idx.dtype}")
        if s.dtype != self.dtype:
            raise RuntimeError("put_(): self and source expected to have the same dtype, but "
                               f"got self.dtype = {self.dtype} and source.dtype = {s.dtype}")
        if idx.numel() != s.numel():
            raise IndexError("put_(): Expected source and index to have the same number of "
                             f"elements, but got source.numel() = {s.numel()}, index.numel() "
                             f"= {idx.numel()}")
        n = self.numel()  # type: ignore[attr-defined]
        bad = idx._data[(idx._data < -n) | (idx._data >= n)]
        if bad.size:
            raise IndexError(f"out of range: tried to access index {int(bad.flat[0])} on a "
                             f"tensor of {n} elements.")
        return self._write_at("put", idx._data % max(n, 1), s, accumulate)

    def index_reduce(self, dim: int, index: Any, source: Any, reduce: str, *,
                     include_self: bool = True) -> Tensor:
        """x with x.select(dim, index[i]) combined with source.select(dim, i) by ``reduce``
        ('prod', 'mean', 'amax', 'amin'), x's own values kept in the reduction when
        ``include_self`` (``scatter_reduce`` with index spread along dim)."""
        if reduce not in ("prod", "mean", "amax", "amin"):
            raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax "
                               f"or amin but got {reduce}.")
        warn_once("index_reduce() is in beta and the API may change at any time.")  # (PyTorch's)
        idx, s = self._as(index), self._as(source)
        if s.dtype != self.dtype:
            raise RuntimeError(f"index_reduce_(): self ({self.dtype}) and source ({s.dtype}) "
                               "must have the same scalar type")
        if idx.ndim > 1:
            raise IndexError("index_reduce_(): Index is supposed to be a vector")
        if idx._data.dtype not in (np.int32, np.int64):
            raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                               f"{idx.dtype}")
        d = dim % max(self.ndim, 1)
        n = self.shape[d] if self.ndim else 1
        if ((idx._data < 0) | (idx._data >= n)).any():  # (no negative indices: PyTorch's)
            raise IndexError("index out of range in self")
        shape = [1] * max(s.ndim, 1)
        shape[d] = -1
        spread = np.broadcast_to(idx._data.reshape(shape), s.shape).astype(np.int64)
        return self.scatter_reduce(d, self._new(spread), s, reduce,  # type: ignore[attr-defined,no-any-return]
                                   include_self=include_self)

    put_ = _inplace_form("put_")
    index_reduce_ = _inplace_form("index_reduce_")

    def as_strided(self, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
        """y[i] = memory[offset + sum_k i_k stride_k]: ``memory`` the row-major array x's
        elements live in (its base's, for a view; PyTorch's storage), ``offset`` x's own
        storage offset unless given. A view: writes show both ways; the gradient adds back
        at the elements of x read (AsStridedBackward0). (When x's memory is not row-major,
        ``memory`` is x's elements in row-major order, and y a copy.)"""
        size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
        if len(size) != len(stride):
            raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} "
                               f"strides for {len(size)} sizes")
        memory = owner_of(self._data)
        shared = memory.flags.c_contiguous and memory.dtype == self._data.dtype
        own = self.storage_offset() if shared else 0  # type: ignore[attr-defined]
        offset = own if storage_offset is None else int(storage_offset)
        need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
        total = memory.size if shared else self.numel()  # type: ignore[attr-defined]
        item = self._data.itemsize
        if need > total or any(s < 0 for s in stride):
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, "
                               f"storage offset {offset}, and itemsize {item} requiring a "
                               f"storage size of {need * item} are out of bounds for storage "
                               f"of size {total * item}")
        if shared:
            return AsStridedView.apply(  # type: ignore[no-any-return]
                self, memory=memory, size=size, stride=stride, offset=offset,
                x_at=_memory_positions(own, self.shape, self.stride()),  # type: ignore[attr-defined]
                y_at=_memory_positions(offset, size, stride))
        flat = offset + sum(np.arange(n).reshape((-1,) + (1,) * (len(size) - k - 1)) * s
                            for k, (n, s) in enumerate(zip(size, stride)))
        flat = np.broadcast_to(np.asarray(flat, dtype=np.int64), size)
        return AsStrided.apply(self, idx=np.unravel_index(flat, self.shape))  # type: ignore[no-any-return]

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of x along dim with the given sizes (which sum to its length there)."""
        if sum(split_sizes) != self.shape[dim]:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                               f"{self.shape[dim]} (input tensor's size at dimension {dim}), "
                               f"but got split_sizes={list(split_sizes)}")
        return tuple(self.split(list(split_sizes), dim))  # type: ignore[attr-defined]
