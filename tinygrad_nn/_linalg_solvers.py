"""torch.linalg's LU family (lu_factor, lu_factor_ex, lu, lu_solve), least squares (lstsq),
the general eigen-decomposition (eig, eigvals: complex results, no derivative) and the
``_ex`` forms that report failure in ``info`` instead of raising (cholesky_ex, inv_ex;
``linalg`` has solve_ex). Composites of Tensor methods and the ``LuFactor`` / ``Solve``
primitives; ``linalg`` re-exports them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import ops as P
from ._linalg_checks import (
    dtype_name,
    low_precision,
    refuse_half,
    refuse_integers,
)
from ._linalg_parts import (
    cholesky as _cholesky,
)
from ._linalg_parts import (
    pinv,
)
from .ops.decomp import Eig, check_float, check_square
from .ops.lu import LuFactor, np_lu_factor, permutation, unpack_lu
from .ops.select import NoDerivative
from .tensor import Tensor
from .tensor_elementwise import select


class LUFactorResult(NamedTuple):
    """``(LU, pivots)`` (PyTorch's ``torch.return_types.linalg_lu_factor``)."""

    LU: Any
    pivots: Any


class LUFactorExResult(NamedTuple):
    """``(LU, pivots, info)`` (PyTorch's ``torch.return_types.linalg_lu_factor_ex``)."""

    LU: Any
    pivots: Any
    info: Any


class LUResult(NamedTuple):
    """``(P, L, U)`` (PyTorch's ``torch.return_types.linalg_lu``)."""

    P: Any
    L: Any
    U: Any


class LstsqResult(NamedTuple):
    """``(solution, residuals, rank, singular_values)`` (``torch.return_types.linalg_lstsq``)."""

    solution: Any
    residuals: Any
    rank: Any
    singular_values: Any


class EigResult(NamedTuple):
    """``(eigenvalues, eigenvectors)`` (PyTorch's ``torch.return_types.linalg_eig``)."""

    eigenvalues: Any
    eigenvectors: Any


class CholeskyExResult(NamedTuple):
    """``(L, info)`` (PyTorch's ``torch.return_types.linalg_cholesky_ex``)."""

    L: Any
    info: Any


class InvExResult(NamedTuple):
    """``(inverse, info)`` (PyTorch's ``torch.return_types.linalg_inv_ex``)."""

    inverse: Any
    info: Any


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._new(x)


def _matrix(a: Tensor, op: str) -> None:
    if a.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions. Got "
                           f"shape {tuple(a.shape)}")
    refuse_integers("lu_cpu", a)


# -- LU ------------------------------------------------------------------------------------
def lu_factor_ex(A: Any, *, pivot: bool = True, check_errors: bool = False) -> LUFactorExResult:
    """(LU, pivots, info) with A = P L U for A (..., m, n): LU packs L (below the diagonal,
    unit diagonal implied) and U; pivots (..., min(m, n)) int32 are LAPACK's 1-based row
    swaps; info (...) int32 is the 1-based column of the first zero pivot, else 0. The
    gradient is PyTorch's for square A (full rank); rectangular A has none here."""
    a = _tensor(A)
    _matrix(a, "linalg.lu_factor_ex")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    lu, piv, info = lu_parts(a._data)
    if check_errors:
        _zero_pivot("lu_factor_ex", info)
    m, n = a.shape[-2:]
    if not a.numel():  # nothing to factor: LU is the (empty) input
        packed = a.clone()
    elif m == n:
        packed = LuFactor.apply(a, known=(lu, permutation(piv, m, a.dtype)))
    else:
        packed = NoDerivative.apply(a, value=lu, error=RuntimeError(
            "linalg.lu_factor: the derivative for a non-square A is not implemented here"))
    return LUFactorExResult(packed, Tensor._new(piv), Tensor._new(info))


