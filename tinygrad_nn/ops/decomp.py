"""Matrix functions and decompositions as primitives: inverse, solve, determinant, Cholesky,
symmetric eigendecomposition and SVD, on batches (..., n, n) of float matrices.

Each is a primitive because LAPACK computes it far more stably (and faster) than any
composite of elementwise ops could. Every backward is written with ``@``, ``*``,
``swapaxes``, slicing and the ``dual`` helpers below, so under ``create_graph`` it records
its own graph (second derivatives). An op returning several matrices (eigh, svd) returns
them packed in one array along the last axis (``pack``); the Tensor methods slice them
apart, so one decomposition serves every output and one backward sees all their gradients.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, dual
from .movement import Concatenate


class LinAlgError(RuntimeError):
    """A matrix the decomposition cannot handle (singular, not positive-definite):
    PyTorch's ``torch.linalg.LinAlgError``, a RuntimeError."""


def mT(x: Any) -> Any:
    """The matrix transpose of the last two axes (arrays and Tensors alike)."""
    return x.swapaxes(-1, -2)


def check_square(a: Any, op: str) -> None:
    """PyTorch's checks of a batch of square float matrices (RuntimeError)."""
    if a.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    check_float(a, op)


def check_float(a: Any, op: str) -> None:
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. "
                           f"Got {a.dtype}")


def _lapack(fn: Any, op: str, *args: Any) -> Any:
    try:
        return fn(*args)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{op}: the input matrix is singular (or, for cholesky, not "
                          "positive-definite), so the factorization could not be completed"
                          ) from None


def _inv(a: np.ndarray) -> np.ndarray:
    return _lapack(np.linalg.inv, "linalg.inv", a)


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _lapack(np.linalg.solve, "linalg.solve", a, b)


class Inv(Function):
    """Y = A^-1 for A (..., n, n); dA = -Y^T g Y^T."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        y = _inv(a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (y,) = ctx.saved_tensors
        yt = mT(y)
        return -(yt @ g @ yt)


class Solve(Function):
    """X = A^-1 B for A (..., n, n) and B (..., n, k) (batch axes broadcast);
    dB = A^-T g, dA = -dB X^T."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        x = _solve(a, b)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, x = ctx.saved_tensors
        gb = solve(mT(a), g)
        return -(gb @ mT(x)), gb


inv = dual(_inv, Inv)


def solve(a: Any, b: Any) -> Any:
    """A^-1 B on arrays, or recorded (``Solve``) when either is a Tensor."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return _solve(a, b)
    return Solve.apply(a, b)


def _cofactor(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix det(A) A^-T, from the SVD so that it is exact for singular A too:
    A = U diag(s) Vh gives det(U) det(Vh) U diag(prod_{j != i} s_j) Vh."""
    u, s, vh = np.linalg.svd(a)
    ones = np.ones(s.shape[:-1] + (1,), s.dtype)
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], -1), -1)  # prod_{j < i} s_j
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], -1), -1)[..., ::-1]  # j > i
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * (u * (before * after)[..., None, :]) @ vh


