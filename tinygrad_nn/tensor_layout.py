"""Layout metadata and the rest of PyTorch's shape methods of Tensor (a mixin).

Metadata (``is_contiguous``, ``stride``, ``storage_offset``, ``data_ptr``) is read from the
NumPy array, in PyTorch's units (elements, not bytes). Views share memory as PyTorch's do:
``select`` / ``unbind`` / ``tensor_split`` / ``hsplit`` ... (``Select``), ``diagonal`` and
``unfold`` (strided views), ``movedim`` (a permutation); writes through them show in the
base, and they share its version counter. ``diag``, ``take`` and ``narrow_copy`` return new
memory, as PyTorch's do. The in-place views (``t_``, ``squeeze_`` ...) are here too; the
copying reorderings (``flip``, ``roll``, ``tile`` ...) are in tensor_movement.py.
"""

from __future__ import annotations

import math
import warnings
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops as P
from ._layouts import layout as Layout
from ._layouts import strided
from ._shapes import normalize_one_axis, shape_arg
from ._warn import user_stacklevel
from .function import TensorBase
from .grad_mode import _mode
from .storage import TypedStorage, UntypedStorage, owner_of, typed_storage
from .tensor_base import TensorMixin, mark_multi_view
from .tensor_inplace import rederive_views, refuse_view_change
from .tensor_movement import int_index

if TYPE_CHECKING:
    from .tensor import Tensor


# the in-place view ops whose node PyTorch numbers after the out-of-place overloads
# (``squeeze()`` / ``squeeze(dim)`` / ``squeeze(dims)``: 0 / 1 / 2; ``squeeze_``: 3 / 4 / 5)
_INPLACE_OVERLOAD = {"squeeze_": 3, "unsqueeze_": 1}

def _ge(a: int, b: int) -> bool:
    """PyTorch's ``ge`` of dim_order's comparison: a >= b, or b divides a (0 is largest)."""
    return b == 0 or (a != 0 and (a >= b or a % b == 0))