def lu_parts(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np_lu_factor``'s (LU, pivots, info), also for an empty batch or matrix (where
    there is nothing to factor: no pivots, info 0)."""
    if a.size:
        return np_lu_factor(a)  # type: ignore[no-any-return]
    m, n = a.shape[-2:]
    return (a.copy(), np.zeros(a.shape[:-2] + (min(m, n),), np.int32),
            np.zeros(a.shape[:-2], np.int32))


def lu_factor(A: Any, *, pivot: bool = True) -> LUFactorResult:
    """(LU, pivots) as ``lu_factor_ex``; a zero pivot (singular A) raises RuntimeError."""
    packed, piv, info = lu_factor_ex(A, pivot=pivot)
    _zero_pivot("lu_factor", info._data)
    return LUFactorResult(packed, piv)


def _zero_pivot(op: str, info: np.ndarray) -> None:
    """PyTorch's RuntimeError (not a LinAlgError) for a singular A's LU."""
    if info.any():
        k = int(info[info > 0].min())
        raise RuntimeError(f"torch.linalg.{op}: U[{k},{k}] is zero and using it on lu_solve "
                           "would result in a division by zero. If you still want to perform "
                           "the factorization, consider calling linalg.lu(A, pivot) or "
                           "linalg.lu_factor_ex(A, pivot)")


def lu(A: Any, *, pivot: bool = True) -> LUResult:
    """(P, L, U) with A = P L U for A (..., m, n): L (..., m, k) unit lower, U (..., k, n)
    upper, k = min(m, n); singular A is fine (U has a zero on its diagonal)."""
    packed, piv, _ = lu_factor_ex(_tensor(A), pivot=pivot)
    return LUResult(lu_permutation(packed, piv._data), *lu_triangles(packed))


def lu_triangles(packed: Tensor) -> tuple[Tensor, Tensor]:
    """(L, U) of a packed LU (..., m, n): L (..., m, k) unit lower, U (..., k, n) upper,
    k = min(m, n); differentiable in ``packed``."""
    m, n = packed.shape[-2:]
    k = min(m, n)
    dt = packed.dtype
    # selected, not masked by a product: a product would leave -0.0 above L's diagonal
    low = select(np.tri(m, k, -1, dtype=bool), packed[..., :, :k], np.eye(m, k, dtype=dt))
    up = select(np.triu(np.ones((k, n), dtype=bool)), packed[..., :k, :], np.zeros((), dt))
    return low, up


def lu_permutation(packed: Tensor, piv: np.ndarray) -> Tensor:
    """P (..., m, m) of a packed LU (..., m, n) from LAPACK's 1-based row swaps ``piv``."""
    m = packed.shape[-2]
    perm = (permutation(piv, m, packed.dtype) if packed.numel()
            else np.broadcast_to(np.eye(m, dtype=packed.dtype), packed.shape[:-2] + (m, m)).copy())
    return Tensor._new(perm)


def _solve(a: Any, b: Any) -> Any:
    return P.Solve.apply(a, b)


def lu_solve(LU: Any, pivots: Any, B: Any, *, left: bool = True,  # noqa: N803 - PyTorch's
             adjoint: bool = False) -> Tensor:
    """X with A X = B (left) or X A = B, A^H in place of A with ``adjoint``, for A = P L U
    given as ``lu_factor``'s (LU, pivots); B (..., n, k) (left) or (..., k, n)."""
    packed, b = _tensor(LU), _tensor(B)
    check_square(packed, "linalg.lu_solve")
    refuse_half(packed, "linalg.lu_solve_cpu")
    piv = np.asarray(pivots._data if isinstance(pivots, Tensor) else pivots)
    if piv.dtype != np.int32:
        raise RuntimeError(f"linalg.lu_solve: pivots should be a Tensor of type int32, got "
                           f"{dtype_name(piv.dtype)}")
    low, up = unpack_lu(packed)
    perm = permutation(piv, packed.shape[-1], packed.dtype)
    # A = P L U: left A X = B -> X = U^-1 L^-1 P^T B; adjoint A^H X = B -> X = P L^-H U^-H B;
    # X A = B is A^T X^T = B^T (and X A^H = B is conj(A) X^T = B^T: conj(A X^H) = B^T)
    rhs = b if left else b.mH if adjoint else b.mT
    if left != adjoint:  # solving with A
        x = _solve(up, _solve(low, np.swapaxes(perm, -1, -2) @ rhs))
    elif adjoint:  # solving with A^H
        x = perm @ _solve(low.mH, _solve(up.mH, rhs))
    else:  # solving with A^T
        x = perm @ _solve(low.mT, _solve(up.mT, rhs))
    return x if left else x.mH if adjoint else x.mT  # type: ignore[no-any-return]


# -- least squares and the general eigenproblem ----------------------------------------------
def lstsq(A: Any, B: Any, rcond: float | None = None, *, driver: str | None = None) -> LstsqResult:
    """min_X ||A X - B||_F for A (..., m, n), B (..., m, k): the minimum-norm solution
    pinv(A) B (singular values at most rcond * max(S) count as 0). As PyTorch on the CPU:
    residuals (the squared residual norms, (..., k)) only for drivers gels / gelsd / gelss
    when m > n and A has full rank; rank for every driver but gels; singular_values only
    for gelsd / gelss; else empty."""
    a, b = _tensor(A), _tensor(B)
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of "
                           f"(gels, gelsy, gelsd, gelss), got {driver}")
    refuse_half(a, message="This function doesn't handle types other than float and double")
    _matrix(a, "torch.linalg.lstsq")
    if b.dtype != a.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same "
                           f"dtype, but got input's dtype {dtype_name(a.dtype)} and other's "
                           f"dtype {dtype_name(b.dtype)}")
    vector = b.ndim == a.ndim - 1
    rhs = b.unsqueeze(-1) if vector else b
    if rhs.shape[-2] != a.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), "
                           f"got {a.shape[-2]} and {rhs.shape[-2]}")
    m, n = a.shape[-2:]
    s = np.linalg.svd(a._data, compute_uv=False)
    tol = np.finfo(a.dtype).eps * max(m, n) if rcond is None else rcond
    rank = (s > tol * s[..., :1]).sum(-1).astype(np.int64)
    x = pinv(a, rtol=tol) @ rhs
    if rcond is not None and (rank < (s > np.finfo(a.dtype).eps * max(m, n) * s[..., :1])
                              .sum(-1)).any():
        # PyTorch's gradient is that of pinv(A) B at pinv's default tolerance, even where
        # rcond drops singular values the value leaves out (linalg_lstsq_backward)
        full = pinv(a) @ rhs
        x = full + (x - full).detach()
    empty = np.zeros((0,), a.dtype)
    residuals: Any = x.reshape(-1)[:0]  # empty, but on the graph (as PyTorch's)
    if driver != "gelsy" and m > n and (rank == n).all():
        residuals = ((a @ x - rhs) ** 2).sum(-2)
        if vector:
            residuals = residuals.squeeze(-1)
    return LstsqResult(x.squeeze(-1) if vector else x, residuals,
                       Tensor._new(rank if driver != "gels" else np.zeros((0,), np.int64)),
                       Tensor._new(s if driver in ("gelsd", "gelss") else empty))


