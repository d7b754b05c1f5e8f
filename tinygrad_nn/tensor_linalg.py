"""Products and matrix functions of Tensor (a mixin): dot, mv, inner, cross, kron, the
``add*`` products, matrix_power, det / inverse / slogdet / logdet / cholesky / pinverse, and
the legacy svd / qr; through ``TensorLinalgLegacy``, lu, lu_solve, geqrf, orgqr, ormqr.

The products are composites of ``@``, ``*`` and sums (rule 6), so their gradients of any
order come from ``MatMul`` and the elementwise ops; the matrix functions call the
primitives of ``ops/decomp.py``. Argument checks and error classes follow PyTorch 2.x
(the shared pieces live in ``_linalg_parts``).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from . import ops as P
from ._linalg_checks import (
    check_b_a,
    check_square_kernel,
    dtype_name,
    is_half,
    low_precision,
    refuse_bool,
    refuse_half,
    refuse_integers,
    same_dtypes,
)
from ._linalg_parts import (
    QRResult,
    SlogdetResult,
    SvdLegacyResult,
    TriangularSolveResult,
    as_operand,
    check_bmm,
    cholesky,
    cross_along,
    factor_of,
    matrix_norm_of,
    matrix_power,
    outer_sum,
    pinv,
    qr_parts,
    scaled_sum,
    svd_parts,
    tensordot,
    triangle,
)
from ._warn import user_stacklevel
from .function import TensorBase
from .ops import complex as C
from .ops.decomp import check_square
from .tensor_elementwise import need_tensor, select
from .tensor_linalg_legacy import TensorLinalgLegacy

if TYPE_CHECKING:
    from .tensor import Tensor


# PyTorch's linear-algebra functions removed in 1.9 (still defined, they raise RuntimeError
# naming their ``linalg`` replacement): PyTorch's message, as why it changed and how to move
_REMOVED = {
    "solve": (" `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
              "`torch.linalg.solve` has its arguments reversed and does not return the LU "
              "factorization.", "To get the LU factorization see `torch.lu`, which can be "
              "used with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, "
              "A).solution should be replaced with:\nX = torch.linalg.solve(A, B)"),
    "lstsq": (" `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
              "`torch.linalg.lstsq` has reversed arguments and does not return the QR "
              "decomposition in the returned tuple (although it returns other information "
              "about the problem).", "To get the QR decomposition consider using "
              "`torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` stored the "
              "residuals of the solution in the last m - n columns of the returned value "
              "whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
              "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as "
              "in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\n"
              "X = torch.linalg.lstsq(A, B).solution"),
    "eig": (" `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather "
            "than real tensors mimicking complex tensors.", "L, _ = torch.eig(A) should be "
            "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = "
            "torch.eig(A, eigenvectors=True) should be replaced with:\nL_complex, V_complex "
            "= torch.linalg.eig(A)"),
    "symeig": (" The default behavior has changed from using the upper triangular portion of "
               "the matrix by default to using the lower triangular portion.", "L, _ = "
               "torch.symeig(A, upper=upper) should be replaced with:\nL = "
               "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
               "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
               "torch.linalg.eigh(A, UPLO='U' if upper else 'L')"),
    "matrix_rank": ("\nPlease use the `torch.linalg.matrix_rank` function instead. The "
                    "parameter 'symmetric' was renamed in `torch.linalg.matrix_rank()` to "
                    "'hermitian'.", ""),
}


def removed_linalg(name: str) -> str:
    """PyTorch's RuntimeError message for the removed function ``name``."""
    why, how = _REMOVED[name]
    return ("This function was deprecated since version 1.9 and is now removed." + why
            + ("\n\n" + how if how else ""))