class TensorLayout(TensorMixin):
    """Layout metadata, views, diagonals and element picking of Tensor (a mixin)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by the sibling mixins

        def __getitem__(self, idx: Any) -> Tensor: ...
        def reshape(self, *shape: Any) -> Tensor: ...
        def view(self, *shape: Any) -> Tensor: ...
        def permute(self, *dims: Any) -> Tensor: ...
        def transpose(self, dim0: int, dim1: int) -> Tensor: ...
        def expand(self, *shape: Any) -> Tensor: ...
        def clone(self) -> Tensor: ...
        def astype(self, dtype: Any) -> Tensor: ...
        def gather(self, dim: int, index: Any) -> Tensor: ...
        def sum(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def flatten(self, *args: Any, **kwargs: Any) -> Tensor: ...
        def squeeze(self, axis: Any = None, *, dim: Any = None) -> Tensor: ...
        def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor: ...
        def t(self) -> Tensor: ...
        def _axis(self, dim: Any, op: str) -> int: ...
        def narrow(self, axis: int, start: int, length: int) -> Tensor: ...

    # -- metadata -----------------------------------------------------------------
    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when stride(i) = prod(shape[i+1:]) for every dim i of size > 1 (row-major, no
        gaps: PyTorch's rule, so size-1 dims are ignored and an empty tensor is contiguous).

        The answer follows the same views as PyTorch: ``.T``, ``permute``, stepped slices,
        ``expand``, ``diagonal``, ``unfold`` are not contiguous; ``contiguous()``, ``clone()``
        of a contiguous tensor, ``flip``/``roll`` results are. Differences: a few
        arithmetic results keep NumPy's layout where PyTorch picks row-major (a sum
        over dim 0 of a transposed tensor, ``clone()`` of an expanded one) or the reverse.
        Only ``memory_format=None`` (PyTorch's ``contiguous_format``) is supported.
        """
        if memory_format is not None and "contiguous_format" not in str(memory_format):
            raise NotImplementedError(
                f"is_contiguous: only the row-major format exists here, got {memory_format!r}")
        a = self._data
        if a.size == 0:
            return True
        expected = a.itemsize
        for n, s in zip(reversed(a.shape), reversed(a.strides)):
            if n != 1:
                if s != expected:
                    return False
                expected *= n
        return True

    def stride(self, dim: int | None = None) -> Any:
        """stride(i): the step in elements between neighbours along dim i (a tuple of
        ndim ints; one int for ``dim``).

        A new empty tensor reports the row-major strides of its shape, as PyTorch's do; a
        dim of size 1 reports NumPy's stride, which can differ from PyTorch's (it never
        addresses memory: ``x.t().unsqueeze(2)`` is (1, 4, 4) here, (1, 4, 1) in PyTorch).
        """
        a = self._data
        if a.size == 0 and not any(a.strides):  # (NumPy zeroes a new empty array's strides)
            steps = tuple(int(np.prod(a.shape[i + 1:])) for i in range(a.ndim))
        else:
            steps = tuple(s // a.itemsize for s in a.strides)
        if dim is None:
            return steps
        return steps[normalize_one_axis(dim, a.ndim, "stride")]

    def storage_offset(self) -> int:
        """The offset in elements of this tensor's first element from the start of the
        memory it shares with its base (0 for a tensor that owns its memory)."""
        a = self._data
        return int((a.ctypes.data - owner_of(a).ctypes.data) // a.itemsize)

    def untyped_storage(self) -> UntypedStorage:
        """The bytes this tensor's memory lives in (shared with its views)."""
        return UntypedStorage(owner_of(self._data))

    def storage(self) -> TypedStorage:
        """The memory as elements of this dtype (PyTorch's deprecated TypedStorage)."""
        return typed_storage(self._data)

    def data_ptr(self) -> int:
        """The address of the first element (0 for an empty tensor, as PyTorch)."""
        return int(self._data.ctypes.data) if self._data.size else 0

    const_data_ptr = data_ptr  # (PyTorch's read-only spelling: the same address)

    @property
    def layout(self) -> Layout:
        """The memory layout: always ``strided`` (NumPy arrays; sparse tensors are stored
        dense here, see ``tinygrad_nn.sparse``)."""
        return strided

    @property
    def output_nr(self) -> int:
        """Which output of its node this tensor is: the piece's position for the pieces of
        ``split`` / ``chunk`` / ``unbind`` ... made under grad, else 0 (every other op
        here gives each output its own node)."""
        meta = self._view_meta
        return meta[2] if meta is not None and meta[0] == "multi" and self._ctx is not None else 0

    def is_neg(self) -> bool:
        """False: no tensor here carries PyTorch's lazy negation bit (negation computes)."""
        return False

    def resolve_neg(self) -> Tensor:
        """This tensor itself (it has no negation bit to resolve)."""
        return self  # type: ignore[return-value]

    def dim_order(self, *, ambiguity_check: Any = False) -> tuple[int, ...]:
        """The dims from outermost to innermost in memory (PyTorch's ordering by stride, ties
        kept in dim order). ``ambiguity_check=True`` raises when size-1 dims or equal strides
        make the order not unique (a list of memory formats is not supported here)."""
        if not isinstance(ambiguity_check, bool):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory "
                            "formats.")
        shape, steps = self.shape, self.stride()
        if ambiguity_check and (any(n == 1 for n in shape)
                                or any(a == b for a, b in zip(steps, steps[1:]))):
            raise RuntimeError("The tensor does not have unique dim order, or cannot map to "
                               "exact one of the given memory formats.")
        if self.ndim < 2 or self.is_contiguous():
            return tuple(range(self.ndim))

        def swap(i: int, j: int) -> int:  # PyTorch's should_swap for one tensor
            si, sj = steps[i], steps[j]
            if si == 0 or sj == 0:
                return 0
            if si == sj:
                return 0 if _ge(shape[j], shape[i]) else 1
            return -1 if _ge(sj, si) else 1

        perm = list(reversed(range(self.ndim)))  # sorted back to front, as PyTorch
        for i in range(1, self.ndim):
            d1 = i
            for d0 in reversed(range(i)):
                c = swap(perm[d0], perm[d1])
                if c > 0:
                    perm[d0], perm[d1] = perm[d1], perm[d0]
                    d1 = d0
                elif c < 0:
                    break
        return tuple(reversed(perm))

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: Any = None) -> Any:
        """A DLPack capsule of this tensor's memory (``np.from_dlpack(t)``,
        ``torch.from_dlpack(t)``); refused for a tensor that requires grad, as PyTorch's."""
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version),
                                    ("dl_device", dl_device), ("copy", copy)) if v is not None}
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        """(1, 0): DLPack's CPU device, number 0."""
        return (1, 0)

    def nelement(self) -> int:
        """The number of elements (``numel()``)."""
        return int(self._data.size)

    def ndimension(self) -> int:
        """The number of dims (``dim()``)."""
        return int(self._data.ndim)

    def type_as(self, other: Any) -> Tensor:
        """This tensor cast to ``other``'s dtype (differentiable between float dtypes)."""
        return self.astype(other.dtype)

    def reshape_as(self, other: Any) -> Tensor:
        """This tensor reshaped to ``other``'s shape: (n,) -> other.shape."""
        return self.reshape(other.shape)

    def contiguous(self, memory_format: Any = None) -> Tensor:
        """This tensor when ``is_contiguous()``, else a row-major copy (in the graph)."""
        if self.is_contiguous(memory_format):
            return self  # type: ignore[return-value]
        return P.Contiguous.apply(self)

    # -- in-place views: this tensor becomes the view ------------------------------
    def _become_view(self, name: str, view: Any) -> Any:
        """Make this tensor the view ``view(self)`` in place (PyTorch's ``t_``, ``squeeze_``
        ...): same memory, new shape. Recorded, the tensor now stands for the view's node
        (whose input is its old node), so the graph stays correct; the version goes up.
        A leaf that requires grad, or a view PyTorch refuses to change (of such a leaf,
        made under no_grad ...), is refused as by the other in-place ops."""
        if _mode.enabled:
            if self.requires_grad and self._ctx is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
            if self._base is not None and (self.requires_grad or self._base.requires_grad):
                refuse_view_change(self, name)
        out = view(self)
        # (the slots live on Tensor; mypy sees only this mixin's empty __slots__)
        self._data = out._data  # type: ignore[misc]
        if out._ctx is not None and out._ctx is not self._ctx:
            out._ctx._inplace = True  # (PyTorch names the in-place variant's node apart)
            if name in _INPLACE_OVERLOAD:  # (squeeze_(dim): SqueezeBackward4, after 0-2)
                out._ctx._overload = getattr(out._ctx, "_overload", 0) + _INPLACE_OVERLOAD[name]
            self._ctx = out._ctx  # type: ignore[misc]
        self._bump_version()
        if self._views is not None:  # its views now hang off the new node (as PyTorch's)
            rederive_views(self)
        return self

    def t_(self) -> Tensor:
        """In-place ``t()``: this tensor becomes its transpose (<= 2 dims)."""
        return self._become_view("t_", lambda x: x.t())

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        """In-place ``transpose(dim0, dim1)``: this tensor becomes the view."""
        return self._become_view("transpose_", lambda x: x.transpose(dim0, dim1))

    def squeeze_(self, dim: Any = None) -> Tensor:
        """In-place ``squeeze(dim)``: size-1 dims (all, or those named) are dropped."""
        return self._become_view("squeeze_", lambda x: x.squeeze(dim))

    def unsqueeze_(self, dim: int) -> Tensor:
        """In-place ``unsqueeze(dim)``: a size-1 dim is inserted at ``dim``."""
        return self._become_view("unsqueeze_", lambda x: x.unsqueeze(dim))

    def swapaxes_(self, axis0: int, axis1: int) -> Tensor:
        """In-place ``swapaxes`` (PyTorch's alias of ``transpose_``)."""
        return self._become_view("swapaxes_", lambda x: x.transpose(axis0, axis1))

    def swapdims_(self, dim0: int, dim1: int) -> Tensor:
        """In-place ``swapdims`` (PyTorch's alias of ``transpose_``)."""
        return self._become_view("swapdims_", lambda x: x.transpose(dim0, dim1))

    def sum_to_size(self, *size: Any) -> Tensor:
        """x summed down to ``size``, a shape x broadcasts from (leading dims summed away,
        dims of size 1 in ``size`` summed with keepdim); x itself when the shapes agree."""
        if not size:
            raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
        shape = shape_arg(size)
        have = tuple(self.shape)
        lead = len(have) - len(shape)
        if lead < 0 or any(n != 1 and n != m for n, m in zip(shape, have[lead:])):
            raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size "
                               f"{{{list(have)}}}.")
        if shape == have:
            return self  # type: ignore[return-value]
        dims = tuple(range(lead)) + tuple(lead + i for i, (n, m) in
                                          enumerate(zip(shape, have[lead:])) if n == 1 != m)
        return self.sum(dims, keepdim=True).reshape(shape)

    def resize(self, *sizes: Any) -> Tensor:
        """Deprecated (PyTorch warns): ``reshape(sizes)`` of a tensor with as many elements
        (the sizes given as separate ints), sharing memory when x is contiguous; the
        gradient is reshaped back."""
        warnings.warn("non-inplace resize is deprecated", UserWarning,
                      stacklevel=user_stacklevel())
        return self._resized(sizes)

    def resize_as(self, tensor: Any) -> Tensor:
        """Deprecated (PyTorch warns): ``resize(*tensor.shape)``."""
        warnings.warn("non-inplace resize_as is deprecated", UserWarning,
                      stacklevel=user_stacklevel())
        return self._resized(tuple(tensor.shape))

    def _resized(self, sizes: tuple[Any, ...]) -> Tensor:
        for n in sizes:  # (a sequence falls to the element count check, as PyTorch's)
            if isinstance(n, (bool, float, complex, str)) or n is None:
                raise TypeError(f"resize(): sizes must be ints, got {type(n).__name__} ({n!r})")
        ints = all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in sizes)
        have = "x".join(map(str, self.shape))
        if not ints or math.prod(sizes) != self._data.size:
            want = "x".join(map(str, sizes))
            count = math.prod(sizes) if ints else "?"
            raise RuntimeError(f"requested resize to {want} ({count} elements in total), but "
                               f"the given tensor has a size of {have} ({self._data.size} "
                               "elements). autograd's resize can only change the shape of a "
                               "given tensor, while preserving the number of elements. (Give "
                               "the sizes as separate ints.)")
        return self.reshape(tuple(int(n) for n in sizes))

    def resize_(self, *sizes: Any, memory_format: Any = None) -> Tensor:
        """Give this tensor the shape ``sizes`` in place, reading its memory as row-major from
        its first element (strides are reset, as PyTorch's); when the memory is too small it
        grows (the old elements kept, the new ones uninitialised) and this tensor then owns
        its memory. Refused for a tensor that requires grad (in any grad mode), as PyTorch;
        ``x.data.resize_(...)`` leaves ``x``'s shape alone (``.data`` is another tensor).
        Only the row-major format exists here (``memory_format=None``)."""
        if memory_format is not None and "contiguous_format" not in str(memory_format):
            raise NotImplementedError(
                f"resize_: only the row-major format exists here, got {memory_format!r}")
        if len(sizes) == 1 and not isinstance(sizes[0], (tuple, list)):
            given = sizes[0]
            if isinstance(given, bool) or not isinstance(given, (int, np.integer)):
                raise TypeError("resize_(): argument 'size' (position 1) must be tuple of ints, "
                                f"not {type(given).__name__}")
        shape = shape_arg(sizes)
        if any(n < 0 for n in shape):
            raise RuntimeError(f"resize_(): sizes must be non-negative, got {list(shape)}")
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        a = self._data
        owner = owner_of(a)
        offset = a.ctypes.data - owner.ctypes.data if a.size else 0
        nbytes = math.prod(shape) * a.itemsize
        memory = (owner.reshape(-1, order="A").view(np.uint8)
                  if owner.flags.c_contiguous or owner.flags.f_contiguous else None)
        if memory is not None and offset + nbytes <= memory.size:
            out = memory[offset:offset + nbytes].view(a.dtype).reshape(shape)
        else:  # grow: new memory holding the old elements from this tensor's first one on
            out = np.empty(shape, dtype=a.dtype)
            kept = (memory[offset:] if memory is not None
                    else np.ascontiguousarray(a).reshape(-1).view(np.uint8))
            out.reshape(-1).view(np.uint8)[:min(kept.size, nbytes)] = kept[:nbytes]
        self._data = out  # type: ignore[misc]
        self._bump_version()
        return self  # type: ignore[return-value]

    def resize_as_(self, the_template: Any, memory_format: Any = None) -> Tensor:
        """``resize_(the_template.shape)``."""
        if not isinstance(the_template, TensorBase):
            raise TypeError("resize_as_(): argument 'the_template' (position 1) must be Tensor, "
                            f"not {type(the_template).__name__}")
        return self.resize_(tuple(the_template.shape), memory_format=memory_format)

    # -- views --------------------------------------------------------------------
    def select(self, dim: int, index: int) -> Tensor:
        """y = x[..., index, ...] (``index`` at ``dim``): one dim fewer, a view sharing memory."""
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor")
        a = normalize_one_axis(dim, self.ndim, "select")
        n = self._data.shape[a]
        if not -n <= index < n:
            raise IndexError(f"select(): index {index} out of range for tensor of size "
                             f"{self._data.shape} at dimension {a}")
        return P.Select.apply(self, idx=(slice(None),) * a + (int(index), Ellipsis))

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        """(.., n, ..) -> the n views x.select(dim, i), as a tuple (one dim fewer)."""
        if self.ndim == 0:
            raise IndexError("unbind: dimension specified as 0 but the tensor has no dims")
        a = normalize_one_axis(dim, self.ndim, "unbind")
        lead = (slice(None),) * a
        return mark_multi_view(tuple(P.Unbind.apply(self, idx=lead + (i, Ellipsis))
                                     for i in range(self.shape[a])), "Unbind")

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Views split along ``dim``: into n near-equal parts (the first n % size one
        longer), or at the given indices (Python slice rules: negative counts from the end,
        out-of-range clamps, a backwards pair is empty)."""
        if self.ndim == 0:
            raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got "
                               "a tensor with 0 dims")
        a = normalize_one_axis(dim, self.ndim, "tensor_split")
        spec = indices_or_sections
        if isinstance(spec, TensorBase):
            if spec.dtype != np.int64:
                raise RuntimeError("tensor_split expected tensor_indices_or_sections to have "
                                   f"dtype of long, but got {spec.dtype}")
            if spec.ndim > 1:
                raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                                   f"zero-dimensional or one-dimensional tensor, got {spec.ndim}-d")
            spec = spec._data.item() if spec.ndim == 0 else spec._data.tolist()
        n = self._data.shape[a]
        if isinstance(spec, (int, np.integer)):
            if spec <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {spec}")
            q, r = divmod(n, int(spec))
            bounds = np.cumsum([0] + [q + 1] * r + [q] * (int(spec) - r)).tolist()
            cuts = list(zip(bounds[:-1], bounds[1:]))
        else:
            idx = [int(i) for i in spec]
            cuts = list(zip([0, *idx], [*idx, None]))
        lead = (slice(None),) * a
        return tuple(P.Slice.apply(self, idx=lead + (slice(lo, hi),)) for lo, hi in cuts)

    def _split_along(self, op: str, dim: int, min_dims: int, sections: Any) -> tuple[Tensor, ...]:
        if self.ndim < min_dims:
            raise RuntimeError(f"torch.{op} requires a tensor with at least {min_dims} "
                               f"dimension, but got a tensor with {self.ndim} dimensions!")
        if isinstance(sections, (int, np.integer)) and (
                sections == 0 or self._data.shape[dim] % sections):
            raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {self._data.shape[dim]} is not divisible by "
                               f"the split_size {sections}!")
        return self.tensor_split(sections, dim)

    def hsplit(self, sections: Any) -> tuple[Tensor, ...]:
        """tensor_split along dim 1 (dim 0 for a 1-D tensor); an int must divide the size."""
        return self._split_along("hsplit", 1 if self.ndim >= 2 else 0, 1, sections)

    def vsplit(self, sections: Any) -> tuple[Tensor, ...]:
        """tensor_split along dim 0 of a >= 2-D tensor; an int must divide the size."""
        return self._split_along("vsplit", 0, 2, sections)

    def dsplit(self, sections: Any) -> tuple[Tensor, ...]:
        """tensor_split along dim 2 of a >= 3-D tensor; an int must divide the size."""
        return self._split_along("dsplit", 2, 3, sections)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """y[..., i] = x[.., i, .., i + offset, ..] over dims dim1, dim2 (removed; the
        diagonal becomes the last dim): a view sharing memory, as PyTorch's."""
        a = normalize_one_axis(dim1, self.ndim, "diagonal")
        b = normalize_one_axis(dim2, self.ndim, "diagonal")
        if a == b:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return P.Diagonal.apply(self, view=partial(P.diagonal_view, offset=int(offset), a=a, b=b))

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        """Every window of ``size`` elements, ``step`` apart, along ``dimension``: that dim
        becomes the window count (n - size) // step + 1 and a last dim of ``size`` is
        added; a view sharing memory (windows may overlap: gradients add up)."""
        if self.ndim:  # (the dim is checked first, as PyTorch)
            normalize_one_axis(dimension, self.ndim, "unfold")
        if step <= 0:
            raise RuntimeError(f"unfold: step is {step} but must be > 0")
        if self.ndim == 0:
            if size > 1:
                raise RuntimeError(f"unfold: maximum size for a 0-d tensor is 1 but size is "
                                   f"{size}")
            return self.reshape(1)
        a = normalize_one_axis(dimension, self.ndim, "unfold")
        if not 0 <= size <= self._data.shape[a]:
            raise RuntimeError(f"unfold: maximum size for tensor at dimension {a} is "
                               f"{self._data.shape[a]} but size is {size}")
        return P.Unfold.apply(self, view=partial(P.unfold_view, axis=a, size=int(size),
                                                 step=int(step)))

    def movedim(self, source: Any, destination: Any) -> Tensor:
        """Move dims ``source`` to positions ``destination`` (ints or tuples); the others
        keep their order. A view (a permutation)."""
        src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
        dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(
            destination)
        if len(src) != len(dst):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src}) "
                               f"should contain the same number of dims as destination ({dst})")
        nd = self.ndim
        s = [self._axis(d, "movedim") for d in src]
        d = [self._axis(d, "movedim") for d in dst]
        for name, v in (("source", s), ("destination", d)):
            if len(set(v)) != len(v):
                raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(v)})")
        if nd == 0:
            return self.permute(())
        order: list[int | None] = [None] * nd
        for i, j in zip(s, d):
            order[j] = i
        rest = iter(i for i in range(nd) if i not in s)
        return self.permute(tuple(next(rest) if o is None else o for o in order))

    moveaxis = movedim

    # -- reshapes -----------------------------------------------------------------
    def ravel(self) -> Tensor:
        """The elements as 1-D, in row-major order: a view of a contiguous tensor, else a
        contiguous copy (PyTorch's ``contiguous().view(-1)``)."""
        return self.contiguous().reshape(-1)

    def unflatten(self, dim: int, sizes: Any) -> Tensor:
        """Split dim ``dim`` into ``sizes`` (one may be -1): (.., n, ..) -> (.., *sizes, ..)."""
        if self.ndim == 0:
            raise RuntimeError("unflatten: dimension specified as 0 but the tensor has no dims")
        a = normalize_one_axis(dim, self.ndim, "unflatten")
        sz = shape_arg(tuple(sizes))
        if not sz:
            raise RuntimeError("unflatten: sizes must be non-empty")
        known = math.prod(n for n in sz if n != -1)
        n = self._data.shape[a]
        if sz.count(-1) > 1 or (-1 in sz and (known == 0 or n % known)) or (
                -1 not in sz and known != n):
            raise RuntimeError(f"unflatten: Provided sizes {list(sz)} don't multiply up to the "
                               f"size of dim {a} ({n}) in the input tensor")
        return self.reshape(self._data.shape[:a] + sz + self._data.shape[a + 1:])

    # -- diagonals ----------------------------------------------------------------
    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        """A tensor whose diagonal (offset, over new dims dim1, dim2) holds the last dim of
        x and zeros elsewhere: (*, n) -> (*, n + |offset|, n + |offset|) placed at dim1, dim2."""
        nd = self.ndim + 1
        if self.ndim == 0:
            raise IndexError(f"diag_embed: dimension out of range (expected to be in range of "
                             f"[-1, 0], but got {dim1})")
        a = normalize_one_axis(dim1, nd, "diag_embed")
        b = normalize_one_axis(dim2, nd, "diag_embed")
        if a == b:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        m = self._data.shape[-1] + abs(int(offset))
        rest = iter(self._data.shape[:-1])
        shape = tuple(m if i in (a, b) else next(rest) for i in range(nd))
        size = math.prod(shape)
        pos = P.diagonal_view(np.arange(size).reshape(shape), int(offset), a, b)
        # the adjoint of diagonal(): the elements scattered to their diagonal positions
        flat = P.ScatterAdd.apply(self.reshape(-1), idx=(pos.reshape(-1),), shape=(size,))
        return flat.reshape(shape)

    def diag(self, diagonal: int = 0) -> Tensor:
        """1-D (n,) -> the (n+|k|, n+|k|) matrix with x on diagonal k; 2-D -> a copy of its
        diagonal k (a new tensor, unlike ``diagonal``)."""
        if self.ndim == 1:
            return self.diag_embed(diagonal)
        if self.ndim == 2:
            return self.diagonal(diagonal).clone()
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    def diagflat(self, offset: int = 0) -> Tensor:
        """x.flatten() on diagonal ``offset`` of a square matrix: (n) -> (m, m), m = n+|offset|."""
        return self.reshape(-1).diag_embed(offset)

    def trace(self) -> Tensor:
        """sum_i x[i, i] of a matrix: (m, n) -> () (integers sum to int64)."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        if self.dtype == np.bool_:
            raise NotImplementedError('"trace" not implemented for bool tensors')
        return self.diagonal().sum()

    # -- picking elements ---------------------------------------------------------
    def take(self, index: Any) -> Tensor:
        """y = x.flatten()[index]: y has index's shape (negative indices count from the end)."""
        idx = int_index(index, "take")
        n = self.nelement()
        if idx.size and (idx.min() < -n or idx.max() >= n):
            bad = idx.max() if idx.max() >= n else idx.min()
            raise IndexError(f"take: out of range: tried to access index {bad} on a tensor of "
                             f"{n} elements")
        return P.Take.apply(self.reshape(-1), idx=idx)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        """gather along ``dim`` after broadcasting x and indices in every other dim; without
        ``dim`` both are flattened."""
        idx = int_index(indices, "take_along_dim")
        n = self.nelement() if dim is None else self._data.shape[
            normalize_one_axis(dim, self.ndim, "take_along_dim")] if self.ndim else 1
        if idx.size and idx.min() < 0:  # (PyTorch's take_along_dim counts these from the end)
            idx = np.where((idx < 0) & (idx >= -n), idx + n, idx)
        if dim is None:  # (PyTorch's view(-1): a non-contiguous x raises)
            return self.view(-1).gather(0, idx.reshape(-1))
        if idx.ndim != self.ndim:
            raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                               f"number of dimensions, but got {self.ndim} dimensions for "
                               f"input, and {idx.ndim} dimensions for indices")
        a = normalize_one_axis(dim, self.ndim, "take_along_dim")
        try:
            shape = list(np.broadcast_shapes(self._data.shape[:a] + (1,) + self._data.shape[a + 1:],
                                             idx.shape[:a] + (1,) + idx.shape[a + 1:]))
        except ValueError:
            raise RuntimeError(f"take_along_dim: input of shape {self._data.shape} and indices of "
                               f"shape {tuple(idx.shape)} do not broadcast outside dim "
                               f"{a}") from None
        xs, ixs = list(shape), list(shape)
        xs[a], ixs[a] = self._data.shape[a], idx.shape[a]
        x = self if tuple(xs) == self._data.shape else self.expand(tuple(xs))
        return x.gather(a, np.broadcast_to(idx, tuple(ixs)))

    def narrow_copy(self, dim: int, start: int, length: int) -> Tensor:
        """x[.., start:start+length, ..] at ``dim``, copied (start may be negative)."""
        if not -self.ndim <= dim < self.ndim:  # (PyTorch raises RuntimeError here, not IndexError)
            raise RuntimeError(f"narrow_copy: dim {dim} is out of range for a tensor of "
                               f"{self.ndim} dimension(s)")
        return self.narrow(dim, start, length).clone()
