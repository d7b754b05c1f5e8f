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


def mH(x: Any) -> Any:
    """The conjugate transpose of the last two axes (arrays and Tensors alike); the
    transpose of a real x."""
    t = x.swapaxes(-1, -2)
    return t.conj() if x.dtype.kind == "c" else t


def _values(x: Any) -> np.ndarray:
    """The array of an array or a Tensor (a recorded backward's operand), for a check."""
    return x if isinstance(x, np.ndarray) else x._data


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
    # A^-T = conj(U) diag(1/s) conj(Vh) (U, Vh unitary)
    u, vh = (np.conj(u), np.conj(vh)) if a.dtype.kind == "c" else (u, vh)
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
    """log |det(A)| for A (..., n, n); dA = g A^-H (a real result: PyTorch's convention,
    the conjugate of the complex derivative, directly)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.linalg.slogdet(a)[1]

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g[..., None, None] * mH(inv(a))


class SlogdetSign(Function):
    """sign(det A) = det A / |det A| of a complex A (..., n, n) (a real A's is piecewise
    constant: ``slogdet`` links it with a zero gradient). PyTorch's gradient, written for the
    gradient as the engine holds it (no conjugation around it): dA = i Im(conj(s) g) A^-H."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        sign = np.linalg.slogdet(a)[0]
        ctx.save_for_backward(a, sign)
        return sign

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, sign = ctx.saved_tensors
        turn = (sign.conj() * g).imag * 1j  # (i Im(...): a rotation of the sign's phase)
        return turn[..., None, None] * mH(inv(a))


def tril(x: Any, k: int = 0) -> Any:
    """The lower triangle (below diagonal k) of the last two axes, as a product with a
    constant mask (so it is the same expression on arrays and Tensors)."""
    return x * np.tri(x.shape[-2], x.shape[-1], k, dtype=x.dtype)


class Cholesky(Function):
    """L with A = L L^H (lower, from A's lower triangle) for Hermitian positive-definite
    A (..., n, n); dA = L^-H P L^-1 with P = Phi(L^H g) made Hermitian (PyTorch's
    cholesky_backward, written in its complex convention)."""

    conj_backward = False

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
        p = tril(mH(low) @ g)
        p = 0.5 * (p + mH(tril(p, -1)))
        z = solve(mH(low), p)  # L^-H P
        return mH(solve(mH(low), mH(z)))  # (L^-H P) L^-1


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


_EIG_PHASE = ("{op}: The eigenvectors in the complex case are specified up to "
              "multiplication by e^{{i phi}}. The specified loss function depends on this "
              "quantity, so it is ill-defined.")
_SVD_PHASE = ("svd_backward: The singular vectors in the complex case are specified up to "
              "multiplication by e^{i phi}. The specified loss function depends on this phase "
              "term, making it ill-defined.")


def _check_phase(imag_diag: np.ndarray, message: str) -> None:
    """PyTorch's check that a loss of complex eigen- / singular vectors does not depend on
    their phase (the imaginary diagonal of V^H gV near 0, at its tolerance 1e-2)."""
    if not np.allclose(imag_diag, 0.0, rtol=1e-2, atol=1e-2):
        raise RuntimeError(message)


class Eigh(Function):
    """(w, V) with A = V diag(w) V^H, w ascending, for Hermitian A (..., n, n) (its lower
    triangle is read), packed as [w, V] (w stored in A's dtype); dA = V (diag(gw) +
    F o skew(V^H gV)) V^H with F_ij = 1 / (w_j - w_i) (distinct eigenvalues): PyTorch's
    linalg_eig_backward, in its complex convention (a loss depending on the eigenvectors'
    phase raises, as PyTorch's)."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return save_packed(ctx, a, *_lapack(np.linalg.eigh, "linalg.eigh", a))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (w, v), (gw, gv) = saved_unpacked(ctx, g)
        n = w.shape[-1]
        vtg = mH(v) @ gv
        eye = _EYE(n, w)
        if v.dtype.kind == "c":
            _check_phase(np.diagonal(_values(vtg), 0, -2, -1).imag,
                         _EIG_PHASE.format(op="linalg_eigh_backward"))
            w, gw = w.real, gw.real  # (real values stored complex; their real gradient)
        diff = w[..., None, :] - w[..., :, None]  # w_j - w_i
        skew = 0.5 * (vtg - mH(vtg)) * (1 - eye)
        inner = skew / (diff + _EYE(n, diff)) + gw[..., None, :] * eye
        return v @ inner @ mH(v)


class Eig(Function):
    """(w, V) with A V = V diag(w), V's columns of norm 1, for A (..., n, n) (LAPACK's
    geev), packed as [w, V] in the complex dtype of A's precision. The gradient is PyTorch's
    linalg_eig_backward in its complex convention: dA = V^-H (diag(gw) + (V^H gV -
    V^H V Re(diag(V^H gV))) / conj(w_j - w_i)) V^H (distinct eigenvalues; a loss depending
    on the eigenvectors' phase raises, as PyTorch's); a real A gets the real part."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        w, v = _lapack(np.linalg.eig, "linalg.eig", a)
        ctype = np.result_type(a.dtype, np.complex64)
        ctx.real_input = a.dtype.kind != "c"
        return save_packed(ctx, a, w.astype(ctype), v.astype(ctype))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (w, v), (gw, gv) = saved_unpacked(ctx, g)
        n = w.shape[-1]
        eye = _EYE(n, w)
        vhgv = mH(v) @ gv
        _check_phase(np.diagonal(_values(vhgv), 0, -2, -1).imag,
                     _EIG_PHASE.format(op="linalg_eig_backward"))
        re_diag = (vhgv * eye).sum(-2, keepdims=True).real  # (..., 1, n)
        vhgv = vhgv - mH(v) @ (v * re_diag)
        wc = w.conj()
        econj = wc[..., None, :] - wc[..., :, None] + eye  # conj(w_j - w_i), 1 on the diagonal
        ga = vhgv / econj * (1 - eye) + gw[..., None, :] * eye
        ga = solve(mH(v), ga @ mH(v))
        return ga.real if ctx.real_input else ga