class TensorLinalg(TensorLinalgLegacy):
    """Products and matrix functions of every Tensor (ops/decomp.py; a mixin), with the
    pre-``torch.linalg`` factorisations of ``TensorLinalgLegacy`` (tensor_linalg_legacy.py)."""

    __slots__ = ()
    if TYPE_CHECKING:  # provided by TensorInPlace

        def _inplace(self, name: str, compute: Any, *others: Any) -> Any: ...

    # -- statistics of variables (rows) over observations (columns) -------------------
    def cov(self, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Tensor:
        """Covariance matrix of the rows of a 2-D x (variables) over its columns
        (observations); a 1-D x is one variable (a 0-d result). ``fweights`` (integer
        counts) and ``aweights`` (importance) weigh the observations, as PyTorch's cov."""
        if self.ndim > 2:
            raise RuntimeError("cov(): expected input to have two or fewer dimensions but got "
                               f"an input with {self.ndim} dimensions")
        x: Any = self.reshape(1, -1) if self.ndim < 2 else self  # type: ignore[attr-defined]
        if x.dtype.kind not in "fc":
            x = x.astype(np.float32)
        n = x.shape[1]
        w: Any = None
        for name, wt in (("fweights", fweights), ("aweights", aweights)):
            if wt is None:
                continue
            a = np.asarray(wt._data if isinstance(wt, TensorBase) else wt)
            if a.ndim > 1:
                raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions "
                                   f"but got {name} with {a.ndim} dimensions")
            if a.size != n:
                raise RuntimeError(f"cov(): expected {name} to have the same numel as there "
                                   f"are observations in the input but got {a.size} != {n}")
            if name == "fweights" and a.dtype.kind not in "iu":
                raise RuntimeError("cov(): expected fweights to have integral dtype but got "
                                   f"fweights with {a.dtype} dtype")
            if (a < 0).any():
                raise RuntimeError(f"cov(): {name} cannot be negative")
            w = a if w is None else w * a
        if w is None:
            avg = x.mean(1, keepdim=True)
            norm = float(n - correction)
            xw = x - avg
        else:
            w = w.astype(x.dtype)
            w_sum = float(w.sum())
            avg = (x * w).sum(1, keepdim=True) / w_sum
            norm = w_sum - (correction if aweights is None else correction * float(
                (w * np.asarray(aweights._data if isinstance(aweights, TensorBase)
                                else aweights)).sum()) / w_sum)
            xw = (x - avg) * w
        if norm <= 0:
            warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly "
                          "less than the number of observations.", UserWarning,
                          stacklevel=user_stacklevel())
            norm = 0.0
        xh = xw.T.conj() if xw.is_complex() else xw.T  # (PyTorch's (x w)^H: conjugated)
        c = ((x - avg) @ xh) / norm if norm else ((x - avg) @ xh) * np.nan
        return c.reshape(()) if self.ndim < 2 else c  # type: ignore[no-any-return]

    def corrcoef(self) -> Tensor:
        """Pearson correlation coefficients of the rows of x (``cov`` normalised by the
        standard deviations, clipped to [-1, 1])."""
        c = self.cov()
        if c.ndim == 0:
            return c / c  # type: ignore[no-any-return]
        d = c.diagonal()  # type: ignore[attr-defined]
        sd = (d.real if d.is_complex() else d).sqrt()  # (PyTorch's: the real variances)
        c = c / sd.reshape(-1, 1) / sd.reshape(1, -1)
        if c.is_complex():  # each part clipped to [-1, 1], as PyTorch's
            return C.Complex.apply(c.real.clamp(-1, 1), c.imag.clamp(-1, 1))  # type: ignore[no-any-return]
        return c.clamp(-1, 1)  # type: ignore[no-any-return]

    # -- products ---------------------------------------------------------------------
    def dot(self, tensor: Any) -> Tensor:
        """sum_i x_i y_i of two 1-D tensors of one size and dtype -> 0-d."""
        need_tensor("dot", "tensor", tensor)
        y = as_operand(self, tensor)
        if self.ndim != 1 or y.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {y.ndim}D "
                               "tensors")
        if self.dtype != y.dtype:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                               f"{dtype_name(self.dtype)} and {dtype_name(y.dtype)}")
        if self._data.shape != y.shape:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{self._data.shape[0]}] "
                               f"and src [{y.shape[0]}] to have the same number of elements")
        if self.dtype == np.bool_:
            raise NotImplementedError('"dot" not implemented for \'Bool\'')
        return self @ y

    def vdot(self, other: Any) -> Tensor:
        """sum_i conj(x_i) y_i of two 1-D tensors (real tensors: ``dot``) -> 0-d."""
        need_tensor("vdot", "other", other)
        return (self.conj() if self.dtype.kind == "c" else self).dot(other)  # type: ignore[attr-defined, no-any-return]

    def mv(self, vec: Any) -> Tensor:
        """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
        need_tensor("mv", "vec", vec)
        v = as_operand(self, vec)
        if self.ndim != 2 or v.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self.ndim}, "
                               f"{v.ndim}")
        if self._data.shape[1] != v.shape[0]:
            raise RuntimeError(f"size mismatch, got mat "
                               f"({self._data.shape[0]}x{self._data.shape[1]}), "
                               f"vec ({v.shape[0]})")
        same_dtypes("mv", self, v)
        refuse_bool("addmv_impl_cpu", self)
        return self @ v

    def inner(self, other: Any) -> Tensor:
        """sum over the last axis of x and y: (*a, k), (*b, k) -> (*a, *b) (a 0-d operand
        multiplies)."""
        need_tensor("inner", "other", other)
        y = as_operand(self, other)
        if self.ndim == 0 or y.ndim == 0:
            return self * y
        if self._data.shape[-1] != y.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors "
                               f"but got shapes {list(self._data.shape)} and {list(y.shape)}")
        if self.dtype != y.dtype:
            raise RuntimeError(f"inner: both inputs should have same dtype, got "
                               f"{dtype_name(self.dtype)} and {dtype_name(y.dtype)}")
        refuse_bool("addmm_impl_cpu_", self)
        return tensordot(self, y, ([-1], [-1]))

    def cross(self, other: Any, dim: int | None = None) -> Tensor:
        """The cross product along ``dim`` (size 3) of x and y (broadcast, same ndim).

        ``dim=None`` is PyTorch's deprecated default: the first axis of size 3 (with a
        UserWarning); ``linalg.cross`` defaults to the last axis."""
        need_tensor("cross", "other", other)
        y = as_operand(self, other)
        if dim is None:
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated. "
                          "Please either pass the dim explicitly or simply use "
                          "torch.linalg.cross.", UserWarning, stacklevel=user_stacklevel())
            shape = np.broadcast_shapes(self._data.shape, y.shape) if self.ndim == y.ndim else ()
            dim = next((i for i, s in enumerate(shape) if s == 3), None)
            if dim is None:
                raise RuntimeError("no dimension of size 3 in input")
        return cross_along(self, y, dim)

    def kron(self, other: Any) -> Tensor:
        """Kronecker product: out[i*B + j] = x[i] y[j] on every axis; (a,) x (b,) -> (a*b,),
        the shorter shape padded with leading 1s."""
        need_tensor("kron", "other", other)
        x: Any = self
        y = as_operand(self, other)
        nd = max(x.ndim, y.ndim)
        sa = (1,) * (nd - self.ndim) + tuple(self._data.shape)
        sb = (1,) * (nd - y.ndim) + tuple(y.shape)
        xa = x.reshape(tuple(v for s in sa for v in (s, 1)))
        yb = y.reshape(tuple(v for s in sb for v in (1, s)))
        return (xa * yb).reshape(tuple(p * q for p, q in zip(sa, sb)))

    def addmv(self, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * x + alpha * (mat @ vec); mat (n, m), vec (m,), x broadcast to (n,)."""
        m, v = as_operand(self, mat), as_operand(self, vec)
        if m.ndim != 2 or v.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self.ndim}, {m.ndim}, "
                               f"{v.ndim}")
        if m.shape[1] != v.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({self._data.shape}), mat "
                               f"({m.shape[0]}x{m.shape[1]}), vec ({v.shape[0]})")
        same_dtypes("addmv", self, m, v)
        refuse_bool("addmv_impl_cpu", self)
        return scaled_sum("addmv", self, m @ v, beta, alpha)

    def addr(self, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * x + alpha * outer(vec1, vec2); vec1 (n,), vec2 (m,), x broadcast to (n, m);
        the dtypes promote (unlike the other products), as PyTorch's."""
        v1, v2 = as_operand(self, vec1), as_operand(self, vec2)
        for name, v in (("vec1", v1), ("vec2", v2)):
            if v.ndim != 1:
                raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
        return outer_sum("addr", self, v1, v2, beta, alpha)

    def baddbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * x + alpha * (batch1 @ batch2); (b, n, k) @ (b, k, m), x broadcast to
        (b, n, m)."""
        b1, b2 = as_operand(self, batch1), as_operand(self, batch2)
        check_bmm("baddbmm", b1, b2)
        same_dtypes("baddbmm", self, b1, b2)
        refuse_bool("baddbmm", self)
        return scaled_sum("baddbmm", self, b1 @ b2, beta, alpha)

    def addbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * x + alpha * sum_b batch1[b] @ batch2[b]; (b, n, k), (b, k, m), x broadcast
        to (n, m)."""
        b1, b2 = as_operand(self, batch1), as_operand(self, batch2)
        check_bmm("addbmm", b1, b2)
        same_dtypes("addbmm", self, b1, b2)
        refuse_bool("addmm_impl_cpu_", self)
        prod = tensordot(b1.permute(1, 0, 2), b2, ([1, 2], [0, 1]))  # one (n, b*k) @ (b*k, m)
        return scaled_sum("addbmm", self, prod, beta, alpha)

    # -- in place: x = beta * x + alpha * product (the result must keep x's shape) ------
    def _product_(self, name: str, a: Any, b: Any, beta: Any, alpha: Any) -> Any:
        return self._inplace(name, lambda x: getattr(x, name[:-1])(a, b, beta=beta, alpha=alpha),
                             a, b)

    def addmm_(self, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Self:
        """x = beta * x + alpha * (mat1 @ mat2), in place; x (n, m)."""
        return self._product_("addmm_", mat1, mat2, beta, alpha)  # type: ignore[no-any-return]

    def addmv_(self, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Self:
        """x = beta * x + alpha * (mat @ vec), in place; x (n,)."""
        return self._product_("addmv_", mat, vec, beta, alpha)  # type: ignore[no-any-return]

    def addr_(self, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Self:
        """x = beta * x + alpha * outer(vec1, vec2), in place; x (n, m)."""
        return self._product_("addr_", vec1, vec2, beta, alpha)  # type: ignore[no-any-return]

    def baddbmm_(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Self:
        """x = beta * x + alpha * (batch1 @ batch2), in place; x (b, n, m)."""
        return self._product_("baddbmm_", batch1, batch2, beta, alpha)  # type: ignore[no-any-return]

    def addbmm_(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Self:
        """x = beta * x + alpha * sum_b batch1[b] @ batch2[b], in place; x (n, m)."""
        return self._product_("addbmm_", batch1, batch2, beta, alpha)  # type: ignore[no-any-return]

    def matrix_power(self, n: int) -> Tensor:
        """A^n for square matrices (..., k, k); n = 0 gives the identity, n < 0 the power of
        the inverse."""
        return matrix_power(self, n, "linalg.matrix_power")

    # -- matrix functions -------------------------------------------------------------
    def det(self) -> Tensor:
        """det(A) for A (..., n, n) -> (...). The gradient is the cofactor matrix, also at a
        singular A (where PyTorch 2.13 returns zeros, pytorch/pytorch#104675)."""
        check_square(self, "linalg.det")
        refuse_half(self, "lu_cpu")
        return P.Det.apply(self)

    def inverse(self) -> Tensor:
        """A^-1 for A (..., n, n); a singular A raises ``linalg.LinAlgError``."""
        check_square(self, "linalg.inv")
        refuse_half(self, message=low_precision("linalg.inv"))
        return P.Inv.apply(self)

    def slogdet(self) -> SlogdetResult:
        """(sign, log|det A|) for A (..., n, n): a named tuple; singular A gives (0, -inf).
        A real A's sign is on the graph (it requires grad, as PyTorch's) with a zero gradient;
        a complex A's has PyTorch's gradient (``ops.SlogdetSign``)."""
        check_square(self, "linalg.slogdet")
        refuse_half(self, message=low_precision("linalg.slogdet"))
        if self._data.dtype.kind == "c":  # (a complex sign moves with A: its own node)
            return SlogdetResult(P.SlogdetSign.apply(self), P.LogAbsDet.apply(self))
        sign = np.asarray(np.linalg.slogdet(self._data)[0], dtype=self.dtype)
        if self.requires_grad:  # (a zero-gradient link to A: the sign is piecewise constant)
            link = self.sum((-2, -1))  # type: ignore[attr-defined]
            signs = select(np.ones(sign.shape, bool), sign, link)
        else:
            signs = self._new(sign)
        return SlogdetResult(signs, P.LogAbsDet.apply(self))

    def logdet(self) -> Tensor:
        """log det(A) for A (..., n, n): NaN where det < 0, -inf where det = 0."""
        refuse_half(self, message=low_precision("logdet"))
        sign, logabs = self.slogdet()
        return select(sign._data < 0, np.array(np.nan, dtype=self.dtype), logabs)

    def cholesky(self, upper: bool = False) -> Tensor:
        """L with A = L L^T (lower; ``upper``: U = L^T with A = U^T U) for symmetric
        positive-definite A (..., n, n), read from its lower triangle."""
        warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will "
                      "be removed in a future PyTorch release.", UserWarning,
                      stacklevel=user_stacklevel())
        refuse_integers("cholesky_cpu", self)
        return cholesky(self, upper)

    def cholesky_solve(self, input2: Any, upper: bool = False) -> Tensor:
        """X with A X = B for B = x (..., n, k) and A = L L^H given by its Cholesky factor
        L = input2 (..., n, n) (``upper``: A = U^H U); only that triangle of input2 is read;
        batch axes broadcast."""
        need_tensor("cholesky_solve", "input2", input2)
        f = as_operand(self, input2)
        if self.ndim < 2:
            raise RuntimeError(f"b should have at least 2 dimensions, but has {self.ndim} "
                               "dimensions instead")
        check_square_kernel(f, "cholesky_solve", "cholesky_solve_cpu")
        check_b_a("cholesky_solve", self, f)
        low = factor_of(f, upper)
        # (A = L L^H: the conjugate transpose, which is L^T for a real L)
        return P.Solve.apply(low.mH, P.Solve.apply(low, self))  # type: ignore[no-any-return]

    def cholesky_inverse(self, upper: bool = False) -> Tensor:
        """A^-1 for A = L L^H given by its Cholesky factor L = x (..., n, n) (``upper``:
        A = U^H U); only that triangle of x is read."""
        check_square_kernel(self, "cholesky_inverse", "cholesky_inverse_out_cpu")
        eye = self._new(np.eye(self._data.shape[-1], dtype=self.dtype))
        return eye.cholesky_solve(self, upper)  # type: ignore[attr-defined, no-any-return]

    def triangular_solve(self, A: Any, upper: bool = True, transpose: bool = False,  # noqa: N803
                         unitriangular: bool = False) -> TriangularSolveResult:
        """(X, a copy of A) with op(A) X = B for B = x (..., n, k) and triangular A (..., n, n)
        (op: A^T with ``transpose``), batch axes broadcast; only A's upper (``upper``) or
        lower triangle is read, its diagonal taken as ones with ``unitriangular``.
        Deprecated in PyTorch (a UserWarning): use ``linalg.solve_triangular``."""
        warnings.warn("torch.triangular_solve is deprecated in favor of "
                      "torch.linalg.solve_triangular and will be removed in a future PyTorch "
                      "release.", UserWarning, stacklevel=user_stacklevel())
        need_tensor("triangular_solve", "A", A)
        a = as_operand(self, A)
        if self.ndim < 2:
            raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 "
                               f"dimensions, but it has {self.ndim} dimensions instead")
        check_square_kernel(a, "torch.triangular_solve", "triangular_solve_cpu")
        check_b_a("triangular_solve", self, a)
        tri = triangle(a, upper, unitriangular)
        x = P.Solve.apply(tri.mT if transpose else tri, self)
        batch = tuple(x.shape[:-2]) + tuple(a.shape[-2:])
        return TriangularSolveResult(x, a.expand(*batch).clone())

    def matrix_exp(self) -> Tensor:
        """exp(A) = sum_k A^k / k! for square A (..., n, n) (scaling and squaring with a
        degree-13 Pade approximant; float16 is computed in float32, as PyTorch)."""
        check_square(self, "linalg.matrix_exp")
        if is_half(self):
            return P.MatrixExp.apply(self.astype(np.float32)).astype(self.dtype)  # type: ignore[attr-defined, no-any-return]
        return P.MatrixExp.apply(self)

    def svd(self, some: bool = True, compute_uv: bool = True) -> SvdLegacyResult:
        """The legacy SVD: (U, S, V) with A = U diag(S) V^T (V, not Vh); ``some``: the reduced
        U (..., m, k) and V (..., n, k); ``compute_uv=False``: U and V are zero-filled
        (..., m, m) and (..., n, n) and only S is computed. Use ``linalg.svd``."""
        u, s, vh = svd_parts(self, not some)
        if not compute_uv:
            m, n = self._data.shape[-2:]
            zeros = np.zeros(self._data.shape[:-2] + (m, m), self.dtype)
            return SvdLegacyResult(self._new(zeros), s, self._new(np.zeros(
                self._data.shape[:-2] + (n, n), self.dtype)))
        return SvdLegacyResult(u, s, vh.swapaxes(-1, -2))

    def qr(self, some: bool = True) -> QRResult:
        """The legacy QR: ``linalg.qr(A, 'reduced' if some else 'complete')``, with PyTorch's
        deprecation UserWarning."""
        warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed "
                      "in a future PyTorch release.", UserWarning, stacklevel=user_stacklevel())
        return qr_parts(self, "reduced" if some else "complete")

    def _matrix_norm(self, ord: Any, dim: Any, keepdim: bool) -> Tensor:
        """A matrix norm over ``dim`` (None: all dims, which must be two); ``norm(p='nuc')``
        comes here, where the SVD is."""
        return matrix_norm_of(self, ord, range(self.ndim) if dim is None else dim,  # type: ignore[no-any-return]
                              keepdim)

    def pinverse(self, rcond: float = 1e-15) -> Tensor:
        """The Moore-Penrose pseudo-inverse A^+ (..., n, m) of A (..., m, n), from the SVD:
        singular values at most rcond * max(S) are treated as 0."""
        return pinv(self, rtol=rcond)

    # -- removed in PyTorch 1.9: each raises PyTorch's RuntimeError naming the replacement --
    def solve(self, A: Any) -> Any:  # noqa: N803 - PyTorch's name
        """Removed from PyTorch: raises RuntimeError (use ``linalg.solve(A, B)``)."""
        raise RuntimeError(removed_linalg("solve"))

    def lstsq(self, A: Any) -> Any:  # noqa: N803 - PyTorch's name
        """Removed from PyTorch: raises RuntimeError (use ``linalg.lstsq(A, B)``)."""
        raise RuntimeError(removed_linalg("lstsq"))

    def eig(self, eigenvectors: bool = False) -> Any:
        """Removed from PyTorch: raises RuntimeError (use ``linalg.eig`` / ``eigvals``)."""
        raise RuntimeError(removed_linalg("eig"))

    def symeig(self, eigenvectors: bool = False, upper: bool = True) -> Any:
        """Removed from PyTorch: raises RuntimeError (use ``linalg.eigh`` / ``eigvalsh``)."""
        raise RuntimeError(removed_linalg("symeig"))
