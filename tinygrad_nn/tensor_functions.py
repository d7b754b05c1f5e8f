"""Functions of several tensors: cat / concatenate, stack, einsum, where, maximum, minimum.

Each accepts Tensors, arrays and numbers; the result is a Tensor even when no input is one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops as P
from ._shapes import normalize_one_axis
from .function import TensorBase, data_of
from .tensor import Tensor
from .tensor_elementwise import select


def _with_tensor(xs: list[Any]) -> list[Any]:
    """``xs`` with the first made a Tensor when none is (an op needs one to make its output)."""
    if xs and not any(isinstance(x, TensorBase) for x in xs):
        xs = [Tensor._make(np.asarray(xs[0]), None)] + xs[1:]
    return xs


def where(cond: Any, x: Any, y: Any) -> Tensor:
    """cond ? x : y elementwise (cond is a boolean array or Tensor, no gradient)."""
    x, y = _with_tensor([x, y])
    return select(cond, x, y)


def maximum(x: Any, y: Any) -> Tensor:
    """Elementwise max(x, y); ties split the gradient."""
    return P.Maximum.apply(*_with_tensor([x, y]))


def minimum(x: Any, y: Any) -> Tensor:
    """Elementwise min(x, y); ties split the gradient."""
    return P.Minimum.apply(*_with_tensor([x, y]))


def concatenate(tensors: Any, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: expected a non-empty sequence of tensors")
    shapes = [np.shape(data_of(t)) for t in tensors]
    nd = len(shapes[0])
    a = normalize_one_axis(axis if dim is None else dim, nd, "concatenate")
    for i, s in enumerate(shapes):
        if len(s) != nd or s[:a] + s[a + 1 :] != shapes[0][:a] + shapes[0][a + 1 :]:
            raise ValueError(
                f"concatenate: tensor {i} has shape {s}, which does not match {shapes[0]} "
                f"except along axis {a}"
            )
    return P.Concatenate.apply(*_with_tensor(tensors), axis=a)


cat = concatenate


def stack(tensors: Any, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    shapes = {np.shape(data_of(t)) for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    nd = len(shapes.pop())
    a = normalize_one_axis(axis if dim is None else dim, nd + 1, "stack")
    return P.Stack.apply(*_with_tensor(tensors), axis=a)


def einsum(subscripts: str, *tensors: Any) -> Tensor:
    """Einstein summation over the subscripts (NumPy's einsum; '...' and implicit output)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    terms, out = P.parse_einsum(subscripts, [np.shape(data_of(t)) for t in tensors])
    ellipsis = set(out).union(*terms) - set(subscripts)  # letters standing for '...' axes
    sizes: dict[str, int] = {}
    for t, x in zip(terms, tensors):
        for c, n in zip(t, np.shape(data_of(x))):
            m = sizes.setdefault(c, n)
            if m != n:
                if c in ellipsis and 1 in (m, n):  # '...' axes broadcast, as in NumPy
                    sizes[c] = max(m, n)
                    continue
                raise ValueError(
                    f"einsum: subscript '{c}' has size {m} in one operand, {n} in another"
                )
    return P.Einsum.apply(*_with_tensor(list(tensors)), terms=tuple(terms), out=out)
