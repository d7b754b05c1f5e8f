"""Composites behind the products and matrix functions (the Tensor methods of
``tensor_linalg``, ``linalg`` and ``linalg_functions`` call them): argument checks with
PyTorch's error classes, tensordot, matrix_power, cross, and the SVD / QR / Cholesky front
ends of the ``ops/decomp.py`` primitives. Written with Tensor methods only (rule 6).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from . import ops as P
from ._linalg_checks import (
    _need_ndim,
    dtype_name,
    low_precision,
    refuse_bool,
    refuse_half,
)
from ._shapes import normalize_one_axis
from .dtypes import result_type
from .function import TensorBase
from .ops.decomp import Pinv, check_float, check_square
from .ops.reduce import EmptyReductionError
from .tensor_elementwise import select
from .tensor_indexing import vector_norm


class SlogdetResult(NamedTuple):
    """``(sign, logabsdet)`` of ``slogdet`` (PyTorch's ``torch.return_types.slogdet``)."""

    sign: Any
    logabsdet: Any


class SvdLegacyResult(NamedTuple):
    """``(U, S, V)`` of the legacy ``svd`` (PyTorch's ``torch.return_types.svd``)."""

    U: Any
    S: Any
    V: Any


class QRResult(NamedTuple):
    """``(Q, R)`` (PyTorch's ``torch.return_types.linalg_qr`` / ``qr``)."""

    Q: Any
    R: Any


def as_operand(like: Any, x: Any) -> Any:
    """``x`` as a Tensor (arrays and numbers are wrapped with inferred dtypes)."""
    return x if isinstance(x, TensorBase) else like._new(x)


class TriangularSolveResult(NamedTuple):
    """``(solution, cloned_coefficient)`` (PyTorch's ``torch.return_types.triangular_solve``)."""

    solution: Any
    cloned_coefficient: Any


def triangle(a: Any, upper: bool, unit: bool = False) -> Any:
    """The upper or lower triangle of A (..., n, n), the rest 0 (its diagonal 1 with
    ``unit``), selected so that the other half gets no gradient."""
    n = a.shape[-1]
    keep = np.triu(np.ones((n, n), bool), int(unit)) if upper else np.tril(
        np.ones((n, n), bool), -int(unit))
    return select(keep, a, np.eye(n, dtype=a.dtype) if unit else np.zeros((), a.dtype))


def factor_of(f: Any, upper: bool) -> Any:
    """The lower Cholesky factor L of A = L L^H from ``cholesky_solve``'s input2: its lower
    (upper: the conjugate transpose of its upper) triangle for the value, but the gradient of the
    whole input2, as PyTorch's backward (-(G X^T + X G^T) input2) gives it."""
    n = f.shape[-1]
    keep = np.triu(np.ones((n, n), bool)) if upper else np.tril(np.ones((n, n), bool))
    low = select(keep, f, f - f.detach())  # 0 off the triangle, still on the graph
    return low.mH if upper else low


def _check_broadcast(op: str, c: Any, shape: tuple[int, ...]) -> None:
    try:
        ok = np.broadcast_shapes(tuple(c.shape), shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"{op}: input of shape {tuple(c.shape)} does not broadcast to the "
                           f"product's shape {shape}")


def _ignored(c: Any, out: Any) -> Any:
    """``out``, with c on the graph at a zero gradient (PyTorch's beta = 0: c's values,
    NaN and inf included, are ignored, but the result still depends on c)."""
    if not getattr(c, "requires_grad", False):
        return out
    return select(np.ones(out.shape, bool), out, c.astype(out.dtype))


def scaled_sum(op: str, c: Any, prod: Any, beta: Any, alpha: Any) -> Any:
    """beta * c + alpha * prod with c broadcast to prod's shape (addmv, addbmm, baddbmm: one
    dtype for all). An integer result takes beta and alpha truncated to integers, as
    PyTorch casts them (beta=0.5 is 0); beta = 0 ignores c (NaN and inf in it included)."""
    shape = tuple(prod.shape)
    _check_broadcast(op, c, shape)
    if prod.dtype.kind in "iu":
        beta, alpha = int(beta), int(alpha)
    out = prod if alpha == 1 else prod * alpha
    if beta == 0:
        return _ignored(c, out)
    return out + (c if beta == 1 else c * beta)


def _bool_scale(op: str, name: str, value: Any, result: np.dtype) -> None:
    if isinstance(value, (bool, np.bool_)) and result != np.bool_:
        raise RuntimeError(f"{op}: Boolean {name} only supported for Boolean results (got "
                           f"{name}={value} for a {result} result).")
    if result.kind in "iub" and isinstance(value, (float, np.floating)):
        raise RuntimeError(f"{op}: For integral input tensors, argument {name} must not be a "
                           f"floating point number (got {name}={value}).")


def outer_sum(op: str, c: Any, v1: Any, v2: Any, beta: Any, alpha: Any) -> Any:
    """``addr``: beta * c + alpha * outer(v1, v2), the three dtypes promoted (PyTorch's
    rule for addr, unlike the other products); a bool result is (beta and c) or (alpha and
    v1 v2^T). A bool beta or alpha needs a bool result, a float one a float result."""
    # (c is expanded to the product's shape first: a 0-d c counts as a dimensioned tensor)
    dt = result_type(*(x if x.ndim else x.reshape(1) for x in (c, v1, v2)))
    for name, value in (("beta", beta), ("alpha", alpha)):
        _bool_scale(op, name, value, dt)
    shape = (v1.shape[0], v2.shape[0])
    _check_broadcast(op, c, shape)
    v1, v2, c = (x if x.dtype == dt else x.astype(dt) for x in (v1, v2, c))
    prod = v1.reshape(-1, 1) * v2.reshape(1, -1)
    if dt == np.bool_:
        out = prod if alpha else prod & False
        return out if not beta else (out | c)
    return scaled_sum(op, c, prod, beta, alpha)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Any:
    """sum over the contracted axes of a and b (``dims``: the last n of a with the first n
    of b, or a pair of axis lists); the result has a's free axes, then b's.

    Computed as one matrix product of the permuted, reshaped operands (BLAS speed)."""
    if isinstance(dims, TensorBase):
        dims = dims._data.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot: dims={dims} exceeds the operands' dimensions "
                               f"({a.ndim} and {b.ndim})")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        try:
            da, db = (list(d._data.tolist() if isinstance(d, TensorBase) else d)
                      for d in dims)
        except (TypeError, ValueError):
            raise TypeError(f"tensordot(): dims must be an int or a pair of lists of ints, "
                            f"got {dims!r}") from None
    if len(da) != len(db):
        raise RuntimeError(f"both dimension lists should have same length, got {da} and {db}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"tensordot: both inputs should have same dtype, got "
                           f"{dtype_name(a.dtype)} and {dtype_name(b.dtype)}")
    refuse_bool("addmm_impl_cpu_", a)
    da = [normalize_one_axis(d, a.ndim, "tensordot") for d in da]
    db = [normalize_one_axis(d, b.ndim, "tensordot") for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[i]} in dim {i} and second has size {b.shape[j]} "
                               f"in dim {j}")
    fa = [d for d in range(a.ndim) if d not in da]
    fb = [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    out_shape = tuple(a.shape[d] for d in fa) + tuple(b.shape[d] for d in fb)
    left = a.permute(*fa, *da).reshape(-1, k) if a.ndim else a.reshape(1, 1)
    right = b.permute(*db, *fb).reshape(k, -1) if b.ndim else b.reshape(1, 1)
    return (left @ right).reshape(out_shape)


def matrix_power(a: Any, n: int, op: str = "linalg.matrix_power") -> Any:
    """A^n by repeated squaring (n < 0: the inverse's power, n = 0: the identity)."""
    if a.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"{op}: n must be an int, got {type(n).__name__}")
    if n == 0:  # the identity, with a zero gradient (PyTorch's result requires grad too)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return select(np.ones(a.shape, bool), eye, a)
    if n < 0:
        check_float(a, "linalg.inv")
        refuse_half(a, message=low_precision("linalg.inv"))
        a, n = P.Inv.apply(a), -n
    if n > 1:
        refuse_bool("addmm_impl_cpu_" if a.ndim == 2 else "bmm", a)
    result, base = None, a
    while True:  # binary exponentiation: about log2(n) products
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if not n:
            break
        base = base @ base
    return result.clone() if result is a else result  # a new tensor, never the input itself


