"""PyTorch's top-level math functions that have no Tensor method here: ``sinc``, ``ldexp``,
``i0``, ``frexp``, ``gcd``, ``lcm``, ``nextafter``, ``isin``, ``renorm``, ``dist``, ``mvlgamma``,
``adjoint``, ``rsub``, ``combinations``, ``vander``, ``unravel_index``, ``histogram``.

Each is a composite of existing ops (so gradients, to any order, come from theirs) or, for
integer and boolean results, a NumPy function wrapped without a graph. The scatter, strided
and ``*_copy`` forms are in ``_torch_views.py``; the creation functions (``logspace``, the
windows) in ``_torch_windows.py``.
"""

from __future__ import annotations

import itertools
import math
from collections import namedtuple
from typing import Any

import numpy as np

from ._torch_functions import as_tensor
from .dtypes import get_default_dtype, result_type
from .tensor import Tensor
from .tensor_functions import stack, where


def _floating(x: Tensor) -> Tensor:
    """x itself when floating, else x in the default float dtype (PyTorch's int -> float)."""
    return x if x._data.dtype.kind in "fc" else x.to(get_default_dtype())


def sinc(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """sin(pi x) / (pi x), and 1 at x = 0 (gradient 0 there); ints give the default float."""
    x = _floating(as_tensor(input))
    zero = x._data == 0
    safe = where(zero, 1.0, x)  # (keeps the unused branch finite at 0, and its gradient)
    px = safe * math.pi
    return where(zero, 1.0, px.sin() / px).to(x.dtype)


def i0(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Modified Bessel function of the first kind, order 0: sum_k (x^2/4)^k / (k!)^2.

    The series, summed by Horner's rule in t = x^2/4 up to a term count that reaches float64
    precision for the largest |x| given; a composite, so its gradient (i1) and higher ones
    follow. Ints give the default float; +-inf gives NaN, as PyTorch's CPU kernel."""
    x = _floating(as_tensor(input))
    finite = np.isfinite(x._data)
    big = float(np.abs(x._data[finite]).max(initial=0.0))
    terms = min(int(big), 800) + 25  # (term k peaks near |x|/2, then falls as (|x|/2k)^2k)
    xs = where(finite, x, 0.0) if not finite.all() else x  # (inf and NaN give NaN, below)
    t = xs * xs / 4
    out = t * 0 + 1.0
    for k in range(terms, 0, -1):  # 1 + t/1^2 (1 + t/2^2 (1 + ... ))
        out = out * t / (k * k) + 1.0
    return out if finite.all() else where(finite, out, math.nan)  # (PyTorch's, on the CPU)


def ldexp(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """input * 2^other, in a floating dtype (both operands get gradients, as PyTorch's)."""
    x, k = as_tensor(input), as_tensor(other)
    return _floating(x) * _floating(k).exp2()


FrexpResult = namedtuple("frexp", ["mantissa", "exponent"])  # type: ignore[name-match]


def frexp(input: Any) -> Any:  # noqa: A002 - PyTorch's name
    """(mantissa, exponent) with input = mantissa * 2^exponent, |mantissa| in [0.5, 1);
    exponent int32. The mantissa is input * 2^-exponent, so it has input's gradient."""
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"torch.frexp() only supports floating-point dtypes, got "
                           f"{x.dtype}")
    _, e = np.frexp(x._data)
    exponent = Tensor._new(e.astype(np.int32))
    return FrexpResult(x * Tensor._new(np.ldexp(np.ones((), x._data.dtype), -e)), exponent)


def _integer_op(name: str, fn: Any, input: Any, other: Any) -> Tensor:  # noqa: A002
    a, b = as_tensor(input), as_tensor(other)
    if a._data.dtype.kind not in "iu" or b._data.dtype.kind not in "iu":
        bad = a.dtype if a._data.dtype.kind not in "iu" else b.dtype
        raise NotImplementedError(f'"{name}_cpu" not implemented for {bad} (integer dtypes '
                                  "only)")
    return Tensor._new(fn(a._data, b._data).astype(result_type(a, b)))


def gcd(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Greatest common divisor, elementwise, of integer tensors (no gradient)."""
    return _integer_op("gcd", np.gcd, input, other)


def lcm(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Least common multiple, elementwise, of integer tensors (no gradient)."""
    return _integer_op("lcm", np.lcm, input, other)


def nextafter(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """The next float after input towards other; gradient 1 for input, 0 for other (as
    PyTorch's: the step is below the float's resolution)."""
    x, y = as_tensor(input), as_tensor(other)
    step = Tensor._new(np.nextafter(x._data, y._data) - x._data)
    return x + step + 0 * y


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Bool tensor of elements' shape: is each element among test_elements (``invert``
    negates). Either may be a number."""
    a = np.asarray(elements._data if isinstance(elements, Tensor) else elements)
    b = np.asarray(test_elements._data if isinstance(test_elements, Tensor) else
                   test_elements)
    return Tensor._new(np.isin(a, b, assume_unique=assume_unique, invert=invert))


def renorm(input: Any, p: float, dim: int, maxnorm: float) -> Tensor:  # noqa: A002
    """Each slice along ``dim`` whose p-norm exceeds maxnorm, rescaled to norm maxnorm
    (by maxnorm / (norm + 1e-7), as PyTorch's); the others unchanged."""
    x = as_tensor(input)
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"renorm: expected a floating tensor, got {x.dtype}")
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported, got p={p}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = dim % max(x.ndim, 1)
    others = tuple(i for i in range(x.ndim) if i != d)
    norm = x.abs().pow(p).sum(others, keepdim=True).pow(1.0 / p) if others else x.abs()
    factor = where(norm._data > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return x * factor.to(x.dtype)


def dist(input: Any, other: Any, p: float = 2) -> Tensor:  # noqa: A002 - PyTorch's name
    """The p-norm of input - other (broadcast), a 0-d tensor."""
    return (as_tensor(input) - as_tensor(other)).norm(p)


def mvlgamma(input: Any, p: int) -> Tensor:  # noqa: A002 - PyTorch's name
    """log of the multivariate gamma: p(p-1)/4 log(pi) + sum_i lgamma(x - i/2), i < p."""
    x = as_tensor(input)
    if p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1, got {p}")
    shifts = Tensor._new(-np.arange(p, dtype=_floating(x)._data.dtype) / 2)
    return (x.unsqueeze(-1) + shifts).lgamma().sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


def adjoint(input: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """The conjugate transpose of the last two dims (``mT`` for real tensors)."""
    x = as_tensor(input)
    if x.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {x.ndim}-D tensor.")
    return x.mT


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


HistogramResult = namedtuple("histogram", ["hist", "bin_edges"])  # type: ignore[name-match]


def histogram(input: Any, bins: Any = 100, *, range: Any = None,  # noqa: A002
              weight: Any = None, density: bool = False) -> Any:
    """(hist, bin_edges) of a floating tensor: ``bins`` equal bins over ``range`` (the data's
    min and max by default) or the given edges; no gradient."""
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f'"histogramdd" not implemented for {x.dtype}')
    edges = bins._data if isinstance(bins, Tensor) else int(bins)
    w = None if weight is None else as_tensor(weight)._data.reshape(-1)
    hist, out_edges = np.histogram(x._data.reshape(-1), edges, range=range, weights=w,
                                   density=density)
    dt = x._data.dtype
    return HistogramResult(Tensor._new(hist.astype(dt)), Tensor._new(out_edges.astype(dt)))


def _in_place(name: str, fn: Any) -> Any:
    """``torch.<name>(input, ...)``: ``fn(input, ...)`` written into input under PyTorch's
    in-place rules (recorded under grad; a result that cannot be cast to input's dtype, or a
    leaf that requires grad, is refused)."""
    def form(input: Any, *args: Any) -> Any:  # noqa: A002 - PyTorch's name
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        return input._inplace(name, lambda x: fn(x, *args), *args)

    form.__name__ = form.__qualname__ = name
    form.__doc__ = f"``{name[:-1]}(input, ...)`` written into input, in place."
    return form


sinc_, i0_, ldexp_ = _in_place("sinc_", sinc), _in_place("i0_", i0), _in_place("ldexp_", ldexp)
gcd_, lcm_ = _in_place("gcd_", gcd), _in_place("lcm_", lcm)

__all__ = [
    "sinc_", "i0_", "ldexp_", "gcd_", "lcm_",
    "adjoint", "combinations", "dist", "frexp", "gcd", "histogram", "i0", "isin", "lcm", "ldexp",
    "mvlgamma", "nextafter", "renorm", "rsub", "sinc", "unravel_index", "vander",
]