def _eig_parts(A: Any, op: str) -> tuple[Tensor, Tensor]:
    """(eigenvalues, eigenvectors) of A from one ``Eig`` node."""
    a = _tensor(A)
    check_square(a, op)
    check_float(a, op)
    refuse_half(a, "linalg_eig_out_cpu")
    n = a.shape[-1]
    w, v = P.unpack(Eig.apply(a), [(n,), (n, n)])
    return w, v


def eig(A: Any) -> EigResult:
    """(eigenvalues (..., n), eigenvectors (..., n, n), unit columns), both complex, of A
    (..., n, n) (LAPACK's geev, as PyTorch). Differentiable for distinct eigenvalues and a
    loss that does not depend on the eigenvectors' phase (PyTorch's RuntimeError else)."""
    return EigResult(*_eig_parts(A, "linalg.eig"))


def eigvals(A: Any) -> Tensor:
    """The complex eigenvalues (..., n) of A (..., n, n), as ``eig``'s."""
    return _eig_parts(A, "linalg.eigvals")[0]


# -- the _ex forms: failure reported in info (int32, per matrix) ------------------------------
def info_result(op: str, a: Tensor, info: np.ndarray, compute: Any,
                 check_errors: bool) -> Any:
    """compute() when every info is 0; else (check_errors) the op's own error, or a result
    with NaN in the failed matrices and no derivative (PyTorch's values there are
    LAPACK's partial work: not meaningful)."""
    if not info.any():
        return compute(a)
    if check_errors:
        compute(a)  # raises the op's LinAlgError
    ok = info == 0
    good = compute(Tensor._new(np.where(ok[..., None, None], a._data,
                                   np.eye(a.shape[-1], dtype=a.dtype))))._data
    value = np.where(ok.reshape(ok.shape + (1,) * (good.ndim - ok.ndim)), good, np.nan)
    return NoDerivative.apply(a, value=value.astype(good.dtype), error=RuntimeError(
        f"{op}: no derivative where the factorization failed (info > 0)"))


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False) -> CholeskyExResult:
    """(L, info) of ``cholesky``: info (...) int32 is the order of the first leading minor
    that is not positive-definite (then L is NaN there), else 0."""
    a = _tensor(A)
    check_square(a, "linalg.cholesky_ex")
    check_float(a, "linalg.cholesky_ex")
    refuse_half(a, "cholesky_cpu")
    arr = a._data
    info = np.zeros(arr.shape[:-2], np.int32)
    for k in range(arr.shape[-1], 0, -1):  # the smallest failing order wins
        low = np.tril(arr[..., :k, :k])
        sym = low + np.swapaxes(np.tril(low, -1), -1, -2)
        ev = np.linalg.eigvalsh(sym) if k else np.ones(arr.shape[:-2] + (1,))
        info = np.where((ev[..., 0] <= 0) | np.isnan(ev[..., 0]), k, info).astype(np.int32)
    low = info_result("linalg.cholesky_ex", a, info, lambda x: _cholesky(x, upper),
                       check_errors)
    return CholeskyExResult(low, Tensor._new(info))


def inv_ex(A: Any, *, check_errors: bool = False) -> InvExResult:
    """(inverse, info) of ``inv``: info (...) int32 is the first zero pivot of the LU
    factorisation (singular A; then the inverse is NaN there), else 0."""
    a = _tensor(A)
    check_square(a, "linalg.inv_ex")
    check_float(a, "linalg.inv_ex")
    refuse_half(a, message=low_precision("linalg.inv"))
    info = lu_parts(a._data)[2]
    return InvExResult(info_result("linalg.inv_ex", a, info, lambda x: x.inverse(),
                                    check_errors), Tensor._new(info))
