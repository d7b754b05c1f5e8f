"""Adafactor (Shazeer & Stern, 2018), as PyTorch 2.13's ``torch.optim.Adafactor``: Adam-like
steps whose second moment of a matrix is stored factored, as a row and a column average."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..ops._fma import add_scaled_, fma, lerp_
from ..tensor import Tensor
from ._multi import FlatGroup
from ._step_count import bump_step, new_step
from .optimizer import Optimizer, ParamsT


def _norm_lastdim(a: np.ndarray) -> np.ndarray:
    """‖a‖₂ along the last axis, summed in the order of PyTorch's CPU kernel for a
    contiguous last-dimension 2-norm (so float64 results agree to the bit): ``lanes``
    running sums of squares over the leading whole chunks, those sums added left to right,
    then each remaining element's square fused into the total."""
    lanes = 4 if a.dtype == np.float64 else 8  # (PyTorch's vector width in this kernel)
    n = a.shape[-1]
    whole = n - n % lanes
    chunks = a[..., :whole].reshape(a.shape[:-1] + (whole // lanes, lanes))
    acc = np.add.reduce(chunks * chunks, axis=-2)  # (row after row: one sum per lane)
    total = np.zeros(a.shape[:-1], dtype=a.dtype)
    for j in range(lanes if whole else 0):
        total += acc[..., j]
    for k in range(whole, n):
        total = fma(a[..., k], a[..., k], total, a.dtype)
    return np.sqrt(total)


def _cascade_rows(rows: np.ndarray) -> np.ndarray:
    """The sum over axis -2 of ``rows`` (..., size, width) in the order of PyTorch's
    ``multi_row_sum``: one running sum per column, moved up four levels of partial sums
    every 2**p rows (p = max(4, ⌈log₂ size⌉ // 4)), the levels added at the end."""
    size = rows.shape[-2]
    power = max(4, (max(size, 1) - 1).bit_length() // 4)
    step, mask = 1 << power, (1 << power) - 1
    acc = np.zeros((4,) + rows.shape[:-2] + rows.shape[-1:], dtype=rows.dtype)
    i = 0
    while i + step <= size:
        for _ in range(step):
            acc[0] += rows[..., i, :]
            i += 1
        for j in range(1, 4):
            acc[j] += acc[j - 1]
            acc[j - 1] = 0
            if i & (mask << (j * power)):
                break
    for k in range(i, size):
        acc[0] += rows[..., k, :]
    for j in range(1, 4):
        acc[0] += acc[j]
    return acc[0]


def _sum_lastdim(a: np.ndarray) -> np.ndarray:
    """The sum along the (contiguous) last axis, added in the order of PyTorch's CPU sum
    kernel, so float64 sums agree to the bit: 32-byte vectors summed by four interleaved
    cascades (``_cascade_rows``), the leftover vectors into the first, the four added;
    then the leftover elements added from 0, and the vector's lanes after them."""
    lanes = 32 // a.dtype.itemsize
    n = a.shape[-1]
    nvec = n // lanes
    vecs = a[..., :nvec * lanes].reshape(a.shape[:-1] + (nvec, lanes))
    nrow = nvec // 4
    part = _cascade_rows(vecs[..., :nrow * 4, :].reshape(a.shape[:-1] + (nrow, 4 * lanes)))
    part = part.reshape(a.shape[:-1] + (4, lanes))
    for k in range(nrow * 4, nvec):
        part[..., 0, :] += vecs[..., k, :]
    for k in range(1, 4):
        part[..., 0, :] += part[..., k, :]
    total = np.zeros(a.shape[:-1], dtype=a.dtype)
    for k in range(nvec * lanes, n):
        total += a[..., k]
    for j in range(lanes):
        total += part[..., 0, j]
    return total


def _rms(a: np.ndarray, d: float = 1.0) -> float:
    """‖a‖₂ / (√numel · d), as a Python float, rounded as PyTorch's
    ``a.norm(2).item() / (a.numel() ** 0.5 * d)``."""
    root = a.size ** 0.5
    return float(_norm_lastdim(a.reshape(-1))) / (root if d == 1 else root * d)


def _mean_square(g: np.ndarray, axis: int) -> np.ndarray:
    """‖g‖₂² / n along ``axis`` (kept), PyTorch's ``norm(dim).square_().div_(n)``."""
    if axis == -1 or g.shape[-1] == 1:  # (one column: PyTorch reduces it as contiguous)
        norm = np.expand_dims(_norm_lastdim(np.swapaxes(g, axis, -1)), axis)
    else:  # across rows: PyTorch adds the rows' squares one row after another, unfused
        sq = g * g
        acc = sq[..., :1, :].copy()
        for k in range(1, g.shape[-2]):
            acc += sq[..., k:k + 1, :]
        norm = np.sqrt(acc)
    norm *= norm
    norm /= g.shape[axis]
    return norm


def _factored_shapes(shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The row and column factors' shapes for a parameter of ``shape`` (ndim > 1)."""
    return shape[:-1] + (1,), shape[:-2] + (1, shape[-1])


class Adafactor(Optimizer):
    """Adafactor: relative step sizes and a factored second moment, PyTorch's variant.

    At step ``t``, with ``G`` the gradient, ``β̂₂ = 1 − t^τ`` (``τ = beta2_decay``)::

        ρ   = min(lr, 1/√t);   α = max(ε₂, RMS(θ)) · ρ
        θ  ← θ · (1 − lr·λ)                                  (decoupled weight decay)
        R  ← lerp(R, mean(G², last dim), t^τ);  C ← lerp(C, mean(G², second-last), t^τ)
        V̂  = R·C / max(mean(R), ε₁)                            (ndim > 1; else lerp of G²)
        U  = G / √max(V̂, ε₁²);   θ ← θ − α · U / max(1, RMS(U) / d)

    ``ε₁`` defaults to the machine epsilon of the group's first parameter with a gradient.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-2
        The maximum relative step size ρ, and the weight decay's coefficient.
    beta2_decay : float, default -0.8
        τ (``<= 0``): the second-moment average's weight on step ``t`` is ``t^τ``.
    eps : (float or None, float), default (None, 1e-3)
        ε₁ (the floor of the variance estimate's denominator and square root) and ε₂ (the
        floor of the parameter's RMS in α).
    d : float, default 1.0
        The clipping threshold of the update's RMS (``>= 1``).
    weight_decay : float, default 0.0
        λ, decoupled: ``θ ← θ·(1 − lr·λ)``.
    foreach : bool, optional
        PyTorch's kernel switch: True rounds the scaled update before adding it, as
        PyTorch's multi-tensor kernel does (the default adds it fused, as its for-loop).
    maximize : bool, default False
        Ascend the objective.

    Notes
    -----
    State per parameter: ``'step'`` (a 0-d float32 Tensor; float64 under a float64 default
    dtype) and, for a parameter of ndim > 1, ``'row_var'`` (its shape with the last
    dimension 1) and ``'col_var'`` (the second-last dimension 1); otherwise ``'variance'``,
    shaped like the parameter. Complex parameters are refused, as PyTorch refuses them.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        self._eps1: float = 0.0  # the group being updated's ε₁ (see _flat_group)
        super().__init__(params, defaults)

    def _check_hyper(self, group: dict[str, Any]) -> None:
        """PyTorch's checks, in its order and with its messages (all ValueError)."""
        lr, eps = group["lr"], group["eps"]
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= group["beta2_decay"]:
            raise ValueError(f"beta2_decay should be <= 0 but is: {group['beta2_decay']}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= group["d"]:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {group['d']}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"weight_decay should be >= 0 but is: {group['weight_decay']}")

    def _flat_group(self, group: dict[str, Any], params: list[Tensor],
                    states: list[dict[str, Any]]) -> FlatGroup | None:
        """Never flat: the step reads each parameter's own norms. Called once per group
        before any of its parameters moves, so PyTorch's per-group work happens here: its
        refusal of complex parameters, and ε₁ (from the first parameter's dtype)."""
        if any(p.dtype.kind == "c" for p in params):
            raise RuntimeError("Adafactor does not support complex parameters")
        eps1 = group["eps"][0]
        if eps1 is None and params:
            eps1 = float(np.finfo(params[0].dtype).eps)
        self._eps1 = eps1 if eps1 is not None else 0.0
        return None

    def _apply(self, group: dict[str, Any], params: list[Tensor], g: np.ndarray,
               state: dict[str, Any], owned: bool, flat: FlatGroup | None = None) -> None:
        """One parameter's update (the weight decay comes after α reads the parameter's RMS,
        so this replaces the base class's plumbing)."""
        p = params[0]._data
        if group["maximize"]:
            g = -g
        if not state:
            state["step"] = new_step(group)
            if g.ndim > 1:
                rows, cols = _factored_shapes(g.shape)
                state["row_var"] = np.zeros(rows, dtype=g.dtype)
                state["col_var"] = np.zeros(cols, dtype=g.dtype)
            else:
                state["variance"] = np.zeros_like(g)
        lr, wd, eps1 = float(group["lr"]), group["weight_decay"], self._eps1
        t = bump_step(state)
        w = t ** group["beta2_decay"]  # 1 − β̂₂
        rho = min(lr, 1 / (t ** 0.5))
        alpha = max(group["eps"][1], _rms(p)) * rho
        if wd != 0:
            p *= 1 - lr * wd
        if g.ndim > 1:
            row_var, col_var = state["row_var"], state["col_var"]
            lerp_(row_var, _mean_square(g, -1), w)
            lerp_(col_var, _mean_square(g, -2), w)
            var = np.matmul(row_var, col_var)
            row_mean = _sum_lastdim(np.swapaxes(row_var, -1, -2)) / row_var.shape[-2]
            var /= np.maximum(row_mean[..., None], eps1)  # (row_var.mean(-2) of PyTorch)
        else:
            var = lerp_(state["variance"], g * g, w).copy()
        np.maximum(var, eps1 * eps1, out=var)
        update = np.sqrt(var, out=var)
        np.divide(1, update, out=update)
        update *= g
        denom = max(1.0, _rms(update, group["d"]))
        if group["foreach"]:  # (PyTorch's multi-tensor form scales, then adds: 2 roundings)
            update *= -alpha / denom
            p += update
        else:
            add_scaled_(p, update, -alpha / denom)

    def _load_param_state(self, k: int, p: Tensor, saved: Mapping[str, Any],
                          group: dict[str, Any]) -> dict[str, Any]:
        """As the base class, with the factored moments checked against their own shapes."""
        if p.ndim < 2 or not {"row_var", "col_var"} & set(saved):
            return super()._load_param_state(k, p, saved, group)
        rest = {key: v for key, v in saved.items() if key not in ("row_var", "col_var")}
        out = super()._load_param_state(k, p, rest, group)
        for key, shape in zip(("row_var", "col_var"), _factored_shapes(tuple(p.shape))):
            if key not in saved:
                continue
            value = saved[key]
            arr = np.asarray(value._data if isinstance(value, Tensor) else value)
            if arr.shape != shape:
                raise ValueError(
                    f"Adafactor.load_state_dict: state {key!r} of parameter {k} has shape "
                    f"{arr.shape}, expected {shape} for a parameter of shape {tuple(p.shape)}")
            out[key] = np.array(arr, dtype=p.dtype, copy=True)
        return out


__all__ = ["Adafactor"]
