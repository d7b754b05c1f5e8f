"""PyTorch's top-level math functions that have no Tensor method: ``isin``, ``rsub``,
``combinations``, ``vander``, ``unravel_index``, ``fill``, ``binomial``, ``gradient``,
``histogramdd``, and the removed linear-algebra names (``solve``, ``lstsq``, ``eig``,
``symeig``, ``matrix_rank``), which raise PyTorch's RuntimeError naming the replacement.

Each is a composite of existing ops (so gradients, to any order, come from theirs) or, for
integer and boolean results, a NumPy function wrapped without a graph. Those PyTorch also
has as Tensor methods (``sinc``, ``ldexp``, ``gcd``, ``renorm``, ``histogram`` ...) are
methods (``tensor_special.py``) with generated function forms; the ``*_copy`` forms are in
``_torch_views.py``; the creation functions (``logspace``, the windows) in
``_torch_windows.py``.
"""

from __future__ import annotations

import builtins
import itertools
import math
from collections import namedtuple
from typing import Any

import numpy as np

from ._shapes import normalize_one_axis
from ._torch_functions import as_tensor
from .dtypes import get_default_dtype, result_type
from .ops.sampling import Binomial
from .tensor import Tensor
from .tensor_elementwise import need_tensor
from .tensor_functions import concatenate, stack
from .tensor_linalg import removed_linalg
from .tensor_random import draw_rng


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Bool tensor of elements' shape: is each element among test_elements (``invert``
    negates). Either may be a number."""
    a = np.asarray(elements._data if isinstance(elements, Tensor) else elements)
    b = np.asarray(test_elements._data if isinstance(test_elements, Tensor) else
                   test_elements)
    return Tensor._new(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def rsub(input: Any, other: Any, alpha: float = 1) -> Tensor:  # noqa: A002 - PyTorch's name
    """other - alpha * input (``sub`` with the operands swapped)."""
    return as_tensor(other).sub(as_tensor(input), alpha=alpha) if isinstance(other, Tensor) \
        else as_tensor(input).mul(-alpha).add(other)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """(k, r): the length-r combinations of a 1-D tensor's elements, in itertools' order."""
    x = as_tensor(input)
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:  # (a new empty tensor, outside the graph, as PyTorch's)
        return Tensor._new(x._data[:0].copy())
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return x[Tensor._new(idx)]


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """(n, N) Vandermonde matrix: column j is x^(N-1-j) (x^j when ``increasing``)."""
    v = as_tensor(x)
    if v.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = v.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if v._data.dtype.kind in "bu" or v._data.dtype == np.int8 or v._data.dtype == np.int16 \
            or v._data.dtype == np.int32:
        v = v.to(np.int64)  # (PyTorch promotes integer and bool inputs to int64)
    cols = [v.pow(k) if k else v * 0 + 1 for k in range(n)]
    out = stack(cols, 1) if cols else v.unsqueeze(1)[:, :0]
    return out if increasing else out.flip(1)


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates of flat ``indices`` in an array of ``shape``: one int64 tensor each."""
    idx = as_tensor(indices)
    if idx._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {idx.dtype}")
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(d < 0 for d in dims):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(dims)}")
    size = math.prod(dims)
    if ((idx._data < -size) | (idx._data >= size)).any():
        raise ValueError("'indices' must be in range [-size, size - 1]")
    coords = np.unravel_index(idx._data % max(size, 1), dims)
    return tuple(Tensor._new(c.astype(np.int64)) for c in coords)


