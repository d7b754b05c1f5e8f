"""PyTorch's ``x[index]`` as NumPy indexing: ``x[basic][advanced]``.

PyTorch applies the basic parts of an index first (ints and 0-d integer tensors select,
slices slice, None unsqueezes: a view), then indexes the view with the advanced parts (lists,
integer / bool tensors, and True / False as an index on a new dim of size 1). NumPy applies
everything at once, which differs where ints and arrays are mixed (``x[0, :, [0, 1]]`` is
(3, 2) in PyTorch, (2, 3) in NumPy), and it reads some indexes otherwise: a list holding a
slice, a list or a tensor is PyTorch's tuple; a float list is truncated to integers; a
uint8 tensor is a mask; a negative step is refused; each ``...`` skips the unnamed dims.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np

from ._shapes import ShapeError
from .function import TensorBase

_BASIC = (int, slice, type(None), type(Ellipsis))


def _simple(idx: Any) -> bool:
    """True for an index NumPy reads as PyTorch does: ints, slices with no negative step,
    None, and at most one ``...``, not mixed with arrays."""
    items = idx if type(idx) is tuple else (idx,)
    ellipses = 0
    for i in items:
        t = type(i)
        if t is slice:
            if i.step is not None and (type(i.step) is not int or i.step <= 0):
                return False
        elif i is Ellipsis:
            ellipses += 1
        elif t not in _BASIC and not (isinstance(i, np.integer) and t is not np.bool_):
            return False
    return ellipses <= 1


def _as_tuple(seq: list[Any]) -> bool:
    """PyTorch's ``treatSequenceAsTuple`` for a list: one holding a tensor, a sequence, a
    slice, ``...`` or None (and shorter than 32) is a tuple of indices."""
    if len(seq) >= 32:
        return False
    return any(isinstance(i, (TensorBase, np.ndarray, list, tuple, slice, str)) or i is None
               or i is Ellipsis for i in seq)


def _sequence_array(seq: Any) -> np.ndarray:
    """A list of numbers as PyTorch's index tensor: bool stays a mask, anything else int64."""
    try:
        a = np.asarray(seq)
    except ValueError as e:
        raise TypeError(f"an index list must hold numbers of one nesting depth, got {seq!r}: "
                        f"{e}") from None
    if a.dtype == np.bool_:
        return a
    if a.dtype.kind not in "iufb":
        raise TypeError(f"an index list must hold numbers, got {seq!r}")
    return a.astype(np.int64)


def _entry(i: Any) -> tuple[str, Any]:
    """(kind, value) of one index entry: int, slice, none, ellipsis, bool, adv, mask."""
    if i is None:
        return "none", None
    if i is Ellipsis:
        return "ellipsis", None
    if isinstance(i, (bool, np.bool_)):
        return "bool", bool(i)
    if isinstance(i, (int, np.integer)):
        return "int", int(i)
    if isinstance(i, slice):
        if i.step is not None and operator.index(i.step) <= 0:
            raise ValueError(f"step must be greater than zero, got the slice {i!r}")
        return "slice", i
    if isinstance(i, (TensorBase, np.ndarray)):
        a = np.asarray(i._data if isinstance(i, TensorBase) else i)
        if a.dtype == np.uint8:
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                          "dtype torch.bool instead.", UserWarning, stacklevel=4)
            a = a.astype(np.bool_)
        elif a.dtype.kind in "iu":
            return ("int", int(a)) if a.ndim == 0 else ("adv", a)
        if a.dtype != np.bool_:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors, "
                             f"got dtype {a.dtype}")
        return ("bool", bool(a)) if a.ndim == 0 else ("mask", a)
    if isinstance(i, (list, tuple)):
        a = _sequence_array(i)
        return ("mask", a) if a.dtype == np.bool_ and a.ndim else (
            ("bool", bool(a)) if a.dtype == np.bool_ else ("adv", a))
    if isinstance(i, str):
        raise TypeError(f"a str is not a valid index, got {i!r}")
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type(i).__name__})")


def torch_index(idx: Any, shape: tuple[int, ...]) -> tuple[Any, Any]:
    """``(basic, advanced)`` such that PyTorch's ``x[idx]`` is NumPy's ``x[basic][advanced]``
    for x of ``shape``; ``advanced`` is None when there is nothing to gather, ``basic`` is
    None when it would select everything (a tuple of ints, slices and None otherwise)."""
    if _simple(idx):
        return (idx if type(idx) is tuple else (idx,)), None
    if type(idx) is tuple:
        items = idx
    elif isinstance(idx, list) and _as_tuple(idx):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated "
                      "(PyTorch's); use x[tuple(seq)] instead of x[seq]", UserWarning,
                      stacklevel=3)
        items = tuple(idx)
    else:
        items = (idx,)
    entries = [_entry(i) for i in items]
    ndim = len(shape)
    named = sum(v.ndim if k == "mask" else 1 for k, v in entries if k in
                ("int", "slice", "adv", "mask"))
    if named > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic: list[Any] = []
    advanced: list[Any] = []
    gathered = False
    dim = 0  # the next dim of x an entry names
    out_dim, out_ndim = 0, ndim  # the same in the result so far, and its number of dims
    for kind, v in entries:
        if kind == "ellipsis":  # (each ``...`` skips the unnamed dims, as PyTorch's)
            fits = max(0, min(ndim - named, ndim - dim))
            basic += [slice(None)] * fits
            advanced += [slice(None)] * fits
            dim += ndim - named
            out_dim += ndim - named
            continue
        if kind in ("none", "bool"):
            if out_dim > out_ndim:  # (after a second ``...``)
                raise IndexError(f"Dimension out of range (expected to be in range of "
                                 f"[{-out_ndim - 1}, {out_ndim}], but got {out_dim})")
            out_dim, out_ndim = out_dim + 1, out_ndim + 1
            basic.append(None)
            advanced.append(slice(None) if kind == "none" else np.zeros(int(v), np.int64))
            gathered |= kind == "bool"
            continue
        width = v.ndim if kind == "mask" else 1
        if dim + width > ndim:
            raise IndexError(f"index {v!r} names dimension {dim} of a tensor of dimension "
                             f"{ndim}")
        dim += width
        out_ndim -= kind == "int"
        out_dim += 0 if kind == "int" else width
        if kind == "int":
            basic.append(v)
        elif kind == "slice":
            basic.append(v)
            advanced.append(slice(None))
        else:
            basic += [slice(None)] * width
            advanced.append(v)
            gathered = True
    if not gathered:
        return tuple(basic), None
    while advanced and type(advanced[-1]) is slice:
        advanced.pop()
    whole = all(type(b) is slice and b == slice(None) for b in basic)
    return (None if whole else tuple(basic)), tuple(advanced)


def check_value_shape(value_shape: tuple[int, ...], target: tuple[int, ...]) -> None:
    """PyTorch's rule for ``x[idx] = value``: value (its leading size-1 dims dropped)
    broadcasts to the indexed part's shape."""
    try:
        fits = np.broadcast_shapes(value_shape, target) == tuple(target)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"shape mismatch: value tensor of shape {list(value_shape)} cannot be "
                         f"broadcast to indexing result of shape {list(target)}")
