"""Functions of several tensors: cat / concatenate, stack, einsum, where, maximum, minimum,
and PyTorch's other top-level shape functions (hstack, vstack, dstack, column_stack,
meshgrid, broadcast_tensors, broadcast_shapes, atleast_nd, block_diag, cartesian_prod,
tril_indices / triu_indices).

Each accepts Tensors, arrays and numbers; the result is a Tensor even when no input is one.
Joining tensors of different dtypes gives PyTorch's promoted dtype (float32 with int64 is
float32).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import ops as P
from ._shapes import normalize_one_axis, shape_arg
from ._warn import user_stacklevel
from .dtypes import as_dtype, result_type
from .function import TensorBase, data_of
from .tensor import Size, Tensor, require_cpu
from .tensor_elementwise import (
    _operand,
    _torch_name,
    checked_cast,
    need_tensor,
    no_complex_order,
    select,
)
from .tensor_movement import ShapeError


def _promoted(xs: list[Any]) -> list[Any]:
    """``xs`` cast to PyTorch's common dtype when their dtypes differ (cat, stack)."""
    arrays = [np.asarray(data_of(x)) for x in xs]
    if len({a.dtype for a in arrays}) < 2:
        return xs
    dt = result_type(*arrays)
    return [x.astype(dt) if isinstance(x, Tensor) else np.asarray(x, dtype=dt) for x in xs]


def _with_tensor(xs: list[Any], dtype: np.dtype | None = None) -> list[Any]:
    """``xs`` with the first made a Tensor (of ``dtype`` when given) when none is (an op
    needs one to make its output)."""
    if xs and not any(isinstance(x, TensorBase) for x in xs):
        xs = [Tensor._make(np.asarray(xs[0], dtype=dtype), None)] + xs[1:]
    return xs


def where(cond: Any, x: Any, y: Any) -> Tensor:
    """cond ? x : y elementwise (cond a boolean Tensor or array, no gradient); x and y are
    promoted to PyTorch's result dtype (an int tensor and a float give the default float)."""
    c = data_of(cond)
    if isinstance(cond, TensorBase) and c.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {c.dtype}")
    return select(cond, *_promoted_pair(x, y))


def _promoted_pair(x: Any, y: Any) -> list[Any]:
    """x and y cast to PyTorch's result dtype (int64 with float32 is float32); two numbers
    give a Tensor of that dtype (``where(c, 1.0, 0)`` is float32, as in PyTorch)."""
    rt = result_type(_operand(x), _operand(y))
    return _with_tensor([checked_cast(x, rt), checked_cast(y, rt)], rt)


def maximum(x: Any, y: Any) -> Tensor:
    """Elementwise max(x, y); ties split the gradient."""
    need_tensor("maximum", "input", x, 1)
    need_tensor("maximum", "other", y, 2)
    no_complex_order("maximum", x, y)
    return P.Maximum.apply(*_promoted_pair(x, y))


def minimum(x: Any, y: Any) -> Tensor:
    """Elementwise min(x, y); ties split the gradient."""
    need_tensor("minimum", "input", x, 1)
    need_tensor("minimum", "other", y, 2)
    no_complex_order("minimum", x, y)
    return P.Minimum.apply(*_promoted_pair(x, y))