def fill(input: Any, value: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """A new tensor of input's shape and dtype holding ``value`` (a number or a 0-d tensor)
    everywhere: ``input.clone().fill_(value)``, so a gradient to input is zero."""
    need_tensor("fill", "input", input, 1)
    return input.clone().fill_(value)  # type: ignore[no-any-return]


def binomial(count: Any, prob: Any, generator: Any = None) -> Tensor:
    """Binomial draws: the number of successes in ``count`` trials of probability ``prob``
    (broadcast; both of one floating dtype; prob clamped to [0, 1]). Recorded when an input
    requires grad, but its backward raises, as PyTorch's."""
    need_tensor("binomial", "count", count, 1)
    need_tensor("binomial", "prob", prob, 2)
    if count.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{count.dtype}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {prob.dtype} but expected {count.dtype}")
    return Binomial.apply(count, prob, rng=draw_rng(generator))  # type: ignore[no-any-return]


def _gradient_weights(coords: np.ndarray, edge_order: int) -> list[tuple[np.ndarray, ...]]:
    """For samples at ``coords``: the weights of f[:-2], f[1:-1], f[2:] for the interior
    (second-order central differences) and those of the first and last points (one-sided,
    of ``edge_order``), as NumPy's and PyTorch's gradient."""
    x = coords.astype(np.float64)
    d1, d2 = x[1:-1] - x[:-2], x[2:] - x[1:-1]
    inner = (-d2 / (d1 * (d1 + d2)), (d2 - d1) / (d1 * d2), d1 / (d2 * (d1 + d2)))
    if edge_order == 1:
        first = (-1 / (x[1] - x[0]), 1 / (x[1] - x[0]), 0.0)
        last = (0.0, -1 / (x[-1] - x[-2]), 1 / (x[-1] - x[-2]))
    else:
        a, b = x[1] - x[0], x[2] - x[1]
        first = (-(2 * a + b) / (a * (a + b)), (a + b) / (a * b), -a / (b * (a + b)))
        a, b = x[-2] - x[-3], x[-1] - x[-2]
        last = (b / (a * (a + b)), -(a + b) / (a * b), (2 * b + a) / (b * (a + b)))
    return [tuple(np.asarray(w) for w in ws) for ws in (first, inner, last)]


def gradient(input: Any, *, spacing: Any = 1, dim: Any = None,  # noqa: A002
             edge_order: int = 1) -> tuple[Tensor, ...]:
    """The numerical gradient along each of ``dim`` (all dims by default): second-order
    central differences inside, one-sided differences of ``edge_order`` (1 or 2) at the
    ends. ``spacing``: one number (or 0-d tensor) for every dim, one per dim, or one 1-D
    tensor of sample coordinates per dim. A composite of slices, so differentiable."""
    need_tensor("gradient", "input", input, 1)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = (list(range(input.ndim)) if dim is None
            else [dim] if isinstance(dim, int) else list(dim))
    dims = [normalize_one_axis(d, input.ndim, "gradient") for d in dims]
    repeated = [d for i, d in enumerate(dims) if d in dims[:i]]
    if repeated:
        raise RuntimeError(f"dim {repeated[0]} appears multiple times in the list of dims")
    if isinstance(spacing, (list, tuple)):
        kinds = {isinstance(h, Tensor) for h in spacing}
        if len(kinds) > 1:
            bad = next(i for i, h in enumerate(spacing) if not isinstance(h, Tensor))
            raise TypeError(f"expected Tensor as element {bad} in argument 1, but got "
                            f"{type(spacing[bad]).__name__}")
        if any(isinstance(h, Tensor) and h.ndim != 1 for h in spacing):
            raise RuntimeError("torch.gradient expected each element of spacing to have one "
                               "dimension, but got an element with 0 dimensions!")
        if len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or "
                               f"it's spacing and dim arguments to have the same length, but "
                               f"got a spacing argument of length {len(spacing)} and a dim "
                               f"argument of length {len(dims)}.")
        steps = list(spacing)
    else:
        steps = [spacing] * len(dims)
    f = input if input.dtype.kind in "fc" else input.to(get_default_dtype())
    out = []
    for d, h in zip(dims, steps):
        n = f.shape[d]
        if n < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
        if isinstance(h, Tensor) and h.ndim == 1:
            if h.shape[0] != n:
                raise RuntimeError(f"torch.gradient expected each tensor to be on the same "
                                   f"device and to have {n} coordinates along dim {d}, got "
                                   f"{h.shape[0]}")
            g = f.to(result_type(f, h)) if h.dtype.kind == "f" else f
            coords = h._data
        else:
            g = f
            coords = np.arange(n, dtype=np.float64) * float(h.item() if isinstance(h, Tensor)
                                                            else h)
        lead = (slice(None),) * d
        shape = (-1,) + (1,) * (f.ndim - d - 1)

        def part(k: slice, w: np.ndarray, g: Any = g, lead: Any = lead,
                 shape: Any = shape) -> Any:
            return g[lead + (k,)] * Tensor._new(np.asarray(w, g.dtype).reshape(shape)
                                               if np.ndim(w) else np.asarray(w, g.dtype))

        (f0, f1, f2), (i0, i1, i2), (l0, l1, l2) = _gradient_weights(coords, edge_order)
        first = part(slice(0, 1), f0) + part(slice(1, 2), f1) + part(slice(2, 3), f2) \
            if edge_order == 2 else part(slice(0, 1), f0) + part(slice(1, 2), f1)
        inner = part(slice(0, n - 2), i0) + part(slice(1, n - 1), i1) + part(slice(2, n), i2)
        last = part(slice(n - 3, n - 2), l0) + part(slice(n - 2, n - 1), l1) \
            + part(slice(n - 1, n), l2) if edge_order == 2 else \
            part(slice(n - 2, n - 1), l1) + part(slice(n - 1, n), l2)
        out.append(concatenate([first, inner, last], d))
    return tuple(out)