def cholesky(a: Any, upper: bool) -> Any:
    """L (or L^T with ``upper``) of A = L L^T (``linalg.cholesky`` and the method)."""
    check_square(a, "linalg.cholesky")
    refuse_half(a, "cholesky_cpu")
    low = P.Cholesky.apply(a)
    return low.mH if upper else low  # (A = U^H U)


def qr_parts(a: Any, mode: str) -> QRResult:
    """(Q, R) of A (..., m, n) from one ``Qr`` node ('r': an empty Q, R without gradient)."""
    if a.ndim < 2:
        raise RuntimeError(f"linalg.qr: The input tensor A must have at least 2 dimensions. "
                           f"Got shape {tuple(a.shape)}")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    check_float(a, "linalg.qr")
    refuse_half(a, "geqrf_cpu")
    m, n = a.shape[-2:]
    if mode == "r":
        r = np.linalg.qr(a._data, mode="r")
        return QRResult(a._new(np.zeros((0,), a.dtype)), a._new(r))
    k = min(m, n) if mode == "reduced" else m
    q, r = P.unpack(P.Qr.apply(a, mode=mode), [(m, k), (k, n)])
    return QRResult(q, r)


def check_bmm(op: str, b1: Any, b2: Any) -> None:
    _need_ndim(op, b1, 3, "batch1")
    _need_ndim(op, b2, 3, "batch2")
    if b2.shape[:2] != (b1.shape[0], b1.shape[2]):
        raise RuntimeError(f"{op}: Expected size for first two dimensions of batch2 tensor "
                           f"to be: [{b1.shape[0]}, {b1.shape[2]}] but got: "
                           f"[{b2.shape[0]}, {b2.shape[1]}].")


