"""``tinygrad_nn.linalg``: PyTorch's ``torch.linalg``.

Norms (vector norms of any order; matrix norms 'fro', 'nuc', 1, -1, 2, -2, inf, -inf),
products (cross, multi_dot, matrix_power) and the matrix functions det, inv, slogdet,
solve, cholesky, eigh / eigvalsh, svd / svdvals and pinv on batches (..., m, n). The
decompositions are the primitives of ``ops/decomp.py``; gradients of any order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import ops as P
from ._linalg_checks import (
    check_square_kernel,
    low_precision,
    refuse_bool,
    refuse_bool_matmul,
    refuse_half,
    refuse_integers,
    same_dtypes,
)
from ._linalg_extra import diagonal, householder_product, tensorinv, tensorsolve, vander
from ._linalg_norms import matrix_norm, norm, vector_norm
from ._linalg_parts import (
    QRResult,
    SlogdetResult,
    linalg_cross,
    qr_parts,
    significant,
    svd_parts,
)
from ._linalg_parts import (
    cholesky as _cholesky,
)
from ._linalg_parts import (
    matrix_power as _matrix_power,
)
from ._linalg_parts import (
    pinv as _pinv,
)
from ._linalg_solvers import (
    CholeskyExResult,
    EigResult,
    InvExResult,
    LstsqResult,
    LUFactorExResult,
    LUFactorResult,
    LUResult,
    cholesky_ex,
    eig,
    eigvals,
    info_result,
    inv_ex,
    lstsq,
    lu,
    lu_factor,
    lu_factor_ex,
    lu_parts,
    lu_solve,
)
from .ops.decomp import LinAlgError, check_float, check_square
from .tensor import Tensor
from .tensor_elementwise import select


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._new(x)


class EighResult(NamedTuple):
    """``(eigenvalues, eigenvectors)`` (PyTorch's ``torch.return_types.linalg_eigh``)."""

    eigenvalues: Any
    eigenvectors: Any


class SvdResult(NamedTuple):
    """``(U, S, Vh)`` (PyTorch's ``torch.return_types.linalg_svd``)."""

    U: Any
    S: Any
    Vh: Any


def qr(A: Any, mode: str = "reduced") -> QRResult:
    """(Q, R) with A = Q R for A (..., m, n): Q (..., m, k) with orthonormal columns and R
    (..., k, n) upper triangular, k = min(m, n) ('reduced'), or Q (..., m, m) and R
    (..., m, n) ('complete'); mode 'r' returns an empty Q and R alone (no gradient).
    Differentiable except for 'complete' with m > n (as in PyTorch)."""
    return qr_parts(_as_tensor(A), mode)


def det(A: Any) -> Tensor:
    """det(A) for A (..., n, n) -> (...)."""
    return _as_tensor(A).det()


def inv(A: Any) -> Tensor:
    """A^-1 for A (..., n, n); a singular A raises ``LinAlgError`` (a RuntimeError)."""
    return _as_tensor(A).inverse()


def slogdet(A: Any) -> SlogdetResult:
    """(sign, log|det A|) for A (..., n, n), a named tuple."""
    return _as_tensor(A).slogdet()


def cholesky(A: Any, *, upper: bool = False) -> Tensor:
    """L with A = L L^T for symmetric positive-definite A (..., n, n), read from its lower
    triangle (upper: L^T)."""
    return _cholesky(_as_tensor(A), upper)


def solve(A: Any, B: Any, *, left: bool = True) -> Tensor:
    """X with A X = B (left) or X A = B; A (..., n, n), B (..., n, k) or a vector (..., n)
    (B is a vector when 1-D, or when its shape is A's without the last axis)."""
    a, b = _as_tensor(A), _as_tensor(B)
    check_square(a, "linalg.solve")
    refuse_half(a, "lu_cpu")
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {a.dtype} and B of type {b.dtype} instead")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector:  # a column, also for left=False (where only a 1x1 A fits it, as PyTorch)
        b = b.unsqueeze(-1)
    n = a.shape[-1]
    if b.shape[-2 if left else -1] != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{eq} ({n}x{n} and {'x'.join(map(str, b.shape[-2:]))})")
    if vector and not left:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not "
                           "supported for left=False. In this case linalg.solve is equivalent "
                           "to B / A.squeeze(-1)")
    x = P.Solve.apply(a, b) if left else P.Solve.apply(a.mT, b.mT).mT
    return x.squeeze(-1) if vector else x


class SolveExResult(NamedTuple):
    """``(result, info)`` (PyTorch's ``torch.return_types.linalg_solve_ex``)."""

    result: Any
    info: Any


def solve_ex(A: Any, B: Any, *, left: bool = True, check_errors: bool = False) -> SolveExResult:
    """(result, info) of ``solve``: info (...) int32 is the first zero pivot of A's LU
    factorisation (singular A; the result is NaN there), else 0."""
    a = _as_tensor(A)
    check_square(a, "linalg.solve_ex")
    check_float(a, "linalg.solve_ex")
    refuse_half(a, "lu_cpu")
    info = lu_parts(a._data)[2]
    return SolveExResult(info_result("linalg.solve_ex", a, info,
                                     lambda x: solve(x, B, left=left), check_errors),
                         Tensor._new(info))


