"""The movement methods of Tensor (ops/movement.py: reshape, transpose, expand, indexing, pad)
and its dtype conversions (a mixin)."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from . import ops as P
from ._shapes import broadcast_shapes, normalize_axis, normalize_one_axis, shape_arg
from .dtypes import as_dtype
from .function import TensorBase, data_of

if TYPE_CHECKING:
    from .tensor import Tensor


class TensorMovement(TensorBase):
    """Shape, indexing and type methods shared by every Tensor (a mixin)."""

    __slots__ = ()

    # -- shape --------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one entry may be -1)."""
        return P.Reshape.apply(self, shape=shape_arg(shape))

    view = reshape

    def view_as(self, other: Any) -> Tensor:
        return self.reshape(other.shape)

    def flatten(
        self,
        start_axis: int = 0,
        end_axis: int = -1,
        *,
        start_dim: int | None = None,
        end_dim: int | None = None,
    ) -> Tensor:
        """Merge axes start_axis..end_axis into one."""
        if self.ndim == 0:
            return self.reshape(1)
        s = normalize_one_axis(start_axis if start_dim is None else start_dim, self.ndim, "flatten")
        e = normalize_one_axis(end_axis if end_dim is None else end_dim, self.ndim, "flatten")
        return self.reshape(self.shape[:s] + (-1,) + self.shape[e + 1 :])

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the dims: output dim i is input dim ``dims[i]`` (``permute(2, 0, 1)`` or
        ``permute((2, 0, 1))``)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        axes = tuple(normalize_one_axis(d, self.ndim, "permute") for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute: {dims} is not a permutation of the {self.ndim} dims of a tensor "
                f"of shape {self.shape}"
            )
        return P.Transpose.apply(self, axes=axes)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap dims ``dim0`` and ``dim1`` (PyTorch's meaning: ``x.transpose(0, 1)`` of a matrix
        is its transpose; for a NumPy-style reordering of every dim use ``permute``)."""
        axes = list(range(self.ndim))
        a = normalize_one_axis(dim0, max(self.ndim, 1), "transpose")
        b = normalize_one_axis(dim1, max(self.ndim, 1), "transpose")
        if self.ndim == 0:
            return P.Transpose.apply(self, axes=())
        axes[a], axes[b] = axes[b], axes[a]
        return P.Transpose.apply(self, axes=tuple(axes))

    swapaxes = swapdims = transpose

    def t(self) -> Tensor:
        """The transpose of a matrix (a tensor of <= 2 dims; 0-d and 1-d are returned as is)."""
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return P.T.apply(self, axes=(1, 0)) if self.ndim == 2 else self.permute(
            tuple(range(self.ndim)))

    @property
    def T(self) -> Tensor:
        """The dims reversed (PyTorch deprecates it for ndim != 2; use ``mT`` or ``permute``)."""
        return self.permute(tuple(range(self.ndim))[::-1])

    @property
    def mT(self) -> Tensor:
        """The last two dims swapped: a batch of matrices transposed; x: (*, m, n) -> (*, n, m)."""
        if self.ndim < 2:
            raise RuntimeError(f"mT: expected a tensor with >= 2 dimensions, got {self.ndim}")
        return self.transpose(-2, -1)

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> Tensor:
        """Drop size-1 axes (all of them, or those named; a named axis of size > 1 stays)."""
        axis = axis if dim is None else dim
        axes = (
            tuple(i for i, n in enumerate(self.shape) if n == 1)
            if axis is None
            else normalize_axis(axis, self.ndim, "squeeze")
        )
        return self.reshape(
            tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        )

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Insert a size-1 axis at ``axis`` (in [-ndim-1, ndim])."""
        if axis is None and dim is None:
            raise TypeError("unsqueeze: missing the axis (unsqueeze(axis) or unsqueeze(dim=...))")
        where = axis if dim is None else dim
        assert where is not None
        a = normalize_one_axis(where, self.ndim + 1, "unsqueeze")
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def expand(self, *shape: Any) -> Tensor:
        """Broadcast to ``shape`` without copying (-1 keeps an axis)."""
        shape = shape_arg(shape)
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        if broadcast_shapes("expand", self.shape, shape) != shape:
            raise ValueError(f"expand: cannot expand shape {self.shape} to {shape}")
        return P.Expand.apply(self, shape=shape)

    broadcast_to = expand

    def expand_as(self, other: Any) -> Tensor:
        return self.expand(other.shape)

    def repeat(self, *reps: Any) -> Tensor:
        """Tile the tensor ``reps`` times along each axis (PyTorch's repeat = np.tile)."""
        reps = shape_arg(reps)
        if len(reps) < self.ndim:
            raise ValueError(f"repeat: {len(reps)} repeats for a tensor of {self.ndim} dimensions")
        x = self.reshape((1,) * (len(reps) - self.ndim) + self.shape)
        if all(r == 1 for r in reps):  # new memory, as PyTorch's repeat (not a read-only view)
            return x.clone()
        big = tuple(v for r, n in zip(reps, x.shape) for v in (r, n))
        inter = x.reshape(tuple(v for n in x.shape for v in (1, n))).expand(big)
        return inter.reshape(tuple(r * n for r, n in zip(reps, x.shape)))

    def __getitem__(self, idx: Any) -> Tensor:
        idx = index_arrays(idx)
        try:
            return P.GetItem.apply(self, idx=idx)
        except IndexError as e:
            raise IndexError(
                f"index {idx!r} is invalid for a tensor of shape {self.shape}: {e}"
            ) from None

    def narrow(self, axis: int, start: int, length: int) -> Tensor:
        """Elements start..start+length along ``axis``."""
        a = normalize_one_axis(axis, self.ndim, "narrow")
        if not 0 <= start <= start + length <= self.shape[a]:
            raise IndexError(
                f"narrow: {start}:{start + length} is out of range for size {self.shape[a]}"
            )
        return self[(slice(None),) * a + (slice(start, start + length),)]

    def pad(self, pad_width: Any, value: float = 0.0) -> Tensor:
        """Constant padding; ``pad_width`` as in np.pad (int, (before, after) or per axis)."""
        if self.ndim == 0:  # nothing to pad; np.pad refuses a 0-d array
            return self.clone()
        pw = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (self.ndim, 2))
        if (pw < 0).any():
            raise ValueError(f"pad: pad widths must be >= 0, got {pad_width!r}")
        return P.Pad.apply(self, pad_width=tuple(map(tuple, pw.tolist())), value=value)

    def split(
        self, split_size_or_sections: Any, axis: int = 0, *, dim: int | None = None
    ) -> tuple[Tensor, ...]:
        """Pieces of size ``n`` (the last may be smaller), or of the listed sizes."""
        a = normalize_one_axis(axis if dim is None else dim, self.ndim, "split")
        n = self.shape[a]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections <= 0:
                raise ValueError(f"split: size must be positive, got {split_size_or_sections}")
            sizes = [
                min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)
            ]
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise ValueError(f"split: sizes {sizes} do not add up to the axis length {n}")
        out, start = [], 0
        for s in sizes:
            out.append(self[(slice(None),) * a + (slice(start, start + s),)])
            start += s
        return tuple(out)

    def chunk(self, chunks: int, axis: int = 0, *, dim: int | None = None) -> tuple[Tensor, ...]:
        """``chunks`` nearly equal pieces (PyTorch's chunk)."""
        a = normalize_one_axis(axis if dim is None else dim, self.ndim, "chunk")
        return self.split(max(1, -(-self.shape[a] // chunks)), a)

    # -- types --------------------------------------------------------------------
    def astype(self, dtype: Any) -> Tensor:
        """Cast (differentiable between floating dtypes)."""
        dt = as_dtype(dtype)
        return cast("Tensor", self) if dt == self.dtype else P.Cast.apply(self, dtype=dt)

    def type(self, dtype: Any = None) -> Any:
        """``type()`` names the dtype ('tinygrad_nn.float32'); ``type(dtype)`` casts."""
        if dtype is None:
            return f"tinygrad_nn.{self.dtype}"
        return self.astype(dtype)

    def float(self) -> Tensor:
        return self.astype(np.float32)

    def double(self) -> Tensor:
        return self.astype(np.float64)

    def half(self) -> Tensor:
        return self.astype(np.float16)

    def long(self) -> Tensor:
        return self.astype(np.int64)

    def int(self) -> Tensor:
        return self.astype(np.int32)

    def bool(self) -> Tensor:
        return self.astype(np.bool_)

    def clone(self) -> Tensor:
        """A copy that stays in the graph."""
        return P.Cast.apply(self, dtype=self.dtype)

    def _like(self, arr: np.ndarray, requires_grad: builtins.bool, device: Any) -> Tensor:
        if device is not None and str(getattr(device, "type", device)).split(":")[0] != "cpu":
            raise RuntimeError(f"tinygrad_nn runs on the CPU only; got device {device!r}")
        return self._new(arr, requires_grad=requires_grad)

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: builtins.bool = False) -> Tensor:
        """A new tensor of ``data`` (a copy) with this tensor's dtype unless ``dtype``."""
        dt = self.dtype if dtype is None else as_dtype(dtype)
        return self._like(np.array(data_of(data), dtype=dt), requires_grad, device)

    def _new_filled(self, shape: Any, value: Any, dtype: Any, device: Any,
                    requires_grad: builtins.bool) -> Tensor:
        dt = self.dtype if dtype is None else as_dtype(dtype)
        return self._like(np.full(shape_arg(shape), value, dtype=dt), requires_grad, device)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: builtins.bool = False) -> Tensor:
        """Zeros of ``size`` with this tensor's dtype unless ``dtype``."""
        return self._new_filled(size, 0, dtype, device, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: builtins.bool = False) -> Tensor:
        """Ones of ``size`` with this tensor's dtype unless ``dtype``."""
        return self._new_filled(size, 1, dtype, device, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: builtins.bool = False) -> Tensor:
        """An uninitialised tensor of ``size`` (here: zeros) with this tensor's dtype."""
        return self._new_filled(size, 0, dtype, device, requires_grad)

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
                 requires_grad: builtins.bool = False) -> Tensor:
        """``fill_value`` everywhere in ``size`` with this tensor's dtype unless ``dtype``."""
        return self._new_filled((size,), fill_value, dtype, device, requires_grad)

    def draw(self, **kwargs: Any) -> Any:
        """Draw the graph that computed this tensor (see ``tinygrad_nn.viz.draw_graph``)."""
        from .viz import draw_graph

        return draw_graph(self, **kwargs)


def index_arrays(idx: Any) -> Any:
    """An index with its Tensors replaced by their arrays (and a list by an array)."""
    if isinstance(idx, TensorBase):
        return idx._data
    if type(idx) is tuple:
        for i in idx:  # unwrap Tensor indices (rare: most tuples are slices and ints)
            if isinstance(i, TensorBase):
                return tuple(j._data if isinstance(j, TensorBase) else j for j in idx)
    elif isinstance(idx, list):
        return np.asarray(idx)
    return idx