_ROT1, _ROT2 = np.array([1, 2, 0]), np.array([2, 0, 1])


def cross_along(x: Any, y: Any, dim: int) -> Any:
    """(x1 y2 - x2 y1, x2 y0 - x0 y2, x0 y1 - x1 y0) along ``dim`` of size 3."""
    if x.ndim != y.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = normalize_one_axis(dim, max(x.ndim, 1), "cross")
    if x.shape[d] != 3 or y.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{x.shape[d]} and {y.shape[d]}")
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.cross: expected both inputs to have the same dtype, got "
                           f"{dtype_name(x.dtype)} and {dtype_name(y.dtype)}")
    refuse_bool("cross", x)
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        d = next(i for i, (p, q) in enumerate(zip(x.shape, y.shape)) if 1 != p != q != 1)
        raise RuntimeError(f"The size of tensor a ({x.shape[d]}) must match the size of "
                           f"tensor b ({y.shape[d]}) at non-singleton dimension {d}") from None
    x = x if x.shape == shape else x.expand(shape)
    y = y if y.shape == shape else y.expand(shape)
    return (x.index_select(d, _ROT1) * y.index_select(d, _ROT2)
            - x.index_select(d, _ROT2) * y.index_select(d, _ROT1))


def linalg_cross(x: Any, y: Any, dim: int = -1) -> Any:
    """``torch.linalg.cross``: the cross product along ``dim`` (default the last)."""
    return cross_along(x, as_operand(x, y), dim)


def svd_parts(a: Any, full_matrices: bool) -> tuple[Any, Any, Any]:
    """(U, S, Vh) of A (..., m, n), from one ``Svd`` node."""
    if a.ndim < 2:
        raise RuntimeError(f"linalg.svd: The input tensor A must have at least 2 dimensions. "
                           f"Got shape {tuple(a.shape)}")
    check_float(a, "linalg.svd")
    refuse_half(a, "linalg_svd_cpu")
    m, n = a.shape[-2:]
    k = min(m, n)
    mu, nv = (m, n) if full_matrices else (k, k)
    u, s, vh = P.unpack(P.Svd.apply(a, full_matrices=full_matrices),
                        [(m, mu), (k,), (nv, n)])
    return u, s.real, vh  # (S, real, is packed in A's dtype)