HistogramddResult = namedtuple("histogramdd", ["hist", "bin_edges"])  # type: ignore[name-match]


def histogramdd(input: Any, bins: Any = 10, *, range: Any = None,  # noqa: A002
                weight: Any = None, density: bool = False) -> Any:
    """(hist, bin_edges) of the points ``input`` (..., D) in D dimensions: ``bins`` equal
    bins per dim (an int, or one int per dim) over ``range`` ([min0, max0, min1, max1 ...];
    the data's extent by default), or the given edges (one 1-D tensor per dim); ``weight``
    per point; ``density`` normalises to a density. Floating input only; no gradient."""
    need_tensor("histogramdd", "input", input, 1)
    if input.dtype.kind != "f":
        raise NotImplementedError(f'"histogramdd" not implemented for {input.dtype}')
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    dim = input.shape[-1]
    points = input._data.reshape(-1, dim)
    if isinstance(bins, (list, tuple)) and len(bins) != dim:
        what = ("sequences of bin edges" if bins and isinstance(bins[0], Tensor)
                else "bin counts")
        raise RuntimeError(f"torch.histogramdd: expected {dim} {what} for a {dim}-dimensional "
                           f"histogram but got {len(bins)}")
    if range is not None and len(range) != 2 * dim:
        raise RuntimeError(f"torch.histogramdd: for a {dim}-dimensional histogram range should "
                           f"have {2 * dim} elements, but got {len(range)}")
    if weight is not None and tuple(weight.shape) != tuple(input.shape[:-1]):
        raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the "
                           "same shape as the input tensor excluding its innermost dimension, "
                           f"but got input with shape {list(input.shape)} and weight with shape "
                           f"{list(weight.shape)}")
    edges = ([b._data for b in bins] if isinstance(bins, (list, tuple)) and bins
             and isinstance(bins[0], Tensor) else bins)
    spans = None if range is None else [(range[2 * i], range[2 * i + 1])
                                        for i in builtins.range(dim)]
    w = None if weight is None else weight._data.reshape(-1)
    hist, out_edges = np.histogramdd(points, edges, range=spans, weights=w, density=density)
    dt = input.dtype
    return HistogramddResult(Tensor._new(hist.astype(dt)),
                             tuple(Tensor._new(e.astype(dt)) for e in out_edges))


def _removed(name: str) -> Any:
    def form(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(removed_linalg(name))

    form.__name__ = form.__qualname__ = name
    form.__doc__ = f"Removed from PyTorch (1.9): raises RuntimeError naming ``linalg``'s " \
                   f"replacement for ``{name}``."
    return form


solve, lstsq, eig, symeig, matrix_rank = map(_removed, ("solve", "lstsq", "eig", "symeig",
                                                        "matrix_rank"))


__all__ = ["binomial", "combinations", "eig", "fill", "gradient", "histogramdd", "isin",
           "lstsq", "matrix_rank", "rsub", "solve", "symeig", "unravel_index", "vander"]
