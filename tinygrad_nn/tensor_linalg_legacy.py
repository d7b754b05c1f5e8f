"""The pre-``torch.linalg`` factorisations as Tensor methods (a mixin): ``lu``,
``lu_solve``, ``geqrf``, ``orgqr`` and ``ormqr``; ``_linalg_legacy`` gives them their
``torch.*`` function forms by calling these.

Built only from ``ops`` (``LuFactor``, ``Solve``, ``NoDerivative``) and other Tensor methods,
never from the ``linalg`` modules: those import ``Tensor``, and a method reaching them would
make an import cycle (STYLE.md: none, not even through a lazy import).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import ops as P
from ._linalg_checks import dtype_name, refuse_half, refuse_integers
from ._linalg_parts import as_operand
from ._warn import user_stacklevel
from .ops.decomp import check_square
from .ops.lu import LuFactor, np_lu_factor, permutation, unpack_lu
from .tensor_base import TensorMixin
from .tensor_elementwise import need_tensor, select

if TYPE_CHECKING:
    from .tensor import Tensor


class GeqrfResult(NamedTuple):
    """``(a, tau)`` (PyTorch's ``torch.return_types.geqrf``)."""

    a: Any
    tau: Any


def _pivots(piv: Any, op: str) -> np.ndarray:
    """LAPACK's int32 pivots as an array (PyTorch refuses any other dtype)."""
    p = np.asarray(piv._data if hasattr(piv, "_data") else piv)
    if p.dtype != np.int32:
        raise RuntimeError(f"{op}: pivots should be a Tensor of scalar type torch.int32, got "
                           f"{dtype_name(p.dtype)}")
    return p


def _adjoint(x: Any) -> Any:
    """x^H (x^T for a real x): the reflectors' I - tau v v^H."""
    return x.mT.conj() if x.dtype.kind == "c" else x.mT


def _reflect(v: Any, tau: Any, c: Any, left: bool, forward: bool, conj: bool) -> Any:
    """Apply the reflectors H_i = I - tau_i v_i v_i^H (column i of v, tau (..., k)) to c
    without forming Q = H_1 ... H_k: from the ``left`` (H_i c) or the right (c H_i), in order
    i = 1..k when ``forward`` else k..1, with conj(tau_i) when ``conj`` (that is H_i^H)."""
    k = tau.shape[-1]
    t = tau.conj() if conj and tau.dtype.kind == "c" else tau
    for i in (range(k) if forward else reversed(range(k))):
        vi = v[..., :, i:i + 1]
        ti = t[..., i:i + 1].unsqueeze(-1)
        c = c - (ti * vi) @ (_adjoint(vi) @ c) if left else c - ((c @ vi) * ti) @ _adjoint(vi)
    return c


class TensorLinalgLegacy(TensorMixin):
    """PyTorch's pre-``torch.linalg`` factorisation methods (LU, Householder; a mixin)."""

    __slots__ = ()

    def lu(self, pivot: bool = True, get_infos: bool = False) -> tuple[Tensor, ...]:
        """(LU, pivots), or (LU, pivots, infos) with ``get_infos``, for A (..., m, n) = P L U:
        LU packs L (unit diagonal implied) below U; pivots (..., min(m, n)) int32 are
        LAPACK's 1-based row swaps; infos (...) int32 the 1-based column of the first zero
        pivot (a singular A is no error), as ``linalg.lu_factor_ex``, which PyTorch
        deprecates this in favour of (the same UserWarning). The gradient is PyTorch's for
        a square A; a non-square A has none here."""
        warnings.warn(
            "torch.lu is deprecated in favor of torch.linalg.lu_factor / "
            "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release: "
            "LU, pivots = torch.linalg.lu_factor(A, pivot), and LU, pivots, info = "
            "torch.linalg.lu_factor_ex(A, pivot) for get_infos=True",
            UserWarning, stacklevel=user_stacklevel())
        if self.ndim < 2:
            raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. "
                               f"Got size: {list(self._data.shape)} instead")
        refuse_integers("lu_cpu", self)
        if not pivot:
            raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on "
                               "the CPU")
        m, n = self._data.shape[-2:]
        if self._data.size:
            lu, piv, info = np_lu_factor(self._data)
        else:  # nothing to factor: no pivots, info 0, LU the (empty) input
            lu = self._data.copy()
            piv = np.zeros(self._data.shape[:-2] + (min(m, n),), np.int32)
            info = np.zeros(self._data.shape[:-2], np.int32)
        if not self._data.size:
            packed = self.clone()  # type: ignore[attr-defined]
        elif m == n:
            packed = LuFactor.apply(self, known=(lu, permutation(piv, m, self.dtype)))
        else:
            packed = P.NoDerivative.apply(self, value=lu, error=RuntimeError(
                "linalg.lu_factor: the derivative for a non-square A is not implemented here"))
        result = (packed, self._new(piv), self._new(info))
        return result if get_infos else result[:2]

    def lu_solve(self, LU_data: Any, LU_pivots: Any) -> Tensor:  # noqa: N803 - PyTorch's
        """X with A X = b for b = x (..., n, k) and A = P L U given as ``lu``'s (LU_data,
        LU_pivots) (..., n, n), batch axes broadcast; differentiable in b and LU_data.
        PyTorch deprecates it for ``linalg.lu_solve(LU, pivots, B)`` (the same
        UserWarning; note the order of the arguments)."""
        warnings.warn(
            "torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be "
            "removed in a future PyTorch release. Note that torch.linalg.lu_solve has its "
            "arguments reversed: X = torch.linalg.lu_solve(LU, pivots, B)",
            UserWarning, stacklevel=user_stacklevel())
        need_tensor("lu_solve", "LU_data", LU_data)
        need_tensor("lu_solve", "LU_pivots", LU_pivots, 2)
        packed = as_operand(self, LU_data)
        op = "linalg.lu_solve"
        check_square(packed, "torch." + op)
        if self.ndim < 2:
            raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
        piv = _pivots(LU_pivots, op)
        if packed.dtype != self.dtype:
            raise RuntimeError(f"{op}: Expected LU and B to have the same dtype, but found LU "
                               f"of type {dtype_name(packed.dtype)} and B of type "
                               f"{dtype_name(self.dtype)} instead")
        n = packed.shape[-1]
        if self._data.shape[-2] != n:
            raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation AX = B "
                               f"({n}x{n} and {self._data.shape[-2]}x{self._data.shape[-1]})")
        refuse_half(packed, "linalg.lu_solve_cpu")
        low, up = unpack_lu(packed)
        perm = permutation(piv, n, packed.dtype)
        # A = P L U: X = U^-1 L^-1 P^T b
        return P.Solve.apply(up, P.Solve.apply(low, np.swapaxes(perm, -1, -2) @ self))  # type: ignore[no-any-return]

    def geqrf(self) -> GeqrfResult:
        """(a, tau), LAPACK's geqrf of x (..., m, n): R on and above a's diagonal, the
        Householder vectors below it (a unit diagonal implied), their scales in tau (..., k),
        k = min(m, n). No derivative, as in PyTorch (its error when a backward reaches it)."""
        if self.ndim < 2:
            raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
        refuse_integers("geqrf_cpu", self)
        m, n = self._data.shape[-2:]
        if self._data.size:
            h, tau = np.linalg.qr(self._data, mode="raw")  # (h: LAPACK's a, transposed)
            a = np.ascontiguousarray(np.swapaxes(h, -1, -2)).astype(self.dtype, copy=False)
            tau = tau.astype(self.dtype, copy=False)
        else:
            a, tau = self._data.copy(), np.zeros(self._data.shape[:-2] + (min(m, n),),
                                                 self.dtype)
        error = NotImplementedError("the derivative for 'geqrf' is not implemented.")
        return GeqrfResult(P.NoDerivative.apply(self, value=a, error=error),
                           P.NoDerivative.apply(self, value=tau, error=error))

    def _reflectors(self, kernel: str) -> Any:
        """The unit-lower Householder vectors of x (..., m, n): x below the diagonal, 1 on
        it, 0 above (LAPACK's storage in ``geqrf``'s a); integer x refused as ``kernel``."""
        refuse_integers(kernel, self)
        m, n = self._data.shape[-2:]
        return select(np.tri(m, n, -1, dtype=bool), self, np.eye(m, n, dtype=self.dtype))

    def _tau_rank(self, t: Any, op: str) -> None:
        """PyTorch's check that tau (..., k) has one dimension less than x (..., m, n)."""
        if t.ndim == 0:
            raise IndexError("Dimension specified as -1 but tensor has no dimensions")
        if t.ndim != self.ndim - 1:
            raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, "
                               f"but got tau.ndim equal to {t.ndim} and input.ndim is equal "
                               f"to {self.ndim}")

    def orgqr(self, input2: Any) -> Tensor:
        """The first n columns of Q = H_1 ... H_k from ``geqrf``'s (a, tau) = (x, input2),
        x (..., m, n), m >= n >= k: ``linalg.householder_product``, PyTorch's alias.
        Differentiable in x and tau (a composite)."""
        need_tensor("orgqr", "input2", input2)
        op = "torch.linalg.householder_product"
        if self.ndim < 2:
            raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
        if self._data.shape[-2] < self._data.shape[-1]:
            raise RuntimeError(f"{op}: input.shape[-2] must be greater than or equal to "
                               "input.shape[-1]")
        t = as_operand(self, input2)
        if t.ndim and t.shape[-1] > self._data.shape[-1]:
            raise RuntimeError(f"{op}: input.shape[-1] must be greater than or equal to "
                               "tau.shape[-1]")
        if t.ndim == self.ndim - 1 and tuple(t.shape[:-1]) != tuple(self._data.shape[:-2]):
            raise RuntimeError(f"{op}: Expected batch dimensions of tau to be equal to "
                               f"input.shape[:-2], but got {tuple(t.shape[:-1])}")
        self._tau_rank(t, op)
        if t.dtype != self.dtype:
            raise RuntimeError(f"{op}: tau dtype {dtype_name(t.dtype)} does not match input "
                               f"dtype {dtype_name(self.dtype)}")
        v = self._reflectors("orgqr_cpu")
        m, n = self._data.shape[-2:]
        eye = self._new(np.broadcast_to(np.eye(m, n, dtype=self.dtype), self._data.shape).copy())
        return _reflect(v, t, eye, left=True, forward=False, conj=False)  # type: ignore[no-any-return]

    def ormqr(self, input2: Any, input3: Any, left: bool = True,
              transpose: bool = False) -> Tensor:
        """Q C, C Q, Q^H C or C Q^H (``left``, ``transpose``) for C = input3 and the square
        Q = H_1 ... H_k of ``geqrf``'s (x, tau = input2), Q never formed (LAPACK's ormqr:
        the k reflectors applied one by one); differentiable in x, tau and C."""
        need_tensor("ormqr", "input2", input2)
        need_tensor("ormqr", "input3", input3, 2)
        c = as_operand(self, input3)
        op = "torch.ormqr"
        if self.ndim < 2:
            raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
        if c.ndim < 2:
            raise RuntimeError(f"{op}: other must have at least 2 dimensions.")
        side = "other.shape[-2]" if left else "other.shape[-1]"
        mn = c.shape[-2] if left else c.shape[-1]
        if self._data.shape[-2] != mn:
            raise RuntimeError(f"{op}: {side} must be equal to input.shape[-2]")
        t = as_operand(self, input2)
        if t.ndim and t.shape[-1] != min(mn, self._data.shape[-1]):
            raise RuntimeError(f"{op}: tau.shape[-1] must be equal to min({side}, "
                               "input.shape[-1])")
        self._tau_rank(t, op)
        if c.ndim != self.ndim:
            raise RuntimeError(f"{op}: Expected other to have the same number of dimensions "
                               f"as input, but got other.ndim equal to {c.ndim} and "
                               f"input.ndim is equal to {self.ndim}")
        batch = tuple(self._data.shape[:-2])
        for name, shape in (("tau", t.shape[:-1]), ("other", c.shape[:-2])):
            if tuple(shape) != batch:
                raise RuntimeError(f"{op}: Expected batch dimensions of {name} to be equal to "
                                   f"input.shape[:-2], but got {name}.shape[:-2] equal to "
                                   f"{tuple(shape)}")
        for name, x in (("other", c), ("tau", t)):
            if x.dtype != self.dtype:
                raise RuntimeError(f"{op}: Expected input and {name} to have the same dtype, "
                                   f"but input has dtype {dtype_name(self.dtype)} and {name} "
                                   f"has dtype {dtype_name(x.dtype)}")
        v = self._reflectors("ormqr_cpu")
        # Q C = H_1 (... (H_k C)); Q^H C = H_k^H (... (H_1^H C)); C Q = ((C H_1) ...) H_k;
        # C Q^H = ((C H_k^H) ...) H_1^H
        return _reflect(v, t, c, left=left, forward=left == transpose, conj=transpose)  # type: ignore[no-any-return]
