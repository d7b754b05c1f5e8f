"""Pure shape helpers shared by the engine and the ops (no Tensor, no graph)."""

from __future__ import annotations

from typing import Any

import numpy as np

Axis = int | tuple[int, ...] | list[int] | None


class ShapeError(RuntimeError, ValueError):
    """A shape that does not fit the op (matmul, broadcasting, expand, repeat, split, cat
    ...): PyTorch raises RuntimeError; it is also the ValueError this project raised before."""


class RepeatedDimError(RuntimeError, ValueError):
    """A dim listed twice in a reduction's dims: PyTorch raises RuntimeError (ValueError is
    what this project raised before, kept as a base for callers that catch it)."""


class _NoDim:
    """The default ``dim`` of the reductions PyTorch overloads as ``f()`` and ``f(dim)``
    (max, min, median, nanmedian, prod): no dim given reduces everything, while an explicit
    ``dim=None`` is PyTorch's TypeError."""

    def __repr__(self) -> str:
        return "<all dims>"


NO_DIM: Any = _NoDim()


def int_dim(dim: Any, name: str) -> Any:
    """``dim`` with the ``NO_DIM`` default turned into None; an explicit None raises."""
    if dim is None:
        raise TypeError(f"{name}(): argument 'dim' must be int, not NoneType")
    return None if dim is NO_DIM else dim


def normalize_axis(axis: Axis, ndim: int, op: str = "reduction") -> tuple[int, ...]:
    """Axis argument -> sorted tuple of non-negative axes; ``None`` means every axis."""
    if axis is None:
        return tuple(range(ndim))
    if hasattr(axis, "_data"):  # a one-element integer tensor (``int_tensor``)
        axis = int_tensor(axis, axis)
        if hasattr(axis, "_data"):  # (not iterated as a tuple of dims: PyTorch's TypeError)
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if hasattr(a, "_data"):
            a = int_tensor(a, a)
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise np.exceptions.AxisError(
                f"{op}: axis {a} is out of range for a tensor of {ndim} dimension(s)"
            )
        out.append(int(a) % ndim if ndim else 0)
    if len(set(out)) != len(out):
        twice = next(a for a in out if out.count(a) > 1)
        raise RepeatedDimError(f"{op}: dim {twice} appears multiple times in the list of dims "
                               f"{axis!r}")
    return tuple(sorted(out))


def normalize_one_axis(axis: int, ndim: int, op: str) -> int:
    """A single axis in [-ndim, ndim) -> non-negative axis."""
    if hasattr(axis, "_data"):  # a one-element integer tensor (``int_tensor``)
        axis = int_tensor(axis, axis)
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(
            f"{op}: axis {axis} is out of range for a tensor of {ndim} dimension(s)"
        )
    return int(axis) % ndim


def broadcast_shapes(op: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy's broadcast of shapes; the error names the op and every shape."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        given = " and ".join(str(tuple(s)) for s in shapes)
        raise ValueError(f"{op}: shapes {given} cannot be broadcast together") from None


_add_reduce = np.add.reduce


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` (an array or a Tensor) down to ``shape``: the adjoint of broadcasting.

    Works for both backward paths because it only uses ``.sum(axis, keepdims)``
    and ``.reshape``, which arrays and Tensors share.
    """
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead < 0:
        raise ValueError(f"a gradient of shape {tuple(gshape)} is no broadcast of {shape}")
    axes = [*range(lead)]  # the leading axes, then each axis broadcast from 1
    for i, n in enumerate(shape, lead):  # (a loop, not generators: measured 8k fewer
        if gshape[i] != n:  # instructions per call, once per broadcast input per backward)
            if n != 1:  # not a broadcast of ``shape`` (a custom backward's wrong gradient)
                raise ValueError(
                    f"a gradient of shape {tuple(gshape)} is no broadcast of {shape}")
            axes.append(i)
    # (never empty: g's shape is not ``shape``; an array's sum is its ufunc's reduction,
    # called without ndarray.sum's Python wrapper)
    g = (_add_reduce(g, axis=tuple(axes), keepdims=True) if type(g) is np.ndarray
         else g.sum(axis=tuple(axes), keepdims=True))
    # keepdims leaves only the leading axes to drop: a same-rank sum (a bias) has the shape
    return g.reshape(shape) if lead else g


def reshape_error(shape: tuple[int, ...], in_shape: tuple[int, ...]) -> str:
    """PyTorch's reason a tensor of ``in_shape`` cannot take ``shape``, after ours."""
    shape, size = tuple(shape), int(np.prod(in_shape))
    head = (f"reshape: cannot reshape a tensor of shape {tuple(in_shape)} ({size} elements) "
            f"into shape {shape}: ")
    for i, n in enumerate(shape):
        if n < -1:
            return head + f"invalid shape dimension {n} at index {i} of shape {list(shape)}"
    if shape.count(-1) > 1:
        return head + "only one dimension can be inferred"
    if -1 in shape and size == 0:
        return head + ("the unspecified dimension size -1 can be any value and is ambiguous "
                       "for 0 elements")
    return head + f"shape '{list(shape)}' is invalid for input of size {size}"


def shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` (and ``f([2, 3])``) alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    out = []
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            n = int_tensor(n, shape, "a size")
            if type(n) is not int:
                raise TypeError(f"shape entries must be ints, got {shape!r}")
        out.append(int(n))
    return tuple(out)


def int_tensor(n: Any, given: Any, what: str = "a dim") -> Any:
    """A size or a dim given as a one-element integer tensor (``zeros(t.sum())``,
    ``x.sum(t)``) as its int, as PyTorch takes it (a bool tensor: a dim as 0 or 1, a size
    PyTorch's RuntimeError); anything else comes back unchanged, for the caller's
    TypeError."""
    data = getattr(n, "_data", None)
    if isinstance(data, np.ndarray) and data.size == 1:
        if data.dtype.kind in "iu" or data.dtype.kind == "b" and what == "a dim":
            return int(data.reshape(()))
        if data.dtype.kind == "b":
            raise RuntimeError(f"{what} must be an integer, got a bool tensor in {given!r}")
    return n


def strided_empty(size: Any, stride: Any, dtype: np.dtype) -> np.ndarray:
    """An uninitialised array of ``size`` laid out with ``stride`` (in elements) over a buffer
    just large enough (``empty_strided``, ``Tensor.new_empty_strided``)."""
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality "
                           f"of strides ({len(stride)})")
    if any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"empty_strided: negative size or stride: {size}, {stride}")
    need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    buf = np.empty(max(need, 1), dtype=dtype)
    return np.lib.stride_tricks.as_strided(buf, size, [s * dtype.itemsize for s in stride])


def pad_source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of an axis of n padded by (before, after) in ``mode`` (reflect,
    replicate or circular: F.pad and stft), the position of x it copies (a negative
    ``before`` / ``after`` crops: PyTorch's reflect and replicate count from the ends of x)."""
    i = np.arange(-before, n + after)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    if mode == "circular":
        return i % n
    period = 2 * (n - 1)  # reflect (the edge is not repeated)
    i = np.abs(i) % period if period else np.zeros_like(i)
    return np.where(i >= n, period - i, i)