def significant(s: np.ndarray, a: Any, atol: Any, rtol: Any) -> np.ndarray:
    """The singular values S > max(atol, rtol * max(S)) (a bool mask), with PyTorch's
    default rtol: eps * max(m, n), or 0 when only a positive atol is given."""
    top = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,))
    # tolerances given as tensors hold one value per matrix of the batch
    atol, rtol = (np.asarray(t._data)[..., None] if isinstance(t, TensorBase) else t
                  for t in (atol, rtol))
    if rtol is None:
        eps = max(a.shape[-2:]) * np.finfo(a.dtype).eps
        rtol = eps if atol is None else np.where(np.asarray(atol) > 0, 0.0, eps)
    return s > np.maximum(0.0 if atol is None else atol, rtol * top)


def pinv(a: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Any:
    """A^+ = V diag(1/S) U^H over the significant singular values (``significant``), one
    ``Pinv`` node (PyTorch's gradient: that of the Moore-Penrose formula at the result)."""
    refuse_half(a, message=f"linalg.pinv({dtype_name(a.dtype)}{list(a.shape)}): expected a "
                "tensor with 2 or more dimensions of float, double, cfloat or cdouble types")
    u, s, vh = (x._data for x in svd_parts(a.detach(), False))
    keep = significant(s, a, atol, rtol)
    inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(s.dtype)
    value = (np.conj(np.swapaxes(vh, -1, -2)) * inv_s[..., None, :]) @ np.conj(
        np.swapaxes(u, -1, -2))
    return Pinv.apply(a, value=value)  # type: ignore[no-any-return]


def matrix_norm_of(a: Any, ord: Any, dim: Any, keepdim: bool) -> Any:
    """``linalg.matrix_norm`` of the Tensor a (also ``norm(p='nuc')``'s)."""
    dim = tuple(dim) if isinstance(dim, (tuple, list, range)) else (dim,)
    if a.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions. Got shape {tuple(a.shape)}")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a pair, got {dim}")
    check_float(a, "linalg.matrix_norm")
    rows, cols = (normalize_one_axis(d, a.ndim, "linalg.matrix_norm") for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got {tuple(dim)}")
    if ord == "fro":
        return vector_norm(a, 2, tuple(dim), keepdim)
    if ord not in ("nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf "
                           f"or -inf, got {ord!r}")
    if not a.shape[rows] or not a.shape[cols]:  # an empty matrix: 0, or no minimum at all
        # (-1: the least column sum, of no columns; -inf: the least row sum; -2: of no S)
        empty = {-1: cols, -math.inf: rows, -2: cols if not a.shape[cols] else rows}.get(ord)
        if empty is not None and (ord == -2 or not a.shape[empty]):
            raise EmptyReductionError(f"linalg.matrix_norm: ord={ord} of an empty matrix (shape "
                                      f"{tuple(a.shape)}): amin(): Expected reduction dim "
                                      f"{empty} to have non-zero size.")
        zero = a.abs().sum((rows, cols), keepdims=keepdim)
        # on the graph as PyTorch's: not where its max of no values stands in (2, and 1 /
        # inf with no column / row sums)
        other = {1: cols, math.inf: rows}.get(ord)
        off = ord == 2 or (other is not None and not a.shape[other])
        return zero.detach() if off else zero
    if ord in ("nuc", 2, -2):
        refuse_half(a, message=low_precision("linalg.matrix_norm"))
        rest = [d for d in range(a.ndim) if d not in (rows, cols)]
        s = svd_parts(a.permute(*rest, rows, cols), False)[1]
        r = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        return r.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols)) if keepdim else r
    summed, other = (rows, cols) if abs(ord) == 1 else (cols, rows)
    s = a.abs().sum(summed, keepdims=True)
    r = s.amax(other, keepdims=True) if ord > 0 else s.amin(other, keepdims=True)
    return r if keepdim else r.squeeze((rows, cols))
