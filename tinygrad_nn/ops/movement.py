"""Movement primitives: reshape, transpose, expand, indexing and its adjoint, pad, concat."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._shapes import ShapeError, reshape_error
from ..engine import LazyGrad
from ..function import Function, dual, shared_index


class Reshape(Function):
    view = True

    @staticmethod
    def forward(ctx: Any, x: Any, shape: tuple[int, ...]) -> Any:
        ctx.in_shape = x.shape
        try:
            if shape and min(shape) < -1:
                raise ValueError
            y = x.reshape(shape)
        except ValueError:
            raise ShapeError(reshape_error(shape, x.shape)) from None
        if not x.flags.c_contiguous:  # a view unless NumPy had to copy (as PyTorch's)
            ctx.view = np.may_share_memory(y, x)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g.reshape(ctx.in_shape),)


class Squeeze(Reshape):
    """``x.squeeze(dim)``: size-1 dims dropped (PyTorch's SqueezeBackward0 / 1 / 2 for no dim,
    one dim, several: ``squeeze`` sets the node's ``_overload``)."""


class Unsqueeze(Reshape):
    """``x.unsqueeze(dim)``: a size-1 dim inserted (PyTorch's UnsqueezeBackward0)."""


class Transpose(Function):
    """Permute axes: y = x.transpose(axes)."""

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...]) -> Any:
        ctx.axes = axes
        return x.transpose(axes)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (permute(g, tuple(np.argsort(ctx.axes).tolist())),)

    def name(self) -> str:
        """``TransposeBackward0`` / ``TBackward0``; ``...Backward1`` for the in-place forms
        (``transpose_``, ``t_``: ``Tensor._become_view`` sets ``_inplace``), as PyTorch."""
        return f"{type(self).__name__}Backward{int(self.__dict__.get('_inplace', False))}"


permute = dual(np.transpose, Transpose, "axes")  # arrays and Tensors reorder dims alike



class T(Transpose):
    """``x.t()``: the transpose of a matrix (its own class so the node is PyTorch's TBackward0)."""


class Permute(Transpose):
    """``x.permute(dims)`` and ``x.T`` (PyTorch's PermuteBackward0; ``transpose`` is
    TransposeBackward0)."""

class Expand(Function):
    """Broadcast x to ``shape`` (a read-only view); backward is the engine's un-broadcast."""

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any, shape: tuple[int, ...]) -> Any:
        if x.size == int(np.prod(shape)):  # (no element repeated: only size-1 dims added,
            return x.reshape(shape)  # a plain view, writeable as x is, as PyTorch's)
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g,)


broadcast_to = dual(np.broadcast_to, Expand, "shape")


def is_basic_index(idx: Any) -> bool:
    """True when ``idx`` has only ints, slices, None and Ellipsis (no repeated elements)."""
    items = idx if type(idx) is tuple else (idx,)
    for i in items:
        t = type(i)
        if not (t is int or t is slice or i is None or i is Ellipsis or isinstance(i, np.integer)):
            return False
    return True


