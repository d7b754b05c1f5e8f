"""Discrete Fourier transforms (``tinygrad_nn.fft``): three primitives over given axes, each
the other's adjoint, so every backward is one of them and differentiable again.

``C2C``: complex to complex (fftn / ifftn). ``R2C``: real to the half spectrum (rfftn: the
last axis keeps n // 2 + 1 frequencies). ``C2R``: the half spectrum back to real (irfftn, the
last axis of n points). With ``dual`` the normalisation that makes a transform the adjoint
of another ("backward" scales the inverse by 1/N, "forward" the forward one, "ortho" both
by 1/sqrt(N)):

- C2C(norm, inverse)'s adjoint is C2C(dual(norm), not inverse);
- R2C(norm)'s adjoint, Re of the inverse transform of the zero-padded half spectrum, is
  C2R(g / c, dual(norm)); C2R(norm)'s adjoint is c * R2C(g, dual(norm)), where c is 2 at the
  frequencies that stand for a pair (k and n - k) and 1 at 0 and n / 2.

PyTorch's complex-gradient convention holds: for a real loss, the gradient of a complex
input z = x + iy is dL/dx + i dL/dy.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..function import Function, TensorBase

Norm = Literal["backward", "ortho", "forward"]
DUAL: dict[str, Norm] = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def pair_weights(n: int, ndim: int, axis: int) -> np.ndarray:
    """c along ``axis`` of an ndim-array's half spectrum of an n-point signal: 1 at
    frequency 0 (and n / 2 for an even n), 2 at the others."""
    c = np.full(n // 2 + 1, 2.0)
    c[0] = 1.0
    if n % 2 == 0:
        c[-1] = 1.0
    return c.reshape((-1,) + (1,) * (ndim - 1 - axis))


def fftn_np(x: np.ndarray, axes: tuple[int, ...], norm: Norm, inverse: bool) -> np.ndarray:
    """NumPy's fftn / ifftn, in x's complex dtype."""
    fn = np.fft.ifftn if inverse else np.fft.fftn
    return np.asarray(fn(x, axes=axes, norm=norm)).astype(x.dtype, copy=False)


def rfftn_np(x: np.ndarray, axes: tuple[int, ...], norm: Norm) -> np.ndarray:
    """NumPy's rfftn, complex64 for float32."""
    return np.fft.rfftn(x, axes=axes, norm=norm).astype(np.result_type(x, np.complex64),
                                                        copy=False)


def irfftn_np(z: np.ndarray, axes: tuple[int, ...], n: int, norm: Norm) -> np.ndarray:
    """NumPy's irfftn (the last axis of n points), float32 for complex64."""
    s = [z.shape[a] for a in axes[:-1]] + [n]
    return np.fft.irfftn(z, s=s, axes=axes, norm=norm).astype(z.real.dtype, copy=False)


class C2C(Function):
    """y = fftn(x) over ``axes`` (``inverse``: ifftn), normalised by ``norm``; backward
    is the adjoint F^H g, PyTorch's convention already (no conjugation by the engine)."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...], norm: Norm, inverse: bool) -> Any:
        ctx.axes, ctx.norm, ctx.inverse = axes, norm, inverse
        return fftn_np(x, axes, norm, inverse)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (c2c(g, ctx.axes, DUAL[ctx.norm], not ctx.inverse),)

    def name(self) -> str:
        return "FftC2CBackward0"


class R2C(Function):
    """y = rfftn(x) over ``axes`` of a real x (the last axis halved), normalised by ``norm``
    (backward: the adjoint, PyTorch's convention already)."""

    conj_backward = False

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple[int, ...], norm: Norm) -> Any:
        ctx.axes, ctx.norm, ctx.n = axes, norm, x.shape[axes[-1]]
        return rfftn_np(x, axes, norm)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        axes, n = ctx.axes, ctx.n
        c = pair_weights(n, len(ctx.in_shapes[0]), axes[-1])
        return (c2r(g / c, axes, n, DUAL[ctx.norm]),)

    def name(self) -> str:
        return "FftR2CBackward0"


class C2R(Function):
    """y = irfftn(z) over ``axes`` (the last of n points) of a half spectrum z, normalised by
    ``norm`` (the imaginary parts at frequencies 0 and n / 2 of the last axis are dropped)."""

    @staticmethod
    def forward(ctx: Any, z: Any, axes: tuple[int, ...], n: int, norm: Norm) -> Any:
        ctx.axes, ctx.norm, ctx.n = axes, norm, n
        return irfftn_np(z, axes, n, norm)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        axes, n = ctx.axes, ctx.n
        c = pair_weights(n, len(ctx.in_shapes[0]), axes[-1])
        return (r2c(g, axes, DUAL[ctx.norm]) * c,)

    def name(self) -> str:
        return "FftC2RBackward0"


def c2c(x: Any, axes: tuple[int, ...], norm: Norm, inverse: bool) -> Any:
    """C2C on an array or a Tensor (backward's two paths)."""
    if not isinstance(x, TensorBase):
        return fftn_np(x, axes, norm, inverse)
    return C2C.apply(x, axes=axes, norm=norm, inverse=inverse)


def r2c(x: Any, axes: tuple[int, ...], norm: Norm) -> Any:
    """R2C on an array or a Tensor."""
    if not isinstance(x, TensorBase):
        return rfftn_np(x, axes, norm)
    return R2C.apply(x, axes=axes, norm=norm)


def c2r(z: Any, axes: tuple[int, ...], n: int, norm: Norm) -> Any:
    """C2R on an array or a Tensor."""
    if not isinstance(z, TensorBase):
        return irfftn_np(z, axes, n, norm)
    return C2R.apply(z, axes=axes, n=n, norm=norm)


__all__ = ["C2C", "C2R", "DUAL", "Norm", "R2C", "c2c", "c2r", "pair_weights", "r2c"]
