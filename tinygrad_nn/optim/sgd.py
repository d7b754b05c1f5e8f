"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT


class SGD(Optimizer):
    """SGD: g ← ∇p + λp;  b ← μb + (1 − τ)g;  p ← p − lr·(g + μb if nesterov else b).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float
        Learning rate (PyTorch's default 1e-3); a group may set its own ``'lr'``.
    momentum : float, default 0
        Momentum factor μ; 0 is plain gradient descent ``p ← p − lr·g``.
    dampening : float, default 0
        Dampening τ of the momentum's gradient term (any value, as PyTorch allows).
    weight_decay : float, default 0
        L2 penalty λ, added to the gradient.
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool, default False
        Ascend the objective (use ``−∇p``).
    foreach, differentiable, fused
        PyTorch's implementation switches, accepted as PyTorch accepts them (see
        ``Optimizer``).

    Notes
    -----
    As in PyTorch, the momentum buffer starts as a copy of the first gradient,
    ``b₁ = g₁`` (dampening does not apply to it), and the state holds only
    ``'momentum_buffer'`` (when ``momentum != 0``).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        self._check_range(group, "momentum", 0.0)  # (dampening: any value, as PyTorch's)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 and dampening == 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:  # PyTorch: the first buffer is the gradient itself, undampened
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * g
            g = g + momentum * buf if group["nesterov"] else buf
        return group["lr"] * g


__all__ = ["SGD"]
