"""Fused multiply-add on NumPy arrays, for updates that follow PyTorch's CPU kernels to the bit.

PyTorch's vectorised CPU kernels for ``lerp`` and for ``add(other, alpha=...)`` compute
``a·b + c`` with one rounding (an FMA instruction); NumPy has no FMA, and ``a*b + c`` rounds
twice, which moves about a quarter of the results by one unit in the last place. Here:

* float32 (and narrower): the product of two float32 numbers is exact in float64, so the
  float64 ``a*b + c`` rounded to float32 is the fused result (up to a double rounding that
  needs the exact sum to sit on a float32 tie, which does not happen in practice);
* float64: Dekker's exact product (``a·b = p + e``) and Knuth's exact sum (``p + c = s + t``)
  give ``s + (t + e)``, the fused result save for ties of the last addition.

Used by ``Tensor.lerp`` (ops/elementwise_math.py, ``Lerp``) and by the optimisers whose
PyTorch code is a ``lerp_`` or an ``add_(..., alpha=...)`` (Adafactor, Muon).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1: splits a float64 into two 26-bit halves (Veltkamp)


def fma(a: Any, b: Any, c: Any, dtype: Any) -> np.ndarray:
    """``a·b + c`` rounded once to ``dtype`` (float32 or float64), elementwise, broadcast;
    infinities and NaN come out as the plain ``a*b + c`` has them, without NumPy's warnings
    (the exact-product steps meet inf - inf on the way)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return _fma(a, b, c, dtype)


def _fma(a: Any, b: Any, c: Any, dtype: Any) -> np.ndarray:
    if np.dtype(dtype) != np.float64:
        wide = np.multiply(a, b, dtype=np.float64)
        wide += c
        return wide.astype(dtype)
    a, b, c = (np.asarray(x, dtype=np.float64) for x in (a, b, c))
    p = a * b
    t = _SPLIT * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = _SPLIT * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo  # a·b − p, exactly
    s = p + c
    z = s - p
    t = (p - (s - z)) + (c - z)  # p + c − s, exactly
    fused = s + (t + e)
    return np.where(np.isfinite(s), fused, s)  # (inf and NaN as the plain sum has them)


def lerp_(a: np.ndarray, b: Any, w: float) -> np.ndarray:
    """``a ← lerp(a, b, w)`` in place, as PyTorch's CPU kernel computes it:
    ``fma(w, b − a, a)`` for ``|w| < 0.5``, else ``fma(w − 1, b − a, b)`` (exactly ``b`` at
    ``w = 1``). ``w`` is rounded to ``a``'s dtype first, as PyTorch's scalar is."""
    w = float(np.asarray(w, dtype=a.dtype))
    diff = np.subtract(b, a, dtype=a.dtype)
    if abs(w) < 0.5:
        a[...] = fma(w, diff, a, a.dtype)
    else:
        a[...] = fma(w - 1, diff, b, a.dtype)
    return a


def add_scaled_(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    """``a ← a + alpha·b`` in place with one rounding (PyTorch's ``a.add_(b, alpha=alpha)``;
    ``alpha`` rounded to ``a``'s dtype first, as PyTorch's scalar is)."""
    a[...] = fma(b, float(np.asarray(alpha, dtype=a.dtype)), a, a.dtype)
    return a


__all__ = ["add_scaled_", "fma", "lerp_"]
