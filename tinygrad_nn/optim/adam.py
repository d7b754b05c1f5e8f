"""Adam (Kingma & Ba, 2015), its AMSGrad variant, and AdamW's decoupled weight decay."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._step_count import new_step, step_count
from .optimizer import Optimizer, ParamsT, check_pair


def check_betas(opt: Optimizer, group: dict[str, Any]) -> None:
    """``betas`` must be a pair in [0, 1); stored as a tuple of floats."""
    betas = group["betas"]
    name = type(opt).__name__
    check_pair(name, "betas", betas)
    group["betas"] = (float(betas[0]), float(betas[1]))
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"{name}: betas[{i}] must be in [0, 1), got {beta}")


def moments(g: np.ndarray, state: dict[str, Any], beta1: float, beta2: float) -> np.ndarray:
    """m ← m + (1 − β₁)(g − m) (PyTorch's lerp), v ← β₂v + (1 − β₂)g², in place; returns
    the scratch array it used, free for the caller's next temporary (one allocation less)."""
    m, v = state["exp_avg"], state["exp_avg_sq"]
    t = g - m
    t *= 1 - beta1
    m += t
    v *= beta2
    np.multiply(g, g, out=t)
    t *= 1 - beta2
    v += t
    return t


class Adam(Optimizer):
    """Adam: m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr·m̂ / (√v̂ + ε).

    With ``t`` the step count, the bias corrections are applied as in PyTorch::

        step_size = lr / (1 − β₁ᵗ)
        denom     = √v / √(1 − β₂ᵗ) + ε         (√max(v) with amsgrad)
        p        ← p − step_size · m / denom

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-3
        Learning rate.
    betas : (float, float), default (0.9, 0.999)
        Decay rates β₁, β₂ of the first and second moment averages, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator for numerical stability.
    weight_decay : float, default 0
        λ: the L2 penalty ``g ← g + λp`` (Adam), or the decoupled decay
        ``p ← p·(1 − lr·λ)`` before the update (AdamW, ``decoupled_weight_decay=True``).
    amsgrad : bool, default False
        Divide by the running maximum of ``v`` (AMSGrad, Reddi et al., 2018).
    maximize : bool, default False
        Ascend the objective (use ``−∇p``).
    decoupled_weight_decay : bool, default False
        Apply weight decay as AdamW does.
    foreach, fused, capturable, differentiable
        PyTorch's implementation switches, accepted as PyTorch accepts them (see
        ``Optimizer``).

    Notes
    -----
    State per parameter: ``'step'`` (a 0-d float32 Tensor, float64 under a float64 default
    dtype, as PyTorch's), ``'exp_avg'`` (m), ``'exp_avg_sq'`` (v) and, with amsgrad,
    ``'max_exp_avg_sq'``.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        check_betas(self, group)

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": new_step(group), "exp_avg": np.zeros_like(g),
                 "exp_avg_sq": np.zeros_like(g)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(g)
        return state

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        beta1, beta2 = group["betas"]
        t = moments(g, state, beta1, beta2)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        step = step_count(state)  # (a float, as PyTorch's step_t.item())
        step_size = group["lr"] / (1 - beta1**step)
        if group["amsgrad"]:
            v_max = state.setdefault("max_exp_avg_sq", np.zeros_like(v))
            np.maximum(v_max, v, out=v_max)
            v = v_max
        np.sqrt(v, out=t)
        t /= math.sqrt(1 - beta2**step)
        t += group["eps"]
        np.divide(m, t, out=t)
        t *= step_size
        return t


class AdamW(Adam):
    """AdamW: p ← p·(1 − lr·λ), then the Adam step on the undecayed gradient.

    Loshchilov & Hutter (2019), "Decoupled weight decay regularization": the decay no
    longer passes through the adaptive denominator. Same arguments as ``Adam`` except
    ``weight_decay`` defaults to ``1e-2`` and is always decoupled.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        group["decoupled_weight_decay"] = True


__all__ = ["Adam", "AdamW"]
