"""PyTorch's out-of-place writes into views (``select_scatter``, ``slice_scatter``,
``diagonal_scatter``, ``put``, ``index_reduce``), ``as_strided`` and the ``*_copy`` forms.

The three ``*_scatter`` forms and ``put`` share one mechanism: the flat positions of the
target elements (found by applying the view op to an array of positions) and
``index_put`` into the flattened input, so input and src both get gradients.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ._torch_functions import as_tensor
from .ops.strided import AsStrided
from .tensor import Tensor


def _write_at(name: str, x: Tensor, positions: np.ndarray, src: Any,
              accumulate: bool = False) -> Tensor:
    """x with the elements at flat ``positions`` replaced by src (added with accumulate)."""
    s = as_tensor(src)
    if name != "put" and tuple(s.shape) != positions.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(s.shape)}, slice size = {list(positions.shape)}")
    flat = x.reshape(-1)
    where = (Tensor._new(positions.reshape(-1).astype(np.int64)),)
    return flat.index_put(where, s.reshape(-1).to(x.dtype), accumulate).reshape(x.shape)


def _positions(x: Tensor) -> np.ndarray:
    return np.arange(x.numel(), dtype=np.int64).reshape(x.shape)


def select_scatter(input: Any, src: Any, dim: int, index: int) -> Tensor:  # noqa: A002
    """input with ``input.select(dim, index)`` replaced by src (of that slice's shape)."""
    x = as_tensor(input)
    pos = as_tensor(_positions(x)).select(dim, index)._data
    return _write_at("select_scatter", x, pos, src)


def slice_scatter(input: Any, src: Any, dim: int = 0, start: int | None = None,  # noqa: A002
                  end: int | None = None, step: int = 1) -> Tensor:
    """input with ``input[.., start:end:step, ..]`` (along dim) replaced by src."""
    x = as_tensor(input)
    d = dim % max(x.ndim, 1)
    pos = _positions(x)[(slice(None),) * d + (slice(start, end, step),)]
    return _write_at("slice_scatter", x, pos, src)


def diagonal_scatter(input: Any, src: Any, offset: int = 0, dim1: int = 0,  # noqa: A002
                     dim2: int = 1) -> Tensor:
    """input with ``input.diagonal(offset, dim1, dim2)`` replaced by src."""
    x = as_tensor(input)
    pos = as_tensor(_positions(x)).diagonal(offset, dim1, dim2)._data
    return _write_at("diagonal_scatter", x, pos, src)


def put(input: Any, index: Any, source: Any, accumulate: bool = False) -> Tensor:  # noqa: A002
    """input (read as flat, row-major) with input.flatten()[index] = source (added with
    ``accumulate``); index and source have the same number of elements."""
    x, idx, s = as_tensor(input), as_tensor(index), as_tensor(source)
    if idx.numel() != s.numel():
        raise IndexError("put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {s.numel()}, index.numel() = "
                         f"{idx.numel()}")
    n = x.numel()
    bad = idx._data[(idx._data < -n) | (idx._data >= n)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {int(bad.flat[0])} on a tensor "
                         f"of {n} elements.")
    return _write_at("put", x, idx._data % max(n, 1), s, accumulate)


def index_reduce(input: Any, dim: int, index: Any, source: Any, reduce: str, *,  # noqa: A002
                 include_self: bool = True) -> Tensor:
    """input with input.select(dim, index[i]) combined with source.select(dim, i) by
    ``reduce`` ('prod', 'mean', 'amax', 'amin'), input's own values kept in the reduction
    when ``include_self`` (``scatter_reduce`` with index spread along dim)."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    x, idx, s = as_tensor(input), as_tensor(index), as_tensor(source)
    if idx.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    d = dim % max(x.ndim, 1)
    shape = [1] * max(s.ndim, 1)
    shape[d] = -1
    spread = np.broadcast_to(idx._data.reshape(shape), s.shape).astype(np.int64)
    return x.scatter_reduce(d, Tensor._new(spread), s, reduce, include_self=include_self)


def as_strided_scatter(input: Any, src: Any, size: Any, stride: Any,  # noqa: A002
                       storage_offset: int | None = None) -> Tensor:
    """input with the elements ``as_strided(input, size, stride, storage_offset)`` reads
    replaced by src (of that shape)."""
    x = as_tensor(input)
    pos = as_strided(Tensor._new(_positions(x)), size, stride, storage_offset)._data
    return _write_at("as_strided_scatter", x, pos, src)


def split_with_sizes(input: Any, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """Pieces of input along dim with the given sizes (which sum to its length there)."""
    x = as_tensor(input)
    if sum(split_sizes) != x.shape[dim]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                           f"{x.shape[dim]} (input tensor's size at dimension {dim}), but got "
                           f"split_sizes={list(split_sizes)}")
    return tuple(x.split(list(split_sizes), dim))


def as_strided(input: Any, size: Any, stride: Any,  # noqa: A002 - PyTorch's name
               storage_offset: int | None = None) -> Tensor:
    """y[i] = flat[offset + sum_k i_k stride_k], ``flat`` the input's elements in row-major
    order (PyTorch's storage of a contiguous tensor); the gradient adds back at the
    elements read (AsStridedBackward0). Not a view: writes to y do not reach input."""
    x = as_tensor(input)
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} strides "
                           f"for {len(size)} sizes")
    offset = 0 if storage_offset is None else int(storage_offset)
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if need > x.numel() or any(s < 0 for s in stride):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {x._data.itemsize} requiring a "
                           f"storage size of {need * x._data.itemsize} are out of bounds for "
                           f"storage of size {x.numel() * x._data.itemsize}")
    flat = offset + sum(np.arange(n).reshape((-1,) + (1,) * (len(size) - k - 1)) * s
                        for k, (n, s) in enumerate(zip(size, stride)))
    flat = np.broadcast_to(np.asarray(flat, dtype=np.int64), size)
    return AsStrided.apply(x, idx=np.unravel_index(flat, x.shape))  # type: ignore[no-any-return]


def slice_copy(input: Any, dim: int = 0, start: int | None = None,  # noqa: A002
               end: int | None = None, step: int = 1) -> Tensor:
    """A copy of input[.., start:end:step, ..] along dim."""
    x = as_tensor(input)
    return x[(slice(None),) * (dim % max(x.ndim, 1)) + (slice(start, end, step),)].clone()


_REQUIRED = inspect.Parameter.empty
# name: (the op, its parameters after input as PyTorch names them, with defaults)
_COPY_SPECS: dict[str, tuple[str, tuple[tuple[str, Any], ...]]] = {
    "view_copy": ("view", (("size", _REQUIRED),)),
    "permute_copy": ("permute", (("dims", _REQUIRED),)),
    "t_copy": ("t", ()),
    "unsqueeze_copy": ("unsqueeze", (("dim", _REQUIRED),)),
    "squeeze_copy": ("squeeze", (("dim", None),)),
    "transpose_copy": ("transpose", (("dim0", _REQUIRED), ("dim1", _REQUIRED))),
    "expand_copy": ("expand", (("size", _REQUIRED),)),
    "diagonal_copy": ("diagonal", (("offset", 0), ("dim1", 0), ("dim2", 1))),
    "select_copy": ("select", (("dim", _REQUIRED), ("index", _REQUIRED))),
    "split_copy": ("split", (("split_size", _REQUIRED), ("dim", 0))),
    "unbind_copy": ("unbind", (("dim", 0),)),
    "unfold_copy": ("unfold", (("dimension", _REQUIRED), ("size", _REQUIRED),
                               ("step", _REQUIRED))),
    "detach_copy": ("detach", ()),
    "alias_copy": ("alias", ()),
    "as_strided_copy": ("as_strided", (("size", _REQUIRED), ("stride", _REQUIRED),
                                       ("storage_offset", None))),
    "split_with_sizes_copy": ("split_with_sizes", (("split_sizes", _REQUIRED), ("dim", 0))),
}


def _copy_form(name: str) -> Callable[..., Any]:
    """``torch.<op>_copy(input, ...)``: ``input.<op>(...)`` then a copy (each part of a
    tuple result copied), with PyTorch's parameter names (``expand_copy``'s keyword-only
    ``implicit`` is accepted and, as in PyTorch's Python use, changes nothing)."""
    op, spec = _COPY_SPECS[name]
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("input", kind)] + [
        inspect.Parameter(n, kind, default=d) for n, d in spec]
    if name == "expand_copy":
        params.append(inspect.Parameter("implicit", inspect.Parameter.KEYWORD_ONLY,
                                        default=False))
    signature = inspect.Signature(params)

    def form(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        x = as_tensor(values.pop("input"))
        values.pop("implicit", None)
        rest = [v for v in values.values() if v is not None]  # (squeeze(), storage_offset)
        out = as_strided(x, *rest) if op == "as_strided" else split_with_sizes(x, *rest) if \
            op == "split_with_sizes" else x if op == "alias" else getattr(x, op)(*rest)
        return tuple(t.clone() for t in out) if isinstance(out, tuple | list) else out.clone()

    form.__name__ = form.__qualname__ = name
    form.__signature__ = signature  # type: ignore[attr-defined]
    form.__doc__ = f"``{name}(input, ...)``: a copy of ``input.{op}(...)``."
    return form


COPY_FORMS = {n: _copy_form(n) for n in _COPY_SPECS}
COPY_FORMS["slice_copy"] = slice_copy
globals().update(COPY_FORMS)  # (importable by name, as __all__ lists them)

__all__ = ["as_strided", "as_strided_scatter", "diagonal_scatter", "index_reduce", "put",
           "select_scatter", "slice_scatter", "split_with_sizes", *COPY_FORMS]