class GetItem(Function):
    """y = x[idx]; the gradient scatters back with repeated indices accumulated."""

    @staticmethod
    def forward(ctx: Any, x: Any, idx: Any) -> Any:
        basic = is_basic_index(idx)  # basic indexing gives a view of x
        if basic and ctx.needs_input_grad[0]:  # (kept by a node: ``shared_index``)
            idx = shared_index(idx)
        ctx.idx = idx
        ctx.in_shape = x.shape
        ctx.basic = ctx.view = basic
        out = x[idx]
        if type(out) is not np.ndarray and ctx.basic:  # an int for every dim: NumPy's
            # scalar is a copy; PyTorch's x[0] is a 0-d view, so writes through it show in x
            out = x[(idx if type(idx) is tuple else (idx,)) + (Ellipsis,)]
        elif not ctx.basic and not out.flags.c_contiguous:  # (NumPy can gather into another
            out = np.ascontiguousarray(out)  # layout; PyTorch's gather is row-major)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.basic:  # for speed: slices add into one buffer, no full-size zeros per slice
            return (SliceGrad(g, ctx.idx, ctx.in_shape),)
        return (scatter_add(g, ctx.idx, ctx.in_shape),)

    def name(self) -> str:
        """PyTorch's name for the last step of the indexing it would record: x[0] is
        ``SelectBackward0``, x[1:3] ``SliceBackward0``, x[None] ``UnsqueezeBackward0``,
        x[[0, 2]] ``IndexBackward0`` (full slices ``:`` and ``...`` are skipped, as PyTorch
        skips them)."""
        basic, idx = self.__dict__["basic"], self.__dict__["idx"]  # (set by forward)
        if not basic:
            return "IndexBackward0"
        parts = idx if type(idx) is tuple else (idx,)
        steps = [p for p in parts if p is not Ellipsis and p != slice(None)]
        if not steps:
            return "SliceBackward0" if slice(None) in parts else "AliasBackward0"
        last = steps[-1]
        if last is None:
            return "UnsqueezeBackward0"
        return "SliceBackward0" if isinstance(last, slice) else "SelectBackward0"


def _np_scatter_add(g: Any, idx: Any, shape: tuple[int, ...]) -> Any:
    out = np.zeros(shape, dtype=g.dtype)
    if is_basic_index(idx):
        out[idx] = g  # basic indexing never repeats an element
    else:
        np.add.at(out, idx, g)
    return out


class ScatterAdd(Function):
    """The adjoint of indexing: y = zeros(shape); y[idx] += g (repeats accumulate)."""

    @staticmethod
    def forward(ctx: Any, g: Any, idx: Any, shape: tuple[int, ...]) -> Any:
        ctx.idx = idx
        return _np_scatter_add(g, idx, shape)

    @staticmethod
    def backward(ctx: Any, gg: Any) -> Any:
        return (gg[ctx.idx],)


scatter_add = dual(_np_scatter_add, ScatterAdd, "idx", "shape")


class SliceGrad(LazyGrad):
    """Zero except ``g`` at basic index ``idx``: GetItem's gradient, kept as (idx, g) pairs.

    Slicing a tensor T times (an RNN reading one time step at a time) would otherwise
    allocate T full-size zero arrays; merged, the T slices are added into one.
    """

    __slots__ = ("pairs",)

    def __init__(self, g: Any, idx: Any, shape: tuple[int, ...]) -> None:
        self.pairs = [(idx, g)]
        self.shape, self.dtype = shape, g.dtype

    def dense(self) -> Any:
        if len(self.pairs) == 1:  # arrays, or a Tensor under create_graph (never merged)
            idx, g = self.pairs[0]
            return scatter_add(g, idx, self.shape)
        out = np.zeros(self.shape, dtype=self.dtype)
        for idx, g in self.pairs:
            out[idx] += g
        return out

    def merge(self, other: Any) -> bool:
        if type(other) is type(self) and other.dtype == self.dtype:  # (subclasses: their own)
            self.pairs.extend(other.pairs)
            return True
        return False


class Pad(Function):
    """Constant padding with NumPy's ``pad_width`` (a normalised ((before, after), ...))."""

    @staticmethod
    def forward(ctx: Any, x: Any, pad_width: tuple[tuple[int, int], ...], value: float) -> Any:
        ctx.slices = tuple(slice(b, b + n) for (b, _), n in zip(pad_width, x.shape))
        return np.pad(x, pad_width, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g[ctx.slices],)


class Concatenate(Function):
    """y = concatenate(xs, axis); backward slices g back into the pieces."""

    @staticmethod
    def forward(ctx: Any, *xs: Any, axis: int = 0) -> Any:
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [x.shape[axis] for x in xs]).tolist()
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        lead = (slice(None),) * ctx.axis
        b = ctx.bounds
        return tuple(
            g[lead + (slice(b[i], b[i + 1]),)] if need else None
            for i, need in enumerate(ctx.needs_input_grad)
        )


