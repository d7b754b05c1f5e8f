"""RMSprop (Hinton, 2012), optionally centred (Graves, 2013) and with momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._step_count import new_step
from .optimizer import Optimizer, ParamsT


class RMSprop(Optimizer):
    """RMSprop: s ← αs + (1−α)g²;  p ← p − lr·g / (√s + ε).

    Centred, the running mean of the gradient ``ḡ ← αḡ + (1−α)g`` is subtracted:
    ``p ← p − lr·g / (√(s − ḡ²) + ε)``. With momentum μ the step goes through a buffer:
    ``b ← μb + g / (√s + ε);  p ← p − lr·b``.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-2
        Learning rate.
    alpha : float, default 0.99
        Smoothing constant α of the squared-gradient average.
    eps : float, default 1e-8
        Added to the denominator (after the square root) for numerical stability.
    weight_decay : float, default 0
        L2 penalty λ, added to the gradient.
    momentum : float, default 0
        Momentum factor μ.
    centered : bool, default False
        Normalise by an estimate of the gradient's variance instead of its second moment.
    maximize : bool, default False
        Ascend the objective (use ``−∇p``).
    capturable, foreach, differentiable
        PyTorch's implementation switches, accepted as PyTorch accepts them (see
        ``Optimizer``).

    Notes
    -----
    State per parameter: ``'step'``, ``'square_avg'`` (s), ``'momentum_buffer'`` (when
    ``momentum > 0``) and ``'grad_avg'`` (ḡ, when centred).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        self._check_range(group, "alpha", 0.0)
        self._check_range(group, "momentum", 0.0)

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": new_step(group), "square_avg": np.zeros_like(g)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(g)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(g)
        return state

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        alpha, momentum = group["alpha"], group["momentum"]
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * (g * g)
        if group["centered"]:
            grad_avg = state.setdefault("grad_avg", np.zeros_like(g))
            grad_avg += (1 - alpha) * (g - grad_avg)  # lerp, as PyTorch
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(g))
            buf *= momentum
            buf += g / avg
            return group["lr"] * buf
        np.divide(g, avg, out=avg)
        avg *= group["lr"]
        return avg


__all__ = ["RMSprop"]
