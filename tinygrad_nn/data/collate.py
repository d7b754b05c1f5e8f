"""``default_collate`` / ``default_convert``: examples to batches with PyTorch's dtypes."""

from __future__ import annotations

import collections.abc
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..tensor_functions import stack

__all__ = ["default_collate", "default_convert"]

_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def default_collate(batch: Any) -> Any:
    """Stack a list of B examples into a batch: Tensors and arrays -> (B, ...) Tensors.

    Python floats become a float64 Tensor, ints int64 and bools bool (PyTorch's dtypes);
    NumPy arrays and scalars keep theirs. Dicts, tuples, lists and namedtuples are collated
    field by field (tuples come back as lists, as in PyTorch); strings are left as they are.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch))
    if isinstance(elem, np.ndarray) or isinstance(elem, np.generic) and not isinstance(
            elem, (np.str_, np.bytes_)):
        if elem.dtype.kind in "OSUV":
            raise TypeError(_ERR.format(elem.dtype))
        return Tensor._new(np.stack([np.asarray(b) for b in batch]))
    if isinstance(elem, bool):
        return Tensor._new(np.array(batch, dtype=np.bool_))
    if isinstance(elem, float):
        return Tensor._new(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):
        return Tensor._new(np.array(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(fields)  # type: ignore[call-arg]
        except TypeError:  # a mapping type that cannot be built from a dict
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(b) != size for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # PyTorch returns a list for tuples (backwards compatibility)
        try:
            return type(elem)(columns)  # type: ignore[call-arg]
        except TypeError:
            return columns
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Without batching (``batch_size=None``): NumPy arrays become Tensors, containers recurse."""
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OSUV":
        return Tensor._new(data)
    if isinstance(data, (Tensor, str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()})  # type: ignore[call-arg]
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data