class Stack(Function):
    """y = stack(xs, axis): one node for T tensors (an RNN's outputs), not T reshapes + concat."""

    @staticmethod
    def forward(ctx: Any, *xs: Any, axis: int = 0) -> Any:
        ctx.axis = axis
        return np.stack(xs, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        lead = (slice(None),) * ctx.axis
        return tuple(
            g[lead + (i,)] if need else None for i, need in enumerate(ctx.needs_input_grad)
        )


# -- the layout ops of tensor_layout.py ----------------------------------------------------


def _empty_like_torch(x: Any) -> Any:
    """An empty array of x's shape laid out as PyTorch's TensorIterator lays out a result of
    x: its dims ordered by x's strides (a stride 0 leaves a pair undecided, a tie goes to
    the larger dim) by the same insertion sort, so layout metadata matches PyTorch's."""
    nd = x.ndim
    perm = list(range(nd))[::-1]  # innermost first

    def should_swap(a: int, b: int) -> int:
        sa, sb = x.strides[a], x.strides[b]
        if sa == 0 or sb == 0:
            return 0
        if sa != sb:
            return -1 if sa < sb else 1
        return 1 if x.shape[a] > x.shape[b] else 0

    for i in range(1, nd):
        j = i
        for k in range(i - 1, -1, -1):
            c = should_swap(perm[k], perm[j])
            if c > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif c < 0:
                break
    outer = perm[::-1]
    buf = np.empty([x.shape[d] for d in outer], dtype=x.dtype)
    return buf.transpose(np.argsort(outer))


def _flip(x: Any, axes: tuple[int, ...]) -> Any:
    out = _empty_like_torch(x)  # a copy (PyTorch's flip) in PyTorch's layout
    np.copyto(out, np.flip(x, axes))
    return out


class Flip(Function):
    """y = x reversed along ``axes`` (a copy); its own adjoint. A primitive: one node and
    one copy, where a negative-step slice would be a view that still needs a clone."""

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...]) -> Any:
        ctx.axes = axes
        return _flip(x, axes)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (flip(g, ctx.axes),)


flip = dual(_flip, Flip, "axes")