def eigh(A: Any, UPLO: str = "L") -> EighResult:  # noqa: N803 - PyTorch's name
    """(eigenvalues ascending (..., n), eigenvectors (..., n, n) as columns) of symmetric
    A (..., n, n), read from its lower (UPLO='L') or upper triangle. The gradient needs
    distinct eigenvalues (eigenvectors are defined up to sign)."""
    a = _as_tensor(A)
    check_square_kernel(a, "linalg.eigh", "linalg_eigh_cpu")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"linalg.eigh: Expected UPLO argument to be 'L' or 'U', but got "
                           f"{UPLO}")
    if UPLO == "U":
        a = a.mH  # (the upper triangle of a Hermitian A is the conjugate of its lower one)
    n = a.shape[-1]
    w, v = P.unpack(P.Eigh.apply(a), [(n,), (n, n)])
    return EighResult(w.real, v)  # (w, real, is packed in A's dtype)


def eigvalsh(A: Any, UPLO: str = "L") -> Tensor:  # noqa: N803 - PyTorch's name
    """The eigenvalues, ascending, of symmetric A (..., n, n) -> (..., n)."""
    return eigh(A, UPLO).eigenvalues


def _no_driver(driver: Any) -> None:
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")


def svd(A: Any, full_matrices: bool = True, *, driver: Any = None) -> SvdResult:
    """(U, S, Vh) with A = U diag(S) Vh for A (..., m, n); S (..., k) descending,
    k = min(m, n); U (..., m, m) and Vh (..., n, n) with ``full_matrices``, else (..., m, k)
    and (..., k, n). The gradient needs distinct nonzero singular values (the vectors are
    defined up to sign); the extra columns of a full U / Vh get none. ``driver`` is for
    CUDA only (a RuntimeError otherwise, as PyTorch's on the CPU)."""
    _no_driver(driver)
    return SvdResult(*svd_parts(_as_tensor(A), full_matrices))


def svdvals(A: Any, *, driver: Any = None) -> Tensor:
    """The singular values of A (..., m, n), descending -> (..., min(m, n))."""
    _no_driver(driver)
    return svd_parts(_as_tensor(A), False)[1]


def pinv(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The pseudo-inverse A^+ (..., n, m) of A (..., m, n): singular values at most
    max(atol, rtol * max(S)) count as 0 (rtol defaults to eps * max(m, n))."""
    return _pinv(_as_tensor(A), atol=atol, rtol=rtol, hermitian=hermitian)


def matrix_exp(A: Any) -> Tensor:
    """exp(A) = sum_k A^k / k! for square A (..., n, n)."""
    return _as_tensor(A).matrix_exp()


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, atol: Any = None,
                rtol: Any = None) -> Tensor:
    """The number of singular values of A (..., m, n) above max(atol, rtol * max(S)) ->
    (...) int64 (rtol defaults to eps * max(m, n)); no gradient. ``tol`` is PyTorch's older
    spelling of atol (with rtol 0), not to be combined with atol / rtol."""
    if tol is not None:
        if atol is not None or rtol is not None:
            raise TypeError("linalg_matrix_rank() received an invalid combination of "
                            "arguments: tol cannot be given with atol or rtol")
        atol, rtol = tol, 0.0
    a = _as_tensor(A)
    if a.ndim < 2:
        raise RuntimeError(f"linalg.matrix_rank: The input tensor A must have at least 2 "
                           f"dimensions. Got shape {tuple(a.shape)}")
    check_float(a, "linalg.matrix_rank")
    refuse_half(a, message="This function doesn't handle types other than float and double")
    s = np.linalg.svd(a._data, compute_uv=False)
    return Tensor._new(significant(s, a, atol, rtol).sum(-1).astype(np.int64))


def cond(A: Any, p: Any = None) -> Tensor:
    """The condition number of A: S_max / S_min for p = None or 2 (any (..., m, n)), S_min /
    S_max for -2, else ||A||_p ||A^-1||_p for square A ('fro', 'nuc', 1, -1, inf, -inf),
    inf where A is singular."""
    a = _as_tensor(A)
    if a.ndim < 2:
        raise RuntimeError(f"linalg.cond: The input tensor A must have at least 2 dimensions. "
                           f"Got shape {tuple(a.shape)}")
    if not a.numel() and (p is None or p in (2, -2) or a.shape[-1] == a.shape[-2]):
        check_float(a, "linalg.cond")
        return Tensor._new(np.zeros(a.shape[:-2], a.dtype))  # an empty matrix: 0, as PyTorch
    if p is None or p in (2, -2):
        s = svdvals(a)
        big, small = s.amax(-1), s.amin(-1)
        return small / big if p == -2 else big / small
    check_square(a, f"linalg.cond(ord={p})")
    refuse_half(a, message=low_precision("linalg.inv"))
    n = a.shape[-1]
    flat = a._data.reshape(-1, n, n)
    singular = np.array([np.linalg.matrix_rank(m) < n for m in flat]).reshape(a.shape[:-2])
    # singular matrices are swapped for the identity before inverting; their result is inf
    safe = select(singular[..., None, None], np.eye(n, dtype=a.dtype), a)
    r = matrix_norm(safe, p) * matrix_norm(safe.inverse(), p)
    return select(singular, np.array(np.inf, r.dtype), r)  # (r: real, also for complex A)


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Tensor:
    """sum(conj(x) * y) over ``dim`` (x and y broadcast; real tensors: no conjugation)."""
    a, b = _as_tensor(x), _as_tensor(y)
    for t in (a, b):
        check_float(t, "linalg.vecdot")
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found "
                           f"x of type {a.dtype} and y of type {b.dtype} instead")
    return (a.conj() * b).sum(dim)


def matmul(input: Any, other: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """``torch.linalg.matmul``: the matrix product ``input @ other`` (``tinygrad_nn.matmul``)."""
    a = _as_tensor(input)
    if isinstance(other, Tensor) and a.dtype == other.dtype:
        refuse_bool_matmul(a, other)
    return a @ other


def solve_triangular(A: Any, B: Any, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with A X = B (left) or X A = B for triangular A (..., n, n), B (..., n, k): only
    A's upper (``upper``) or lower triangle is read, its diagonal taken as ones with
    ``unitriangular``; batch axes broadcast."""
    a, b = _as_tensor(A), _as_tensor(B)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        check_square(a, "linalg.solve_triangular")
    if b.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 "
                           "dimensions.")
    refuse_integers("triangular_solve_cpu", a)
    if b.dtype != a.dtype:  # B is cast to A's dtype (PyTorch's rule here, unlike solve)
        b = b.astype(a.dtype)
    n = a.shape[-1]
    k = 1 if unitriangular else 0
    mask = np.triu(np.ones((n, n), a.dtype), k) if upper else np.tril(np.ones((n, n), a.dtype),
                                                                       -k)
    tri = a * mask + np.eye(n, dtype=a.dtype) if unitriangular else a * mask
    return solve(tri, b, left=left)


