"""The movement methods of Tensor (ops/movement.py: reshape, transpose, expand, indexing, pad,
and the copying reorderings flip, roll, rot90, tile, repeat_interleave) and its dtype
conversions (a mixin). Views and layout metadata: tensor_layout.py."""

from __future__ import annotations

import builtins
import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from . import ops as P
from ._creation_checks import checked_fill, dims, from_python
from ._shapes import (
    ShapeError,
    broadcast_shapes,
    normalize_axis,
    normalize_one_axis,
    shape_arg,
    strided_empty,
)
from ._torch_index import torch_index
from .dtypes import LEGACY_TYPES, as_dtype, is_dtype_name, legacy_type_dtype
from .function import TensorBase, data_of
from .tensor_base import TensorMixin, mark_multi_view, with_overload
from .tensor_elementwise import _torch_name as _torch_dtype_name

if TYPE_CHECKING:
    from .tensor import Tensor


class RangeError(RuntimeError, IndexError):
    """A range outside a dim (``narrow``): PyTorch raises RuntimeError; it is also the
    IndexError this project raised before."""


def _dims(dims: Any) -> tuple[Any, ...]:
    """``f(0, 1)``, ``f((0, 1))`` and ``f([0, 1])`` alike (ints are not checked here)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims)


def int_index(index: Any, op: str) -> np.ndarray:
    idx = np.asarray(data_of(index))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): expected a long tensor of indices, got dtype {idx.dtype}")
    return idx


class TensorMovement(TensorMixin):
    """Shape, indexing and type methods shared by every Tensor (a mixin)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def index_select(self, dim: int, index: Any) -> Tensor: ...
        def nelement(self) -> int: ...

    # -- shape --------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one entry may be -1)."""
        return P.Reshape.apply(self, shape=shape_arg(shape))

    def view(self, *shape: Any) -> Tensor:
        """The same memory in a new shape (one entry may be -1); PyTorch's RuntimeError when
        x's strides cannot give that shape without a copy (use ``reshape``). ``view(dtype)``
        reads the memory as another dtype (outside the graph, as PyTorch's)."""
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer, tuple, list,
                                                         TensorBase)):  # (t: a size)
            return self._view_dtype(as_dtype(shape[0]))
        sh = shape_arg(shape)
        a = self._data
        if not a.flags.c_contiguous:
            try:
                np.reshape(a, sh, copy=False)
            except ValueError:
                if a.size == math.prod(n for n in sh if n != -1) or -1 in sh:  # (else:
                    try:  # reshape's own error below)
                        np.reshape(a, sh)
                    except ValueError:
                        pass
                    else:
                        raise RuntimeError(
                            f"view size is not compatible with input tensor's size and stride "
                            f"(at least one dimension spans across two contiguous subspaces): "
                            f"shape {a.shape}, strides {self.stride()}, asked for "  # type: ignore[attr-defined]
                            f"{list(sh)}. Use .reshape(...) instead.") from None
        return self.reshape(sh)

    def _view_dtype(self, dt: np.dtype) -> Tensor:
        """x's memory read as dtype ``dt`` (PyTorch's ``view(dtype)``): with a different item
        size the last dim (stride 1) shrinks or grows by the ratio; no gradient flows."""
        a = self._data
        old, new = _torch_dtype_name(a.dtype), _torch_dtype_name(dt)
        if dt.itemsize != a.itemsize:
            if a.ndim == 0:
                raise RuntimeError(f"self.dim() cannot be 0 to view {old} as {new} (different "
                                   "element sizes)")
            if a.shape[-1] != 1 and a.strides[-1] != a.itemsize:
                raise RuntimeError(f"self.stride(-1) must be 1 to view {old} as {new} "
                                   f"(different element sizes), but got "
                                   f"{a.strides[-1] // a.itemsize}")
            if dt.itemsize > a.itemsize and a.shape[-1] % (dt.itemsize // a.itemsize):
                raise RuntimeError(f"self.size(-1) must be divisible by "
                                   f"{dt.itemsize // a.itemsize} to view {old} as {new} "
                                   f"(different element sizes), but got {a.shape[-1]}")
        try:
            out = a.view(dt)
        except ValueError as e:
            raise RuntimeError(f"view({new}): cannot view {old} memory of shape {a.shape} "
                               f"as {new}: {e}") from None
        return self._new(out)

    def view_as(self, other: Any) -> Tensor:
        """``view(other.shape)``: the same memory in other's shape."""
        return self.view(other.shape)

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
        if s > e:
            raise RuntimeError(f"flatten() has invalid args: start_dim cannot come after "
                               f"end_dim (start_dim {s}, end_dim {e})")
        return self.reshape(self._data.shape[:s] + (-1,) + self._data.shape[e + 1 :])

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the dims: output dim i is input dim ``dims[i]`` (``permute(2, 0, 1)`` or
        ``permute((2, 0, 1))``)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        axes = tuple(normalize_one_axis(d, self.ndim, "permute") for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute: {dims} is not a permutation of the {self.ndim} dims of a tensor "
                f"of shape {self._data.shape}"
            )
        return P.Permute.apply(self, axes=axes)

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
        return P.T.apply(self, axes=tuple(range(self.ndim))[::-1])

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
            tuple(i for i, n in enumerate(self._data.shape) if n == 1)
            if axis is None
            else normalize_axis(axis, self.ndim, "squeeze")
        )
        out = P.Squeeze.apply(
            self, shape=tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        )  # PyTorch's node: SqueezeBackward0 (no dim), 1 (a dim), 2 (a tuple of dims)
        return with_overload(out, 0 if axis is None else 2 if isinstance(axis, (tuple, list))
                             else 1)

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Insert a size-1 axis at ``axis`` (in [-ndim-1, ndim])."""
        if axis is None and dim is None:
            raise TypeError("unsqueeze: missing the axis (unsqueeze(axis) or unsqueeze(dim=...))")
        where = axis if dim is None else dim
        assert where is not None
        a = normalize_one_axis(where, self.ndim + 1, "unsqueeze")
        return P.Unsqueeze.apply(self, shape=self.shape[:a] + (1,) + self.shape[a:])

    def expand(self, *shape: Any) -> Tensor:
        """Broadcast to ``shape`` without copying (-1 keeps an axis)."""
        shape = shape_arg(shape)
        lead = len(shape) - self.ndim
        for i, n in enumerate(shape):
            if n < 0 and (i < lead or n != -1):
                raise RuntimeError(
                    f"expand: the expanded size of the tensor ({n}) isn't allowed in a leading, "
                    f"non-existing dimension {i}" if i < lead else
                    f"expand: invalid size {n} at dimension {i} of {list(shape)}")
        shape = tuple(self._data.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        try:
            fits = broadcast_shapes("expand", self._data.shape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ShapeError(f"expand: cannot expand shape {self._data.shape} to {shape}")
        return P.Expand.apply(self, shape=shape)

    broadcast_to = expand

    def expand_as(self, other: Any) -> Tensor:
        return self.expand(other.shape)

    def repeat(self, *reps: Any) -> Tensor:
        """Tile the tensor ``reps`` times along each axis (PyTorch's repeat = np.tile)."""
        reps = shape_arg(reps)
        if len(reps) < self.ndim:
            raise ShapeError(f"repeat: {len(reps)} repeats for a tensor of {self.ndim} dimensions")
        if any(r < 0 for r in reps):
            raise RuntimeError(f"repeat: repeats must be non-negative, got {list(reps)} (PyTorch: "
                               "trying to create tensor with negative dimension)")
        x = self.reshape((1,) * (len(reps) - self.ndim) + self._data.shape)
        if all(r == 1 for r in reps):  # new row-major memory, as PyTorch's repeat
            return x.clone() if x.is_contiguous() else x.contiguous()  # type: ignore[attr-defined]
        big = tuple(v for r, n in zip(reps, x.shape) for v in (r, n))
        inter = x.reshape(tuple(v for n in x.shape for v in (1, n))).expand(big)
        out = inter.reshape(tuple(r * n for r, n in zip(reps, x.shape)))
        # NumPy keeps the reshape of a broadcast a read-only view of self where it can;
        # PyTorch's repeat always gives new memory
        if out._data.flags.writeable:
            return out
        return out.contiguous() if out._data.size else out.clone()  # (empty is contiguous)

    def tile(self, *dims: Any) -> Tensor:
        """np.tile: repeat the tensor ``dims[i]`` times along dim i; fewer dims than the
        tensor has are padded with 1s in front (``repeat`` with the dims completed)."""
        reps = shape_arg(_dims(dims))
        if any(r < 0 for r in reps):
            raise RuntimeError(f"tile: repeats must be non-negative, got {reps}")
        reps = (1,) * (self.ndim - len(reps)) + reps
        return self.repeat(reps)

    def repeat_interleave(self, repeats: Any = None, dim: int | None = None, *,
                          output_size: int | None = None) -> Tensor:
        """Each element (or slice along ``dim``) repeated ``repeats`` times in place:
        [a, b] -> [a, a, b, b]. ``repeats`` is an int or an int tensor (one count per
        element, or one for all); without ``dim`` the input is flattened first."""
        if repeats is None:  # torch.repeat_interleave(counts): indices repeated by counts
            counts = int_index(self, "repeat_interleave")
            if counts.ndim > 1:
                raise RuntimeError(f"repeat_interleave: repeats must be 0-dim or 1-dim, got "
                                   f"{counts.ndim}-d")
            counts = counts.reshape(-1)
            if (counts < 0).any():
                raise RuntimeError("repeat_interleave: repeats can not be negative")
            return self._new(np.repeat(np.arange(counts.size), counts))
        x = self.reshape(-1) if dim is None else self
        a = 0 if dim is None else normalize_one_axis(dim, max(x.ndim, 1), "repeat_interleave")
        if x.ndim == 0:
            x = x.reshape(1)
        n = x.shape[a]
        if isinstance(repeats, TensorBase):
            if repeats.dtype.kind not in "iu":
                raise NotImplementedError(
                    f"repeat_interleave: repeats must be an integer tensor, got {repeats.dtype}")
            if repeats.ndim > 1:
                raise RuntimeError(f"repeat_interleave: repeats must be 0-dim or 1-dim, got "
                                   f"{repeats.ndim}-d")
            reps = np.asarray(repeats._data).reshape(-1)
            if reps.size != 1 and reps.size != n:
                raise RuntimeError(f"repeats must have the same size as input along dim, but "
                                   f"got repeats.size(0) = {reps.size} and input.size({a}) = {n}")
        else:
            reps = np.asarray([int(repeats)])
        if (reps < 0).any():
            raise RuntimeError("repeat_interleave: repeats must be non-negative")
        index = np.repeat(np.arange(n), reps if reps.size == n else int(reps[0]))
        if output_size is not None and output_size != index.size:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected "
                               f"{index.size} but got {output_size}")
        return x.index_select(a, index)

    # -- reversals and rotations --------------------------------------------------
    def flip(self, *dim_args: Any, dims: Any = None) -> Tensor:
        """y[..., i, ...] = x[..., n-1-i, ...] along each of ``dims`` (a copy, as PyTorch)."""
        axes = tuple(self._axis(d, "flip") for d in _dims(dim_args if dims is None else (dims,)))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"flip: dim {axes} appears multiple times in the list of dims")
        if self.ndim == 0 or not axes:
            return self.clone()
        return P.Flip.apply(self, axes=axes)

    def fliplr(self) -> Tensor:
        """Flip the columns: x.flip(1); x has >= 2 dims."""
        if self.ndim < 2:
            raise RuntimeError(f"fliplr: input must be >= 2-d, got {self.ndim}-d")
        return self.flip(1)

    def flipud(self) -> Tensor:
        """Flip the rows: x.flip(0); x has >= 1 dim."""
        if self.ndim < 1:
            raise RuntimeError("flipud: input must be >= 1-d, got a 0-d tensor")
        return self.flip(0)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """y[(i + s) mod n] = x[i] along each dim of ``dims`` by its shift; without ``dims``
        the flattened tensor is rolled and reshaped back."""
        sh = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        if dims is None:
            if len(sh) != 1:
                raise RuntimeError(f"roll: shifts and dimensions must align, got {len(sh)} "
                                   "shifts and no dims")
            if self.nelement() == 0:
                return self.clone()
            flat = self.reshape(-1)
            return P.Roll.apply(flat, shifts=(int(sh[0]),), axes=(0,)).reshape(self._data.shape)
        dd = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if len(sh) != len(dd):
            raise RuntimeError(f"roll: shifts and dimensions must align, got {len(sh)} shifts "
                               f"and {len(dd)} dims")
        if self.ndim == 0:
            raise IndexError("roll: dimension specified but the tensor has no dimensions")
        axes = tuple(normalize_one_axis(d, self.ndim, "roll") for d in dd)
        return P.Roll.apply(self, shifts=tuple(int(s) for s in sh), axes=axes)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Tensor:
        """Rotate by k * 90 degrees in the plane of ``dims``, from dims[0] towards dims[1]."""
        if len(dims) != 2:
            raise RuntimeError(f"rot90: expected total rotation dims == 2, got {len(dims)}")
        if self.ndim < 2:
            raise RuntimeError(f"rot90: expected total dims >= 2, got {self.ndim}")
        a, b = (normalize_one_axis(d, self.ndim, "rot90") for d in dims)
        if a == b:
            raise RuntimeError(f"rot90: expected rotation dims to be different, got {a} and {b}")
        k %= 4
        if k == 1:
            return self.flip(b).transpose(a, b)
        if k == 2:
            return self.flip(a, b)
        if k == 3:
            return self.flip(a).transpose(a, b)
        return self.clone() if self.is_contiguous() else self.contiguous()  # type: ignore[attr-defined]

    def _axis(self, dim: Any, op: str) -> int:
        # PyTorch wraps dims of a 0-d tensor as if it had one dim (x.flip(0) works)
        return normalize_one_axis(dim, max(self.ndim, 1), op) if self.ndim else 0

    def __getitem__(self, idx: Any) -> Tensor:
        """PyTorch's indexing: the basic parts (ints, slices, None) first, giving a view,
        then the advanced parts (lists, integer / bool tensors) gathered from it."""
        basic, advanced = torch_index(idx, self._data.shape)
        try:
            x: Any = self if basic is None else P.GetItem.apply(self, idx=basic)
            return x if advanced is None else P.GetItem.apply(x, idx=advanced)
        except IndexError as e:
            if self._data.ndim == 0 and isinstance(idx, (int, np.integer)):  # loss.data[0]
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` to "
                                 "convert a 0-dim tensor to a number") from None
            raise IndexError(
                f"index {idx!r} is invalid for a tensor of shape {self._data.shape}: {e}"
            ) from None

    def narrow(self, axis: int, start: int, length: int) -> Tensor:
        """x[.., start:start+length, ..] along ``axis``, a view (a negative start counts from
        the end, as PyTorch's)."""
        if length < 0:  # (checked before the dim, as PyTorch)
            raise RuntimeError(f"narrow(): length must be non-negative, got {length}")
        a = normalize_one_axis(axis, self.ndim, "narrow")
        n = self._data.shape[a]
        s = start + n if start < 0 else start
        if not 0 <= s <= s + length <= n:
            raise RangeError(f"narrow: {start}:{start + length} is out of range for size {n}")
        return self[(slice(None),) * a + (slice(s, s + length),)]

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
        a, sizes = self._split_sizes("split", split_size_or_sections, axis if dim is None else dim)
        # (PyTorch's nodes: an int size is Split, a list SplitWithSizes)
        op = "Split" if isinstance(split_size_or_sections, int) else "SplitWithSizes"
        cls = P.Split if op == "Split" else P.SplitWithSizes
        return mark_multi_view(self._pieces(cls, a, sizes), op)

    def _split_sizes(self, op: str, split_size_or_sections: Any, dim: int) -> Any:
        """(the dim, the pieces' sizes along it) of ``split(split_size_or_sections, dim)``."""
        if isinstance(split_size_or_sections, int) and split_size_or_sections < 0:  # (first)
            raise ShapeError(f"{op} expects split_size be non-negative, but got "
                             f"split_size={split_size_or_sections}")
        a = normalize_one_axis(dim, self.ndim, op)
        n = self._data.shape[a]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections <= 0:
                raise ShapeError(f"{op}: size must be positive, got {split_size_or_sections}")
            sizes = [
                min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)
            ]
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise ShapeError(f"{op}: sizes {sizes} do not add up to the axis length {n}")
        return a, sizes

    def _pieces(self, cls: Any, a: int, sizes: list[int]) -> tuple[Tensor, ...]:
        out, start = [], 0
        for s in sizes:
            out.append(cls.apply(self, idx=(slice(None),) * a + (slice(start, start + s),)))
            start += s
        return tuple(out)

    def chunk(self, chunks: int, axis: int = 0, *, dim: int | None = None) -> tuple[Tensor, ...]:
        """``chunks`` nearly equal pieces (PyTorch's chunk)."""
        d = axis if dim is None else dim
        return self.split(self._chunk_size("chunk", chunks, d), d)

    def _chunk_size(self, op: str, chunks: int, dim: int) -> int:
        """The piece size of ``chunk(chunks, dim)``: ceil(length / chunks), at least 1."""
        if chunks <= 0:  # (checked before the dim, as PyTorch)
            raise ShapeError(f"{op} expects `chunks` to be greater than 0, got: {chunks}")
        a = normalize_one_axis(dim, self.ndim, op)
        return max(1, -(-self._data.shape[a] // chunks))

    # PyTorch's unsafe_* forms: the same pieces, reading x's memory, but not tracked as views
    # by autograd (UnsafeSplitBackward0), so changing one in place is not refused
    def unsafe_split(self, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``split(split_size, dim)`` (an int size) whose pieces autograd does not track as
        views of x (they still share its memory)."""
        if isinstance(split_size, builtins.bool) or not isinstance(split_size, (int, np.integer)):
            raise TypeError("unsafe_split(): argument 'split_size' (position 1) must be int, "
                            f"not {type(split_size).__name__}")
        a, sizes = self._split_sizes("unsafe_split", int(split_size), dim)
        return self._pieces(P.UnsafeSplit, a, sizes)

    def unsafe_chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``chunk(chunks, dim)`` whose pieces autograd does not track as views of x."""
        return self.unsafe_split(self._chunk_size("unsafe_chunk", chunks, dim), dim)

    def unsafe_split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """``split_with_sizes(split_sizes, dim)`` whose pieces autograd does not track as
        views of x."""
        a, sizes = self._split_sizes("unsafe_split_with_sizes", list(split_sizes), dim)
        return self._pieces(P.UnsafeSplit, a, sizes)

    # -- types --------------------------------------------------------------------
    def astype(self, dtype: Any) -> Tensor:
        """Cast (differentiable between floating dtypes)."""
        dt = as_dtype(dtype)
        return cast("Tensor", self) if dt == self.dtype else P.Cast.apply(self, dtype=dt)

    def type(self, dtype: Any = None) -> Any:
        """``type()`` names the legacy type ('tinygrad_nn.FloatTensor', PyTorch's
        'torch.FloatTensor'); ``type(t)`` casts to a dtype, a legacy type
        (``tinygrad_nn.DoubleTensor``) or its name ('torch.IntTensor')."""
        if dtype is None:
            name = next((k for k, v in LEGACY_TYPES.items() if v == str(self.dtype)), None)
            return f"tinygrad_nn.{name or self.dtype}"
        legacy = legacy_type_dtype(dtype)
        if legacy is not None:
            return self.astype(legacy)
        if isinstance(dtype, str) and not is_dtype_name(dtype):
            raise ValueError(f"invalid type: '{dtype}'")
        # a Python type names no tensor type in PyTorch (by identity: np.dtype('int64') == int)
        if any(dtype is t for t in (float, int, bool, complex)):
            raise ValueError(f"invalid type: '{dtype.__name__}'")
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

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False,
             memory_format: Any = None) -> Tensor:
        """A copy on a CUDA device: there is none here, so this raises the error of
        ``.to('cuda')`` (PyTorch raises too when built without CUDA)."""
        dev = "cuda" if device is None else device if isinstance(device, str) and \
            device.startswith("cuda") else f"cuda:{device}"
        return self.to(dev)  # type: ignore[attr-defined, no-any-return]

    def bfloat16(self) -> Tensor:
        """PyTorch casts to bfloat16; there is no such dtype here (NumPy has none): a
        TypeError that names the alternatives."""
        raise TypeError("bfloat16: there is no bfloat16 dtype in tinygrad_nn (NumPy has none); "
                        "use .half() (float16) or .float()")

    def byte(self) -> Tensor:
        """Cast to uint8 (PyTorch's ``byte``)."""
        return self.astype(np.uint8)

    def char(self) -> Tensor:
        """Cast to int8 (PyTorch's ``char``)."""
        return self.astype(np.int8)

    def short(self) -> Tensor:
        """Cast to int16 (PyTorch's ``short``)."""
        return self.astype(np.int16)

    def cfloat(self) -> Tensor:
        """Cast to complex64 (PyTorch's ``cfloat``)."""
        return self.astype(np.complex64)

    def cdouble(self) -> Tensor:
        """Cast to complex128 (PyTorch's ``cdouble``)."""
        return self.astype(np.complex128)

    def clone(self) -> Tensor:
        """A copy that stays in the graph."""
        return P.Cast.apply(self, dtype=self.dtype)

    def _like(self, arr: np.ndarray, requires_grad: builtins.bool, device: Any) -> Tensor:
        t = self._new(arr, requires_grad=requires_grad)
        return t if device is None else t.to(device=device)  # (to's one device check)

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: builtins.bool = False) -> Tensor:
        """A new tensor of ``data`` (a copy) with this tensor's dtype unless ``dtype``; Python
        data is checked against that dtype as ``torch.tensor(data, dtype=)`` checks it."""
        dt = self.dtype if dtype is None else as_dtype(dtype)
        if isinstance(data, (TensorBase, np.ndarray, np.generic)):
            return self._like(np.array(data_of(data), dtype=dt), requires_grad, device)
        with np.errstate(over="ignore"):
            arr = from_python(data, dt).astype(dt)
        return self._like(arr, requires_grad, device)

    def _new_filled(self, shape: Any, value: Any, dtype: Any, device: Any,
                    requires_grad: builtins.bool) -> Tensor:
        fill, dt = checked_fill("new_full", value, self.dtype if dtype is None else dtype)
        return self._like(np.full(dims(shape_arg(shape)), fill, dtype=dt), requires_grad, device)

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
        """``fill_value`` everywhere in ``size`` (a tuple, list or Size, as in PyTorch) with
        this tensor's dtype unless ``dtype``."""
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"new_full(): argument 'size' (position 1) must be tuple of ints, "
                            f"not {type(size).__name__}")
        return self._new_filled((size,), fill_value, dtype, device, requires_grad)

    def new_empty_strided(self, size: Any, stride: Any, dtype: Any = None, device: Any = None,
                          requires_grad: builtins.bool = False) -> Tensor:
        """An uninitialised tensor of ``size`` laid out with ``stride`` (``empty_strided``) in
        this tensor's dtype unless ``dtype``."""
        arr = strided_empty(size, stride, self.dtype if dtype is None else as_dtype(dtype))
        return self._like(arr, requires_grad, device)

    def new(self, *args: Any, device: Any = None, **kwargs: Any) -> Tensor:
        """PyTorch's legacy constructor in this tensor's dtype: ``x.new(2, 3)`` (or a Size) is
        uninitialised of that size, ``x.new()`` empty, ``x.new([1, 2])`` (or an array) the
        data converted to x's dtype, and ``x.new(t)`` an alias of ``t`` (which must have x's
        dtype). Only ``device=`` is a keyword; a bare number is not data (TypeError)."""
        if kwargs:
            raise TypeError(f"new() received an invalid combination of arguments - got "
                            f"unexpected keyword argument(s) {', '.join(kwargs)}: only "
                            "device= is accepted")
        cls = next(c for c in type(self).__mro__ if c.__name__ == "Tensor")
        if len(args) == 1 and isinstance(args[0], TensorBase):
            if args[0].dtype != self.dtype:
                raise TypeError(f"new(): expected a tensor of dtype {self.dtype} (got "
                                f"{args[0].dtype}); convert it with .to({self.dtype})")
            if device is not None:
                cls(device=device)  # (the constructor's one device check)
            return cast("Tensor", cls(args[0]))
        return cast("Tensor", cls(*args, dtype=self.dtype, device=device))

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