class Cofactor(Function):
    """C = det(A) A^-T for A (..., n, n) (the gradient of det; defined for singular A);
    dA = (<G, C> C - C G^T C) / det(A), det(A) = sum_j A_0j C_0j (needs invertible A)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        c = _cofactor(a) if a.shape[-1] else np.zeros_like(a)
        ctx.save_for_backward(a, c)
        return c

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, c = ctx.saved_tensors
        d = (a[..., :1, :] * c[..., :1, :]).sum(-1, keepdims=True)  # (..., 1, 1)
        return ((g * c).sum((-2, -1), keepdims=True) * c - c @ mT(g) @ c) / d


cofactor = dual(_cofactor, Cofactor)


class Det(Function):
    """det(A) for A (..., n, n); dA = g cofactor(A) = g det(A) A^-T (also at singular A)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.linalg.det(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g[..., None, None] * cofactor(a)


class LogAbsDet(Function):
    """log |det(A)| for A (..., n, n); dA = g A^-T."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.linalg.slogdet(a)[1]

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g[..., None, None] * mT(inv(a))


def tril(x: Any, k: int = 0) -> Any:
    """The lower triangle (below diagonal k) of the last two axes, as a product with a
    constant mask (so it is the same expression on arrays and Tensors)."""
    return x * np.tri(x.shape[-2], x.shape[-1], k, dtype=x.dtype)


class Cholesky(Function):
    """L with A = L L^T (lower, from A's lower triangle) for symmetric positive-definite
    A (..., n, n); dA = L^-T P L^-1 with P = Phi(L^T g) symmetrised (PyTorch's formula)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        try:
            low = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.cholesky: The factorization could not be completed "
                              "because the input is not positive-definite") from None
        ctx.save_for_backward(low)
        return low

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (low,) = ctx.saved_tensors
        p = tril(mT(low) @ g)
        p = 0.5 * (p + mT(tril(p, -1)))
        z = solve(mT(low), p)  # L^-T P
        return mT(solve(mT(low), mT(z)))  # (L^-T P) L^-1


def pack(batch: tuple[int, ...], *parts: np.ndarray) -> np.ndarray:
    """Arrays of one batch shape (*batch, *) flattened and joined along one last axis."""
    return np.concatenate([p.reshape(batch + (-1,)) for p in parts], axis=-1)


def unpack(x: Any, shapes: list[tuple[int, ...]]) -> list[Any]:
    """The inverse of ``pack`` (arrays and Tensors alike): one piece per shape."""
    batch = tuple(x.shape[:-1])
    out, start = [], 0
    for s in shapes:
        n = math.prod(s)
        out.append(x[..., start:start + n].reshape(batch + s))
        start += n
    return out


def save_packed(ctx: Any, a: np.ndarray, *parts: np.ndarray) -> np.ndarray:
    """The parts of a decomposition of ``a`` packed (the op's output), saved, their
    per-matrix shapes on ``ctx``."""
    ctx.shapes = [p.shape[a.ndim - 2:] for p in parts]
    out = pack(a.shape[:-2], *parts)
    ctx.save_for_backward(out)
    return out


def saved_unpacked(ctx: Any, g: Any) -> tuple[list[Any], list[Any]]:
    """(the saved parts, their gradients), unpacked from the output and from ``g``."""
    (out,) = ctx.saved_tensors
    return unpack(out, ctx.shapes), unpack(g, ctx.shapes)


class Eigh(Function):
    """(w, V) with A = V diag(w) V^T, w ascending, for symmetric A (..., n, n) (its lower
    triangle is read), packed as [w, V]; dA = V (diag(gw) + F o skew(V^T gV)) V^T with
    F_ij = 1 / (w_j - w_i) (distinct eigenvalues)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return save_packed(ctx, a, *_lapack(np.linalg.eigh, "linalg.eigh", a))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (w, v), (gw, gv) = saved_unpacked(ctx, g)
        n = w.shape[-1]
        vtg = mT(v) @ gv
        diff = w[..., None, :] - w[..., :, None]  # w_j - w_i
        inner = 0.5 * (vtg - mT(vtg)) / (diff + _EYE(n, diff)) + gw[..., None, :] * _EYE(n, w)
        return v @ inner @ mT(v)


def _EYE(n: int, like: Any) -> np.ndarray:  # noqa: N802 - a constant identity
    return np.eye(n, dtype=like.dtype)


class Svd(Function):
    """(U, S, Vh) with A = U diag(S) Vh for A (..., m, n), packed as [U, S, Vh]; the
    gradient is PyTorch's svd_backward (distinct nonzero singular values); with
    full_matrices the extra columns of U / rows of Vh get no gradient."""

    @staticmethod
    def forward(ctx: Any, a: Any, full_matrices: bool = False) -> Any:
        return save_packed(ctx, a, *_lapack(np.linalg.svd, "linalg.svd", a, full_matrices))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (u, s, vh), (gu, gs, gvh) = saved_unpacked(ctx, g)
        k = s.shape[-1]
        m, n = u.shape[-2], vh.shape[-1]
        u, gu, vh, gvh = u[..., :, :k], gu[..., :, :k], vh[..., :k, :], gvh[..., :k, :]
        s2 = s * s
        e = s2[..., None, :] - s2[..., :, None] + _EYE(k, s)  # E_jk = S_k^2 - S_j^2
        uhgu = mT(u) @ gu
        uhgu = uhgu - mT(uhgu)
        vhgv = vh @ mT(gvh)
        vhgv = vhgv - mT(vhgv)
        ga = (uhgu * s[..., None, :] + s[..., :, None] * vhgv) / e + gs[..., None, :] * _EYE(k, s)
        if m > k:
            gu_sinv = gu / s[..., None, :]
            ga = (u @ ga + gu_sinv - u @ (mT(u) @ gu_sinv)) @ vh
        elif n > k:
            sinv_gvh = gvh / s[..., :, None]
            ga = u @ (ga @ vh + sinv_gvh - (sinv_gvh @ mT(vh)) @ vh)
        else:
            ga = u @ ga @ vh
        return ga


class Qr(Function):
    """(Q, R) with A = Q R, Q orthonormal columns, R upper triangular, for A (..., m, n),
    packed as [Q, R]. The gradient (m >= n; a wide A splits as [X | Y] with X square):
    dA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q, copyltu(M) = tril(M) + tril(M, -1)^T.
    """

    @staticmethod
    def forward(ctx: Any, a: Any, mode: Any = "reduced") -> Any:
        ctx.mode = mode
        return save_packed(ctx, a, *np.linalg.qr(a, mode=mode))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (q, r), (gq, gr) = saved_unpacked(ctx, g)
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_grad(q, r, gq, gr)
        x_r, gx_r, gy = r[..., :, :m], gr[..., :, :m], gr[..., :, m:]
        y = q @ r[..., :, m:]  # A's columns after the first m
        gx = _qr_grad(q, x_r, gq + y @ mT(gy), gx_r)
        return _concat_cols(gx, q @ gy)


def _qr_grad(q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """dA of A = Q R with R square: (gQ + Q copyltu(M)) R^-T."""
    m_ = r @ mT(gr) - mT(gq) @ q
    b = gq + q @ (tril(m_) + mT(tril(m_, -1)))
    return mT(solve(r, mT(b)))


def _concat(parts: list[Any], axis: int) -> Any:
    """np.concatenate on arrays, or recorded (``Concatenate``) when a part is a Tensor."""
    if all(isinstance(p, np.ndarray) for p in parts):
        return np.concatenate(parts, axis=axis)
    return Concatenate.apply(*parts, axis=axis % parts[0].ndim)


def _concat_cols(a: Any, b: Any) -> Any:
    return _concat([a, b], -1)


# Higham (2005): the degree-13 Pade approximant, exact to double precision for ||A||_1 <= 5.37
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm(a: np.ndarray) -> np.ndarray:
    """exp(A) by scaling and squaring with the Pade-13 approximant (one scaling for the
    whole batch: the largest any matrix needs)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm = np.abs(a).sum(-2).max()
    s = max(0, int(np.ceil(np.log2(norm / _THETA13)))) if norm > _THETA13 else 0
    a = a / 2.0 ** s
    b = _PADE13
    eye = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r


class MatrixExp(Function):
    """exp(A) = sum_k A^k / k! for A (..., n, n); dA = the top-right block of
    exp([[A^T, g], [0, A^T]]) (Mathias' block formula; itself differentiable)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return _expm(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        at, zeros = mT(a), np.zeros(tuple(a.shape), dtype=a.dtype)
        block = _concat([_concat([at, g], -1), _concat([zeros, at], -1)], -2)
        return matrix_exp(block)[..., :n, n:]


matrix_exp = dual(_expm, MatrixExp)


__all__ = ["Cholesky", "Cofactor", "Det", "Eigh", "Inv", "LinAlgError", "LogAbsDet", "MatrixExp",
           "Qr", "Solve", "Svd", "cofactor", "inv", "matrix_exp", "solve"]