def _EYE(n: int, like: Any) -> np.ndarray:  # noqa: N802 - a constant identity
    return np.eye(n, dtype=like.dtype)


class Svd(Function):
    """(U, S, Vh) with A = U diag(S) Vh for A (..., m, n), packed as [U, S, Vh]; the
    gradient is PyTorch's svd_backward in its complex convention (distinct nonzero singular
    values; a loss depending on the singular vectors' phase raises, as PyTorch's); with
    full_matrices the extra columns of U / rows of Vh get no gradient. S is stored in A's
    dtype (the front ends take its real part)."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, a: Any, full_matrices: bool = False) -> Any:
        return save_packed(ctx, a, *_lapack(np.linalg.svd, "linalg.svd", a, full_matrices))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (u, s, vh), (gu, gs, gvh) = saved_unpacked(ctx, g)
        k = s.shape[-1]
        m, n = u.shape[-2], vh.shape[-1]
        u, gu, vh, gvh = u[..., :, :k], gu[..., :, :k], vh[..., :k, :], gvh[..., :k, :]
        cplx = u.dtype.kind == "c"
        if cplx:
            s, gs = s.real, gs.real  # (real values stored complex; their real gradient)
        s2 = s * s
        e = s2[..., None, :] - s2[..., :, None] + _EYE(k, s)  # E_jk = S_k^2 - S_j^2
        uhgu = mH(u) @ gu
        uhgu = uhgu - mH(uhgu)
        vhgv = vh @ mH(gvh)
        vhgv = vhgv - mH(vhgv)
        ga = (uhgu * s[..., None, :] + s[..., :, None] * vhgv) / e + gs[..., None, :] * _EYE(k, s)
        if cplx:
            du = np.diagonal(_values(uhgu), 0, -2, -1).imag
            dv = np.diagonal(_values(vhgv), 0, -2, -1).imag
            if not np.allclose(du, -dv, rtol=1e-2, atol=1e-2):
                raise RuntimeError(_SVD_PHASE)
            # the phase term: diag(U^H gU - gU^H U) / (2 S) on the diagonal
            ga = ga + uhgu * _EYE(k, u) / (2 * s[..., None, :])
        if m > k:
            gu_sinv = gu / s[..., None, :]
            ga = (u @ ga + gu_sinv - u @ (mH(u) @ gu_sinv)) @ vh
        elif n > k:
            sinv_gvh = gvh / s[..., :, None]
            ga = u @ (ga @ vh + sinv_gvh - (sinv_gvh @ mH(vh)) @ vh)
        else:
            ga = u @ ga @ vh
        return ga


class Qr(Function):
    """(Q, R) with A = Q R, Q orthonormal columns, R upper triangular, for A (..., m, n),
    packed as [Q, R]. The gradient (m >= n; a wide A splits as [X | Y] with X square):
    dA = (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q, copyltu(M) = tril(M, -1) +
    tril(M, -1)^H + Re(diag(M)) (R's diagonal is real): PyTorch's linalg_qr_backward, in its
    complex convention.
    """

    conj_backward = False

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
        gx = _qr_grad(q, x_r, gq + y @ mH(gy), gx_r)
        return _concat_cols(gx, q @ gy)


def _qr_grad(q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """dA of A = Q R with R square: (gQ + Q copyltu(M)) R^-H."""
    m_ = r @ mH(gr) - mH(gq) @ q
    low = tril(m_, -1)
    diag = m_ * _EYE(m_.shape[-1], m_)
    b = gq + q @ (low + mH(low) + (diag.real if m_.dtype.kind == "c" else diag))
    return mH(solve(r, mH(b)))


class Pinv(Function):
    """The pseudo-inverse P = A^+ (..., n, m) of A (..., m, n), its ``value`` computed by the
    caller (the truncated SVD). The gradient is PyTorch's pinv_backward: the derivative of
    the Moore-Penrose formula at P (so also where the tolerance dropped nonzero singular
    values), in its complex convention."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, a: Any, value: Any) -> Any:
        ctx.save_for_backward(a, value)
        return value

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, p = ctx.saved_tensors
        ph, gh = mH(p), mH(g)
        if a.shape[-2] <= a.shape[-1]:
            k = gh @ p
            kph = k @ ph
            return -mH(p @ k) + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a)
        k = p @ gh
        phk = ph @ k
        return -mH(k @ p) + (gh - a @ k) @ p @ ph + phk - phk @ p @ a


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


__all__ = ["Cholesky", "Cofactor", "Det", "Eig", "Eigh", "Inv", "LinAlgError", "LogAbsDet",
           "MatrixExp", "Pinv", "Qr", "Solve", "Svd", "cofactor", "inv", "matrix_exp", "solve"]
