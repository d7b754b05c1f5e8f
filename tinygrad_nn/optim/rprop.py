"""Rprop (Riedmiller & Braun, 1993), which steps by the gradient's sign alone, and ASGD
(Polyak & Juditsky, 1992), SGD with a decaying rate and a running average of the iterates."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._step_count import bump_step, new_step
from .adam_variants import loaded_scalar, scalar_state
from .optimizer import Optimizer, ParamsT, check_pair


class Rprop(Optimizer):
    """Rprop: per coordinate, a step size s that grows (×η₊) while the gradient keeps its
    sign and shrinks (×η₋) when it flips; p ← p − sign(g)·s.

    On a flip the gradient is taken as 0 for this step (no move, and no flip seen next
    time), as in PyTorch. Step sizes stay in ``step_sizes``.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-2
        The initial step size of every coordinate.
    etas : (float, float), default (0.5, 1.2)
        (η₋, η₊), with 0 < η₋ < 1 < η₊.
    step_sizes : (float, float), default (1e-6, 50)
        The smallest and largest step size.
    capturable, foreach, maximize, differentiable
        PyTorch's flags: ``maximize`` ascends; the others change no value.

    Notes
    -----
    State per parameter: ``'step'``, ``'prev'`` (the last gradient used) and
    ``'step_size'``. Rprop has no weight decay.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes,
                                      capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _check_hyper(self, group: dict[str, Any]) -> None:
        self._check_range(group, "lr", 0.0)
        etas = group["etas"]
        check_pair("Rprop", "etas", etas)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Rprop: etas must be (eta_minus, eta_plus) with 0 < eta_minus "
                             f"< 1 < eta_plus, got {etas!r}")
        sizes = group["step_sizes"]
        check_pair("Rprop", "step_sizes", sizes)
        group["etas"] = (float(etas[0]), float(etas[1]))
        group["step_sizes"] = (float(sizes[0]), float(sizes[1]))

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": new_step(group), "prev": np.zeros_like(g),
                "step_size": np.full_like(g, group["lr"])}

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        eta_minus, eta_plus = group["etas"]
        prev, size = state["prev"], state["step_size"]
        sign = np.sign(g * prev)
        factor = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus, 1.0))
        size *= factor.astype(size.dtype, copy=False)
        np.clip(size, *group["step_sizes"], out=size)
        # (PyTorch zeroes where the factor is eta_minus, i.e. where the sign flipped)
        np.copyto(prev, g)
        prev[factor == eta_minus] = 0
        return np.sign(prev) * size


class ASGD(Optimizer):
    """Averaged SGD: p ← p(1 − λη) − η·g, then the average a of the iterates since step t₀.

    The rate decays as ηₜ = lr / (1 + λ·lr·t)^α; the average is a ← a + μ(p − a) with
    μ = 1 / max(1, t − t₀) set after step t for the next (so a = p through step t₀ + 2, then
    the mean of the iterates from step t₀ + 2 on). The average is in
    ``state[p]['ax']``; the parameters themselves follow plain (decayed) SGD.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters to optimise, or parameter groups (see ``Optimizer``).
    lr : float, default 1e-2
    lambd : float, default 1e-4
        λ, the decay term.
    alpha : float, default 0.75
        The power α of the rate's decay.
    t0 : float, default 1e6
        The step at which averaging starts.
    weight_decay : float, default 0
        L2 penalty, added to the gradient.
    foreach, maximize, differentiable, capturable
        PyTorch's flags: ``maximize`` ascends; the others change no value.

    Notes
    -----
    State per parameter: ``'step'``, ``'eta'`` and ``'mu'`` (scalars of the default dtype,
    as PyTorch keeps them; of the parameter's dtype once loaded by ``load_state_dict``, as
    PyTorch casts them) and ``'ax'``.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _flat_group(self, group: dict[str, Any], params: list[Tensor],
                    states: list[dict[str, Any]]) -> None:
        return None  # the update writes each parameter itself (see ``_apply``)

    def _apply(self, group: dict[str, Any], params: list[Tensor], g: np.ndarray,
               state: dict[str, Any], owned: bool, flat: Any = None) -> None:
        """PyTorch's order of in-place updates on the parameter (two, not one step)."""
        p = params[0]._data
        if group["maximize"]:
            g = -g
        if not state:
            state.update(step=new_step(group), eta=scalar_state(group["lr"]), mu=scalar_state(1.0),
                         ax=np.zeros_like(p))
        step = bump_step(state)
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        eta, lambd = float(state["eta"]), group["lambd"]
        p *= 1 - lambd * eta
        p -= eta * g
        ax, mu = state["ax"], float(state["mu"])
        if mu != 1:
            ax += (p - ax) * mu
        else:
            np.copyto(ax, p)
        lr = group["lr"]
        if group["foreach"]:  # PyTorch's foreach kernel computes eta on the step tensor
            counter = state["step"]._data.dtype  # (its dtype: the scalar one unless loaded)
            kind = counter.type if counter.kind == "f" else type(scalar_state(0.0))
            one = kind(1.0)
            x = one + kind(lambd * lr) * kind(step)
            x = kind(float(x) ** group["alpha"])  # (pow rounded once, from double)
            # (lr / x as 1/x * lr; copied into eta, whose dtype it keeps, as PyTorch)
            state["eta"] = scalar_state((one / x) * kind(lr), state["eta"])
        else:
            # (PyTorch's torch.as_tensor of a Python float: the default dtype, then copied
            # into eta, whose dtype it keeps: the parameter's once loaded)
            eta = scalar_state(lr / ((1 + lambd * lr * step) ** group["alpha"]))
            state["eta"] = scalar_state(eta, state["eta"])
        state["mu"] = scalar_state(scalar_state(1 / max(1, step - group["t0"])), state["mu"])

    def _load_param_state(self, k: int, p: Tensor, saved: Any,
                          group: dict[str, Any]) -> dict[str, Any]:
        out = super()._load_param_state(k, p, {x: v for x, v in saved.items()
                                                if x not in ("eta", "mu")}, group)
        out.update({x: loaded_scalar(saved[x], p) for x in ("eta", "mu") if x in saved})
        return out


__all__ = ["ASGD", "Rprop"]