def cross(input: Any, other: Any, *, dim: int = -1) -> Tensor:  # noqa: A002 - PyTorch's name
    """The cross product along ``dim`` (size 3, default the last) of x and y."""
    return linalg_cross(_as_tensor(input), other, dim)


def matrix_power(A: Any, n: int) -> Tensor:
    """A^n for square A (..., k, k); n < 0 uses the inverse, n = 0 gives the identity."""
    return _matrix_power(_as_tensor(A), n)


def multi_dot(tensors: Any) -> Tensor:
    """A_1 @ A_2 @ ... @ A_n; the first may be 1-D (a row), the last 1-D (a column), the
    rest 2-D. Multiplied in the order that needs the fewest scalar products."""
    ts = [_as_tensor(t) for t in tensors]
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    for t, where in ((ts[0], "first"), (ts[-1], "last")):
        if t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got "
                               f"{t.ndim}D")
    for i, t in enumerate(ts[1:-1], 1):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    same_dtypes("multi_dot", *ts)
    refuse_bool("addmm_impl_cpu_", ts[0])
    first_1d, last_1d = ts[0].ndim == 1, ts[-1].ndim == 1
    mats = [ts[0].unsqueeze(0) if first_1d else ts[0], *ts[1:-1],
            ts[-1].unsqueeze(-1) if last_1d else ts[-1]]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(ts[i].shape)} and {list(ts[i + 1].shape)} cannot be "
                               "multiplied")
    out = chain_product(mats)
    if first_1d:
        out = out.squeeze(0)
    return out.squeeze(-1) if last_1d else out


def chain_product(mats: list[Any]) -> Any:
    """The product of 2-D matrices, parenthesised by the classic dynamic programme (the
    cheapest order: (10x100)(100x5)(5x50) costs 7500 products left first, 75000 not)."""
    dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    n = len(mats)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                for k in range(i, j))

    todo: list[tuple[int, int]] = [(0, n - 1)]  # (explicit stack: no recursion)
    order: list[tuple[int, int]] = []
    while todo:
        i, j = todo.pop()
        order.append((i, j))
        if i != j:
            k = split[i][j]
            todo += [(i, k), (k + 1, j)]
    done: dict[tuple[int, int], Any] = {}
    for i, j in reversed(order):  # children before parents
        done[(i, j)] = mats[i] if i == j else done[(i, split[i][j])] @ done[
            (split[i][j] + 1, j)]
    return done[(0, n - 1)]


__all__ = ["CholeskyExResult", "EigResult", "EighResult", "InvExResult", "LUFactorExResult",
           "LUFactorResult", "LUResult", "LinAlgError", "LstsqResult", "QRResult",
           "SolveExResult", "SvdResult", "cholesky", "cholesky_ex", "cond", "cross", "det",
           "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "householder_product", "inv",
           "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul",
           "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
           "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals",
           "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]
