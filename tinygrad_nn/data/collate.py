"""``default_collate`` / ``default_convert``: examples to batches with PyTorch's dtypes."""

from __future__ import annotations

import collections.abc
import copy
import re
from typing import Any

import numpy as np

from .._torch_functions import as_tensor
from ..creation import tensor
from ..tensor import Tensor
from ..tensor_functions import stack

__all__ = ["default_collate", "default_convert"]

_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")
# byte strings, unicode strings and objects: arrays of these are not converted (PyTorch's test)
_STR_OBJ_DTYPE = re.compile(r"[SaUO]")


def _stack(batch: list[Tensor]) -> Tensor:
    """``stack(batch)`` with ``torch.stack``'s message for a shape mismatch."""
    first = tuple(batch[0].shape)
    for i, t in enumerate(batch[1:], 1):
        if tuple(t.shape) != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(t.shape)} at entry {i}")
    return stack(batch)


def _rebuild(elem: Any, values: Any) -> Any:
    """A container like ``elem`` holding ``values`` (a dict for a mapping, a list for a
    sequence), as PyTorch rebuilds it: a namedtuple keeps its type, a tuple becomes a list
    (PyTorch's backwards compatibility); mutable containers are shallow-copied and refilled
    (so a defaultdict or a list subclass keeps its type and attributes), other ones are built
    from the values, and a type that cannot be built so gives a plain dict or list."""
    if isinstance(elem, tuple):
        return type(elem)(*values) if hasattr(elem, "_fields") else values
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            mapping = copy.copy(elem)
            mapping.update(values)
            return mapping
        if isinstance(elem, collections.abc.MutableSequence):
            sequence = copy.copy(elem)
            for i, v in enumerate(values):
                sequence[i] = v
            return sequence
        return type(elem)(values)
    except TypeError:
        return values


def default_collate(batch: Any) -> Any:
    """Stack a list of B examples into a batch: Tensors and arrays -> (B, ...) Tensors.

    Python floats become a float64 Tensor; ints and bools as ``tensor(batch)`` infers them
    (int64; bool when all are bools; the default float dtype when floats follow an int).
    NumPy arrays and scalars keep their dtypes. Dicts, tuples, lists and namedtuples are
    collated field by field, the samples transposed (tuples come back as lists, as in
    PyTorch); a batch of strings or bytes is returned as it is.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(list(batch))
    if isinstance(elem, np.ndarray) and _STR_OBJ_DTYPE.search(elem.dtype.str) is not None:
        raise TypeError(_ERR.format(elem.dtype))
    if isinstance(elem, (np.ndarray, np.bool_, np.number, np.object_)):
        # each one a tensor, then stacked with type promotion: what torch.as_tensor(batch)
        # gives for NumPy scalars (their own dtypes, promoted; float64 stays float64)
        return _stack([as_tensor(b) for b in batch])
    if isinstance(elem, float):
        return tensor(batch, dtype=np.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, collections.abc.Sequence):
        if not hasattr(elem, "_fields"):  # a namedtuple's fields are zipped unchecked
            size = len(elem)
            if any(len(b) != size for b in batch):
                raise RuntimeError("each element in list of batch should be of equal size")
        return _rebuild(elem, [default_collate(samples) for samples in zip(*batch)])
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """One example without batching (``batch_size=None``): NumPy arrays and scalars become
    Tensors (sharing memory where they can), dicts, tuples, namedtuples and lists are
    converted item by item (tuples come back as lists, as in PyTorch); Python numbers,
    strings, Tensors and arrays of strings or objects are left as they are."""
    if isinstance(data, Tensor):
        return data
    kind = type(data)
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_"):
        if kind.__name__ == "ndarray" and _STR_OBJ_DTYPE.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data
