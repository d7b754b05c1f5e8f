"""Adam's relatives in PyTorch: Adamax (the infinity norm), NAdam (Nesterov momentum) and
RAdam (the variance-rectified warm-up), each with PyTorch's formula and defaults."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._step_count import new_step, step_count
from .adam import check_betas, moments
from .optimizer import Optimizer, ParamsT


def scalar_state(value: float, like: Any = None) -> Any:
    """A scalar kept in optimiser state as PyTorch keeps it: a 0-d tensor of the default
    dtype (float32 unless the default is float64), so it rounds as PyTorch's does. With
    ``like``, the state's current value, its dtype: PyTorch updates that tensor in place
    (``mu_product *= mu``, ``eta.copy_(...)``), and ``load_state_dict`` gives it the
    parameter's dtype (``loaded_scalar``)."""
    if isinstance(like, np.floating):
        return like.dtype.type(value)
    return (np.float64 if get_default_dtype() == np.float64 else np.float32)(value)


def loaded_scalar(value: Any, p: Any) -> Any:
    """A scalar of a loaded state dict as PyTorch's ``load_state_dict`` keeps it: cast to
    the parameter's dtype (every floating state value but ``'step'`` is)."""
    dtype = p._data.dtype
    number = float(np.asarray(value._data if isinstance(value, Tensor) else value))
    return dtype.type(number) if dtype.kind == "f" else scalar_state(number)


class _AdamLike(Optimizer):
    """What the three share: betas checked, and m, v (Adamax: m, u) created at zero."""

    _second = "exp_avg_sq"

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        check_betas(self, group)

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": new_step(group), "exp_avg": np.zeros_like(g),
                self._second: np.zeros_like(g)}


class Adamax(_AdamLike):
    """Adamax: m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  p ← p − lr/(1 − β₁ᵗ) · m / u.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 2e-3
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the first moment m and of the infinity norm u.
    eps : float, default 1e-8
        Added to |g| inside the maximum.
    weight_decay : float, default 0
        L2 penalty λ, added to the gradient.
    foreach, maximize, differentiable, capturable
        PyTorch's flags: ``maximize`` ascends; the others choose an implementation and
        change no value (updates are always multi-tensor here, see ``Optimizer``).

    Notes
    -----
    State per parameter: ``'step'``, ``'exp_avg'`` (m) and ``'exp_inf'`` (u).
    """

    _second = "exp_inf"

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        beta1, beta2 = group["betas"]
        m, u = state["exp_avg"], state["exp_inf"]
        t = g - m
        t *= 1 - beta1
        m += t
        u *= beta2
        np.abs(g, out=t)
        t += group["eps"]
        np.maximum(u, t, out=u)
        np.divide(m, u, out=t)
        t *= group["lr"] / (1 - beta1 ** step_count(state))
        return t


class NAdam(_AdamLike):
    """NAdam (Dozat, 2016): Adam with Nesterov momentum and a momentum schedule.

    With μₜ = β₁(1 − ½·0.96^(t·ψ)) and Πₜ = μ₁⋯μₜ (ψ the ``momentum_decay``)::

        m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  d = √(v / (1 − β₂ᵗ)) + ε
        p ← p − lr(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜμₜ₊₁) · m/d

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 2e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
        λ: an L2 penalty, or with ``decoupled_weight_decay`` p ← p(1 − lr·λ) first.
    momentum_decay : float, default 4e-3
        ψ in the momentum schedule.
    decoupled_weight_decay : bool, default False
    foreach, maximize, capturable, differentiable
        PyTorch's flags: ``maximize`` ascends; the others change no value.

    Notes
    -----
    State per parameter: ``'step'``, ``'mu_product'`` (Πₜ, a scalar of the default dtype,
    as PyTorch keeps it; of the parameter's dtype once loaded by ``load_state_dict``, as
    PyTorch casts it), ``'exp_avg'`` and ``'exp_avg_sq'``.
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
            momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
            foreach=foreach, maximize=maximize, capturable=capturable,
            differentiable=differentiable))

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        self._check_range(group, "momentum_decay", 0.0)

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return dict(super()._init_state(g, group), mu_product=scalar_state(1.0))

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        beta1, beta2 = group["betas"]
        lr, psi, step = group["lr"], group["momentum_decay"], step_count(state)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
        state["mu_product"] = scalar_state(state["mu_product"] * mu, state["mu_product"])
        product = float(state["mu_product"])
        moments(g, state, beta1, beta2)
        denom = state["exp_avg_sq"] / (1 - beta2 ** step)
        np.sqrt(denom, out=denom)
        denom += group["eps"]
        out = g / denom  # (PyTorch's two addcdiv_: value * (a / denom) each)
        out *= lr * (1.0 - mu) / (1.0 - product)
        t = state["exp_avg"] / denom
        t *= lr * mu_next / (1.0 - product * mu_next)
        out += t
        return out

    def _load_param_state(self, k: int, p: Tensor, saved: Any,
                          group: dict[str, Any]) -> dict[str, Any]:
        out = super()._load_param_state(k, p, {x: v for x, v in saved.items()
                                                if x != "mu_product"}, group)
        if "mu_product" in saved:
            out["mu_product"] = loaded_scalar(saved["mu_product"], p)
        return out


class RAdam(_AdamLike):
    """RAdam (Liu et al., 2020): Adam whose adaptive step is switched on, and rectified,
    once the variance estimate is trustworthy.

    With ρ∞ = 2/(1 − β₂) − 1 and ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)::

        m̂ = m / (1 − β₁ᵗ)
        ρₜ > 5:  p ← p − lr · m̂ · √(1 − β₂ᵗ)/(√v + ε) · √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ))
        else:    p ← p − lr · m̂

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
        λ: an L2 penalty, or with ``decoupled_weight_decay`` p ← p(1 − lr·λ) first.
    decoupled_weight_decay : bool, default False
    foreach, maximize, capturable, differentiable
        PyTorch's flags: ``maximize`` ascends; the others change no value.

    Notes
    -----
    State per parameter: ``'step'``, ``'exp_avg'`` and ``'exp_avg_sq'``.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay, foreach=foreach,
            maximize=maximize, capturable=capturable, differentiable=differentiable))

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        beta1, beta2 = group["betas"]
        step = step_count(state)
        moments(g, state, beta1, beta2)
        bc2 = 1 - beta2 ** step
        out = state["exp_avg"] / (1 - beta1 ** step)
        out *= group["lr"]
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
        if rho_t > 5.0:  # the variance of the adaptive step is tractable: rectify it
            adaptive = np.sqrt(state["exp_avg_sq"])
            adaptive += group["eps"]
            np.divide(bc2 ** 0.5, adaptive, out=adaptive)
            out *= adaptive
            out *= ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        return out


__all__ = ["Adamax", "NAdam", "RAdam", "loaded_scalar", "scalar_state"]