def concatenate(tensors: Any, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis (``torch.cat``). As in PyTorch, 1-D empty
    tensors (shape (0,)) are skipped, so they join anything (the legacy way to start a
    concatenation); 0-d tensors cannot be joined."""
    tensors = _sequence("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    shapes = [np.shape(data_of(t)) for t in tensors]
    for i, s in enumerate(shapes):
        if len(s) == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    tensors = _promoted(tensors)  # (skipped empty tensors still take part in the dtype)
    kept = [(t, s) for t, s in zip(tensors, shapes) if s != (0,)] or [(tensors[0], shapes[0])]
    tensors, shapes = [t for t, _ in kept], [s for _, s in kept]
    nd = len(shapes[0])
    a = normalize_one_axis(axis if dim is None else dim, nd, "concatenate")
    for i, s in enumerate(shapes):
        which = f"(concatenate: tensor {i} has shape {s}, tensor 0 has {shapes[0]})"
        if len(s) != nd:
            raise ShapeError(f"Tensors must have same number of dimensions: got {nd} and "
                             f"{len(s)} {which}")
        bad = [d for d in range(nd) if d != a and s[d] != shapes[0][d]]
        if bad:
            raise ShapeError(
                f"Sizes of tensors must match except in dimension {a}. Expected size "
                f"{shapes[0][bad[0]]} but got size {s[bad[0]]} for tensor number {i} in the "
                f"list {which}")
    return P.Concatenate.apply(*_with_tensor(tensors), axis=a)


cat = concatenate


def stack(tensors: Any, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    tensors = _sequence("stack", tensors)
    if not tensors:
        raise ShapeError("stack expects a non-empty TensorList")
    shapes = {np.shape(data_of(t)) for t in tensors}
    if len(shapes) != 1:
        raise ShapeError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    nd = len(shapes.pop())
    a = normalize_one_axis(axis if dim is None else dim, nd + 1, "stack")
    return P.Stack.apply(*_with_tensor(_promoted(tensors)), axis=a)


def einsum(subscripts: str, *tensors: Any) -> Tensor:
    """Einstein summation over the subscripts ('...' and the implicit output), with
    PyTorch's rules: a size-1 dimension broadcasts against its subscript's size in the other
    operands (a subscript repeated in one operand, a diagonal, must match), the operands
    share one dtype, bool has no contraction kernel, and an integer or bool operand summed
    on its own gives int64 (PyTorch's ``sum``). Errors are PyTorch's RuntimeErrors."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    xs = [_tensor(t) for t in tensors]
    terms, out = P.parse_einsum(subscripts, [x.shape for x in xs])
    sizes: dict[str, int] = {}
    for k, (t, x) in enumerate(zip(terms, xs)):
        seen: dict[str, int] = {}
        for c, n in zip(t, x.shape):
            if seen.setdefault(c, n) != n:
                raise ShapeError(f"einsum(): subscript {c} is repeated for operand {k} but the "
                                 f"sizes don't match, {n} != {seen[c]}")
            m = sizes.setdefault(c, n)
            if m != n and 1 not in (m, n):
                what = f"subscript {c}" if c in subscripts else "a dimension covered by ellipsis"
                raise ShapeError(f"einsum(): {what} has size {n} for operand {k} which does not "
                                 f"broadcast with previously seen size {m}")
            sizes[c] = max(m, n)
    # a size-1 dimension broadcasts (a view: its gradient sums back)
    xs = [x.expand(*[sizes[c] for c in t]) if any(sizes[c] != n for c, n in zip(t, x.shape))
          else x for t, x in zip(terms, xs)]
    dt = xs[0].dtype
    for x in xs[1:]:
        if x.dtype != dt:
            raise RuntimeError(f"expected scalar type {_torch_name(dt)} but found "
                               f"{_torch_name(x.dtype)}")
    summed = set("".join(terms)) - set(out)
    if dt.kind in "biu" and summed:
        if len(xs) == 1:  # PyTorch sums a lone operand: int64, as its sum()
            xs = [xs[0].long()]
        elif dt == np.bool_:
            raise NotImplementedError('"bmm" not implemented for \'Bool\'')
    return P.Einsum.apply(*xs, terms=tuple(terms), out=out)  # type: ignore[no-any-return]


# -- PyTorch's other top-level shape functions -------------------------------------------


def _tensor(t: Any) -> Tensor:
    return t if isinstance(t, Tensor) else Tensor._new(t)


def _sequence(op: str, tensors: Any) -> list[Any]:
    """The ``tensors`` argument of cat / stack / hstack ... as a list, refused as PyTorch
    refuses it: a single Tensor (which would otherwise be iterated along its first dim), a
    generator, or an element that is not a Tensor (NumPy arrays are taken as tensors)."""
    if isinstance(tensors, TensorBase) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, (TensorBase, np.ndarray)):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


def _tensors(op: str, tensors: Any) -> list[Tensor]:
    """The sequence argument of hstack / vstack ... as a non-empty list of Tensors."""
    tensors = _sequence(op, tensors)
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return [_tensor(t) for t in tensors]


def _atleast(nd: int, tensors: tuple[Any, ...]) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(nd, (t,)) for t in tensors[0])
    if len(tensors) != 1:
        return tuple(_atleast(nd, (t,)) for t in tensors)
    x = _tensor(tensors[0])
    if x.ndim >= nd:
        return x
    if nd == 3 and x.ndim == 2:  # (m, n) -> (m, n, 1)
        return x.reshape(x.shape + (1,))
    if nd == 3 and x.ndim == 1:  # (n,) -> (1, n, 1)
        return x.reshape(1, x.shape[0], 1)
    return x.reshape((1,) * (nd - x.ndim) + x.shape)


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (0-d -> (1,)); one tensor in, one out; several (or
    a list) in, a tuple out."""
    return _atleast(1, tensors)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims: () -> (1, 1), (n,) -> (1, n)."""
    return _atleast(2, tensors)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims: () -> (1, 1, 1), (n,) -> (1, n, 1),
    (m, n) -> (m, n, 1) (NumPy's rule)."""
    return _atleast(3, tensors)


def hstack(tensors: Any) -> Tensor:
    """Join along dim 1 (dim 0 when every tensor is 1-D); 0-d tensors count as 1-D."""
    xs = atleast_1d(_tensors("hstack", tensors))
    return cat(xs, 0 if all(x.ndim == 1 for x in xs) else 1)


def vstack(tensors: Any) -> Tensor:
    """Join along dim 0 after atleast_2d: rows (n,) -> (1, n) stack on top of each other."""
    return cat(atleast_2d(_tensors("vstack", tensors)), 0)


row_stack = vstack


def dstack(tensors: Any) -> Tensor:
    """Join along dim 2 (depth) after atleast_3d."""
    return cat(atleast_3d(_tensors("dstack", tensors)), 2)


def column_stack(tensors: Any) -> Tensor:
    """Join columns: 0-d and 1-D tensors become (n, 1) columns, then hstack."""
    xs = [x.reshape(x.numel(), 1) if x.ndim <= 1 else x
          for x in _tensors("column_stack", tensors)]
    return cat(xs, 1)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape every ``shapes`` broadcasts to (an int stands for a 1-D shape), as a Size."""
    dims = [(s,) if isinstance(s, (int, np.integer)) else shape_arg((s,)) for s in shapes]
    if any(n < 0 for d in dims for n in d):
        raise ValueError(f"broadcast_shapes: a dimension has negative length in {shapes}")
    try:
        return Size(np.broadcast_shapes(*dims))
    except ValueError:
        raise RuntimeError(f"broadcast_shapes: shapes {', '.join(map(str, dims))} cannot be "
                           "broadcast together") from None


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """Each tensor expanded to the common broadcast shape (views, as ``expand``)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    xs = [_tensor(t) for t in tensors]
    shape = tuple(broadcast_shapes(*(x.shape for x in xs))) if xs else ()
    return tuple(x if x.shape == shape else x.expand(shape) for x in xs)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Grids of N 0-d or 1-D tensors of sizes n1..nN: output i has shape (n1, ..., nN)
    holding tensor i along dim i (``indexing='ij'``); ``'xy'`` swaps the first two dims.
    Without ``indexing`` PyTorch's 'ij' is used, with PyTorch's warning that it will be
    required. Each output is a view (an expand) of its input."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                      "the indexing argument.", UserWarning, stacklevel=user_stacklevel())
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f"received: {indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    xs = [_tensor(t) for t in tensors]
    for i, x in enumerate(xs):
        if x.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got a {x.ndim}-D tensor at position {i}")
    if len({x.dtype for x in xs}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype, got "
                           f"{sorted({str(x.dtype) for x in xs})}")
    # order[d]: the input laid along output dim d ('xy' swaps the first two)
    order = [1, 0, *range(2, len(xs))] if indexing == "xy" and len(xs) >= 2 else list(
        range(len(xs)))
    sizes = tuple(xs[i].numel() for i in order)
    out = []
    for i, x in enumerate(xs):
        shape = [1] * len(xs)
        shape[order.index(i)] = x.numel()
        out.append(x.reshape(shape).expand(sizes))
    return tuple(out)


def block_diag(*tensors: Any) -> Tensor:
    """The block-diagonal matrix of the inputs (0-d -> (1, 1), 1-D (n) -> (1, n), 2-D as
    is), zeros elsewhere: shape (sum of rows, sum of columns), PyTorch's promoted dtype."""
    xs = [_tensor(t) for t in tensors]
    for i, x in enumerate(xs):
        if x.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {x.ndim} dimensions")
    if not xs:
        return Tensor._new(np.zeros((1, 0), np.float32))
    blocks = _promoted([x.reshape(1, -1) if x.ndim < 2 else x for x in xs])
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(b.pad(((0, 0), (left, width - left - b.shape[1]))))
        left += b.shape[1]
    return cat(rows, 0)


def cartesian_prod(*tensors: Any) -> Tensor:
    """Every combination of one element from each 1-D tensor, in row-major order:
    (n1), ..., (nN) -> (n1 * ... * nN, N); one tensor is returned as is."""
    xs = [_tensor(t) for t in tensors]
    for x in xs:
        if x.ndim != 1:
            raise RuntimeError(f"cartesian_prod: Expect a 1D vector, but got shape "
                               f"{list(x.shape)}")
    if len(xs) == 1:
        return xs[0]
    grids = meshgrid(*xs, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def _tri_indices(op: str, fn: Any, row: int, col: int, offset: int, dtype: Any,
                 device: Any) -> Tensor:
    if device is not None:
        require_cpu(device)
    dt = as_dtype("int64" if dtype is None else dtype)
    if dt.kind not in "iu":
        raise NotImplementedError(f'"{op}" not implemented for {dt} (an integer dtype is '
                                  "needed)")
    if row < 0 or col < 0:
        raise RuntimeError(f"{op}: row and col must be non-negative, got {row} and {col}")
    return Tensor._new(np.stack(fn(row, offset, col)).astype(dt).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (2, N) coordinates of the lower triangle (on and below diagonal ``offset``) of a
    row x col matrix, in row-major order (int64)."""
    return _tri_indices("tril_indices", np.tril_indices, row, col, offset, dtype,
                        device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (2, N) coordinates of the upper triangle (on and above diagonal ``offset``) of a
    row x col matrix, in row-major order (int64)."""
    return _tri_indices("triu_indices", np.triu_indices, row, col, offset, dtype,
                        device)
