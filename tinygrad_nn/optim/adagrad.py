"""Adagrad (Duchi et al., 2011) and Adadelta (Zeiler, 2012): per-coordinate step sizes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._multi import tensors_in
from ._step_count import new_step, step_count
from .optimizer import Optimizer, ParamsT


class Adagrad(Optimizer):
    """Adagrad: G ← G + g²;  p ← p − lr_t·g / (√G + ε),  lr_t = lr / (1 + (t − 1)·η).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-2
        Learning rate.
    lr_decay : float, default 0
        η: the step size decays as ``lr / (1 + (t − 1)·η)`` at step t = 1, 2, ...
    weight_decay : float, default 0
        L2 penalty λ, added to the gradient.
    initial_accumulator_value : float, default 0
        Starting value of every entry of the sum of squares G. As in PyTorch, the state
        (``step`` 0 and G) exists from construction, and a group's own value is ignored:
        G starts at the constructor's value for every parameter.
    eps : float, default 1e-10
        Added to the denominator (after the square root) for numerical stability.
    maximize : bool, default False
        Ascend the objective (use ``−∇p``).
    foreach, differentiable, fused
        PyTorch's implementation switches, accepted as PyTorch accepts them (see
        ``Optimizer``).

    Notes
    -----
    State per parameter: ``'step'`` and ``'sum'`` (G).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            eps=eps,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:  # PyTorch creates Adagrad's state at construction
            for p in group["params"]:
                self.state[p] = tensors_in(self._init_state(p._data, group))

    def share_memory(self) -> None:
        """PyTorch moves the sums to shared memory for worker processes; NumPy state stays
        in this process (as ``Tensor.share_memory_``, workers receive copies): nothing to do."""

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        self._check_range(group, "lr_decay", 0.0)
        self._check_range(group, "initial_accumulator_value", 0.0)

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        # PyTorch's: the constructor's value, even for a group that sets its own (and for a
        # complex parameter, value + value·i)
        value = self.defaults["initial_accumulator_value"]
        fill = complex(value, value) if g.dtype.kind == "c" else value
        return {"step": new_step(group), "sum": np.full_like(g, fill)}

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        clr = group["lr"] / (1 + (step_count(state) - 1) * group["lr_decay"])
        total = state["sum"]
        total += g * g
        std = np.sqrt(total)
        std += group["eps"]
        np.divide(g, std, out=std)
        std *= clr
        return std


class Adadelta(Optimizer):
    """Adadelta: s ← ρs + (1−ρ)g²;  Δ = √(u + ε)/√(s + ε)·g;  u ← ρu + (1−ρ)Δ²;  p ← p − lr·Δ.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1.0
        Scale applied to Δ before it is subtracted.
    rho : float, default 0.9
        Decay rate ρ of both running averages, in [0, 1].
    eps : float, default 1e-6
        Added inside both square roots.
    weight_decay : float, default 0
        L2 penalty λ, added to the gradient.
    maximize : bool, default False
        Ascend the objective (use ``−∇p``).
    foreach, capturable, differentiable
        PyTorch's implementation switches, accepted as PyTorch accepts them (see
        ``Optimizer``).

    Notes
    -----
    State per parameter: ``'step'``, ``'square_avg'`` (s) and ``'acc_delta'`` (u).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _check_hyper(self, group: dict[str, Any]) -> None:
        super()._check_hyper(group)
        self._check_range(group, "rho", 0.0, 1.0)

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": new_step(group), "square_avg": np.zeros_like(g),
                "acc_delta": np.zeros_like(g)}

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        rho, eps = group["rho"], group["eps"]
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * (g * g)
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps)
        delta /= std
        delta *= g
        acc_delta *= rho
        acc_delta += (1 - rho) * (delta * delta)
        delta *= group["lr"]
        return delta


__all__ = ["Adadelta", "Adagrad"]