def _roll(x: Any, shifts: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    return np.ascontiguousarray(np.roll(x, shifts, axes))  # PyTorch's roll is C-ordered


class Roll(Function):
    """y = x shifted cyclically by ``shifts`` along ``axes``; backward rolls g back. A
    primitive: one node, where slices and a concatenation would be three per axis."""

    @staticmethod
    def forward(ctx: Any, x: Any, shifts: tuple[int, ...], axes: tuple[int, ...]) -> Any:
        ctx.shifts, ctx.axes = shifts, axes
        return _roll(x, shifts, axes)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (roll(g, tuple(-s for s in ctx.shifts), ctx.axes),)


roll = dual(_roll, Roll, "shifts", "axes")


class Select(GetItem):
    """y = x[idx] for a basic index, as a view: y shares x's memory and version counter
    (PyTorch's select / unbind / tensor_split views), so writes through y show in x."""

    view = True


class Slice(Select):
    """y = x[..., a:b], a view (``tensor_split``'s pieces: PyTorch's SliceBackward0)."""


class Unbind(Select):
    """``x.unbind(dim)``'s pieces (PyTorch's UnbindBackward0)."""

    name = Function.name  # named after the class, not by the index as GetItem


class MethodIndex(GetItem):
    """Indexing made by a method PyTorch records as its own node: the same op as
    ``GetItem``, named after the class (``Function.name``, not GetItem's index-reading one)."""

    name = Function.name


class Split(MethodIndex):
    """``x.split(n)`` / ``x.chunk(n)``'s pieces, views (PyTorch's SplitBackward0)."""


class SplitWithSizes(Split):
    """``x.split([sizes])``'s pieces (PyTorch's SplitWithSizesBackward0)."""


class UnsafeSplit(MethodIndex):
    """``x.unsafe_split(n)`` / ``unsafe_chunk`` / ``unsafe_split_with_sizes``' pieces: they
    read x's memory, but autograd does not track them as views (PyTorch's
    UnsafeSplitBackward0), so an in-place change of a piece is not refused."""

    @staticmethod
    def forward(ctx: Any, x: Any, idx: Any) -> Any:
        out = GetItem.forward(ctx, x, idx)
        ctx.view = False
        return out


class Gather(MethodIndex):
    """``x.gather(dim, index)`` (PyTorch's GatherBackward0)."""


class IndexSelect(MethodIndex):
    """``x.index_select(dim, index)`` (PyTorch's IndexSelectBackward0)."""


class MaskedSelect(MethodIndex):
    """``x.masked_select(mask)`` (PyTorch's MaskedSelectBackward0)."""


class Take(MethodIndex):
    """``x.take(index)`` of the flattened x (PyTorch's TakeBackward0)."""


class Sort(MethodIndex):
    """``x.sort(dim)``'s values: x gathered by the sorting indices (PyTorch's SortBackward0)."""


class Topk(MethodIndex):
    """``x.topk(k, dim)``'s values: x gathered by their indices (PyTorch's TopkBackward0)."""


class Cummax(MethodIndex):
    """``x.cummax(dim)``'s values: x at each running maximum (PyTorch's CummaxBackward0)."""


class Cummin(MethodIndex):
    """``x.cummin(dim)``'s values: x at each running minimum (PyTorch's CumminBackward0)."""


class ReflectionPad(MethodIndex):
    """``F.pad(x, pads, mode='reflect')``: x at the mirrored source positions of the last k
    dims (PyTorch's ReflectionPad1DBackward0, 2D, 3D by k)."""

    def name(self) -> str:
        k = sum(type(i) is np.ndarray for i in self.__dict__["idx"])  # (set by forward)
        return f"{type(self).__name__}{k}DBackward0"

    @staticmethod
    def forward(ctx: Any, x: Any, idx: Any) -> Any:
        # in C order, as PyTorch's (NumPy's indexing by open grids may order it otherwise)
        return np.ascontiguousarray(GetItem.forward(ctx, x, idx))


class ReplicationPad(ReflectionPad):
    """``F.pad(x, pads, mode='replicate')``: x at the clamped source positions
    (PyTorch's ReplicationPad1DBackward0, 2D, 3D)."""


class MaxDim(GetItem):
    """``x.max(dim)``'s values: x at the index of each largest (PyTorch's MaxBackward0; the
    whole-tensor ``max()`` is ``Max``, MaxBackward1)."""

    def name(self) -> str:
        return "MaxBackward0"


class MinDim(GetItem):
    """``x.min(dim)``'s values: x at the index of each smallest (PyTorch's MinBackward0)."""

    def name(self) -> str:
        return "MinBackward0"


def transposed(a: np.ndarray) -> np.ndarray:
    """a.T as a C-ordered copy, for a 2-D C-ordered a.

    NumPy's own transposing copy (``np.ascontiguousarray(a.T)``) is slow when a's rows are
    a power-of-two multiple of 256 bytes long (the column it reads falls in a few cache
    sets): 68 us against 24 for an LSTM's w_hh (512, 128) float32, 7.3 ms against 1.0 at
    (2048, 512). For such rows a band of about 32 KiB of them is transposed at a time (it
    stays in the L1 cache while its columns are written out); other rows gain nothing from
    bands (10-25% slower at 300 columns, measured), so NumPy copies them.
    """
    n, k = a.shape
    row = k * a.itemsize
    if row % 256 or a.size < 16384:  # (small: the loop costs more than it saves)
        return a.T.copy()
    out = np.empty((k, n), dtype=a.dtype)
    step = max(16, min(128, 32768 // row))
    for j in range(0, n, step):
        out[:, j:j + step] = a[j:j + step].T
    return out


class Contiguous(Function):
    """y = x in C order (a copy; ``contiguous()`` of a non-contiguous tensor)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        if x.ndim == 2 and x.flags.f_contiguous:  # a transposed matrix: ``w.t().contiguous()``
            return transposed(x.T)
        return np.ascontiguousarray(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (g,)


class StridedView(Function):
    """y = view(x), a strided view (``diagonal``, ``unfold``): writes through y show in x.

    The gradient adds g back at the element of x each element of y reads (overlapping
    windows accumulate); the positions are found by applying ``view`` to x's flat indices,
    in backward only, so forward costs nothing beyond the view.
    """

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any, view: Any) -> Any:
        ctx.view_fn, ctx.in_shape = view, x.shape
        return view(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        n = int(np.prod(ctx.in_shape))
        pos = ctx.view_fn(np.arange(n).reshape(ctx.in_shape)).reshape(-1)
        return (scatter_add(g.reshape(-1), (pos,), (n,)).reshape(ctx.in_shape),)


class Diagonal(StridedView):
    """y = x.diagonal(offset, dim1, dim2), a view (PyTorch's DiagonalBackward0)."""


class Unfold(StridedView):
    """y = x.unfold(dim, size, step), the sliding windows as a view (UnfoldBackward0)."""


class AsStridedView(Function):
    """y = x.as_strided(size, stride, offset): y[i] = memory[offset + sum_k i_k stride_k],
    ``memory`` the row-major array x's elements live in (x's own, or its base's), as a view
    (read-only where two elements of y are one element of memory, as an ``expand``).

    The gradient adds g at the memory positions ``y_at`` that y reads, then takes those of
    x's elements (``x_at``): memory outside x gets none (PyTorch's AsStridedBackward0)."""

    view = True

    @staticmethod
    def forward(ctx: Any, x: Any, memory: Any, size: tuple[int, ...], stride: tuple[int, ...],
                offset: int, x_at: Any, y_at: Any) -> Any:
        ctx.x_at, ctx.y_at, ctx.n = x_at, y_at, memory.size
        overlaps = any(s == 0 and n > 1 for n, s in zip(size, stride))
        return np.lib.stride_tricks.as_strided(
            memory.reshape(-1)[offset:], size, tuple(s * memory.itemsize for s in stride),
            writeable=x.flags.writeable and not overlaps)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        at_memory = scatter_add(g.reshape(-1), (ctx.y_at.reshape(-1),), (ctx.n,))
        return (at_memory[ctx.x_at],)

    def name(self) -> str:
        return "AsStridedBackward0"


def diagonal_view(x: Any, offset: int, a: int, b: int) -> Any:
    """The diagonal of axes a, b of array x as a writeable view, moved to the last axis."""
    start_a, start_b = max(-offset, 0), max(offset, 0)
    k = max(min(x.shape[a] - start_a, x.shape[b] - start_b), 0)
    rest = [i for i in range(x.ndim) if i not in (a, b)]
    corner = x[tuple(slice(start_a, None) if i == a else slice(start_b, None) if i == b
                     else slice(None) for i in range(x.ndim))]
    return np.lib.stride_tricks.as_strided(
        corner, tuple(x.shape[i] for i in rest) + (k,),
        tuple(x.strides[i] for i in rest) + (x.strides[a] + x.strides[b],),
        writeable=x.flags.writeable)


def unfold_view(x: Any, axis: int, size: int, step: int) -> Any:
    """Windows of ``size`` every ``step`` along ``axis`` (a new last axis), as a view."""
    w = np.lib.stride_tricks.sliding_window_view(x, size, axis=axis,
                                                 writeable=x.flags.writeable)
    return w[(slice(None),) * axis + (slice(None, None, step),)]
