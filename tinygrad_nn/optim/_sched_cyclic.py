"""Cyclic per-batch schedules: CLR (``CyclicLR``) and 1cycle (``OneCycleLR``).

Both are per-batch schedules (call ``step()`` after every batch) and
cycle the optimiser's momentum, or Adam's β₁, inversely to the learning rate.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Literal

from ._sched_base import (
    LRScheduler,
    _check_optimizer,
    _format_param,
    _warn_get_lr_called_within_step,
)
from .optimizer import Optimizer


class _MomentumCycler(LRScheduler):
    """Shared by CyclicLR and OneCycleLR: the optimiser's momentum, or Adam's β₁, moves
    inversely to the rate, between ``base_momentum`` and ``max_momentum``."""

    use_beta1: bool  # set when cycle_momentum: cycle betas[0] rather than momentum

    def _init_momentum_cycle(
        self, base_momentum: Any, max_momentum: Any, last_epoch: int
    ) -> tuple[list[float], list[float]]:
        """Check the optimiser has a momentum (or β₁) to cycle, set ``use_beta1``, and on a
        fresh start put ``max_momentum`` in every group with both bounds; returns them."""
        optimizer = self.optimizer
        if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
            raise ValueError(
                f"{type(self).__name__}: optimizer must support momentum or beta1 with "
                f"`cycle_momentum` option enabled; {type(optimizer).__name__} has neither "
                "(pass cycle_momentum=False)"
            )
        self.use_beta1 = "betas" in optimizer.defaults
        base = _format_param("base_momentum", optimizer, base_momentum)
        top = _format_param("max_momentum", optimizer, max_momentum)
        if last_epoch == -1:
            for m_top, m_base, group in zip(top, base, optimizer.param_groups):
                self._set_momentum(group, m_top)
                group["max_momentum"] = m_top
                group["base_momentum"] = m_base
        return base, top

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value


class CyclicLR(_MomentumCycler):
    """lr = base_lr + (max_lr − base_lr)·max(0, 1 − |x|)·scale, a triangle per cycle (CLR).

    With ``n = last_epoch`` (batches so far), ``cycle = ⌊1 + n / (up + down)⌋`` and
    ``x = 1 + n/(up + down) − cycle`` in [0, 1): the rate rises for ``x ≤ up/(up+down)``
    (height ``x / ratio``) and falls after (``(x − 1)/(ratio − 1)``). ``scale`` is
    ``scale_fn(cycle)`` or ``scale_fn(n)``: 1 (triangular), 1/2^(cycle−1) (triangular2),
    γ^n (exp_range), or your own. Momentum (or β₁) moves the other way, from
    ``max_momentum`` down to ``base_momentum`` at the peak.

    Parameters
    ----------
    optimizer : Optimizer
    base_lr, max_lr : float or list of float
        The cycle's bounds, per group. ``base_lr`` replaces the groups' ``'lr'``.
    step_size_up : int, default 2000
    step_size_down : int, optional
        Defaults to ``step_size_up``.
    mode : {'triangular', 'triangular2', 'exp_range'}, default 'triangular'
    gamma : float, default 1.0
        The base of ``exp_range``.
    scale_fn : callable, optional
        Overrides ``mode``; ``scale_mode`` then says what it is a function of.
    scale_mode : {'cycle', 'iterations'}, default 'cycle'
    cycle_momentum : bool, default True
    base_momentum, max_momentum : float or list of float, default 0.8, 0.9
    last_epoch : int, default -1
        The index of the last *batch*.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        self.optimizer = _check_optimizer(type(self).__name__, optimizer)
        base_lrs = _format_param("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _format_param("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(
                f"CyclicLR: mode is invalid and scale_fn is None: got mode={mode!r}, expected "
                "'triangular', 'triangular2' or 'exp_range'"
            )
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_ref: Callable[[float], float]
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.base_momentums, self.max_momentums = self._init_momentum_cycle(
                base_momentum, max_momentum, last_epoch
            )
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self) -> None:
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref = self._triangular_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref = self._triangular2_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "exp_range":
            self._scale_fn_ref = partial(self._exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at ``x`` (the cycle number or the iteration)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    @staticmethod
    def _triangular_scale_fn(x: float) -> float:
        return 1.0

    @staticmethod
    def _triangular2_scale_fn(x: float) -> float:
        return 1 / (2.0 ** (x - 1))

    @staticmethod
    def _exp_range_scale_fn(gamma: float, x: float) -> float:
        return gamma**x

    def get_lr(self) -> list[float]:
        """The rates at batch ``last_epoch``; also sets the cycled momentum (a side effect)."""
        _warn_get_lr_called_within_step(self)
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        at = cycle if self.scale_mode == "cycle" else self.last_epoch
        # scale_fn is called once per value, as PyTorch does (a stateful one sees the same)
        lrs = [
            base + (top - base) * scale_factor * self.scale_fn(at)
            for base, top in zip(self.base_lrs, self.max_lrs)
        ]
        if self.cycle_momentum:
            for group, m_base, m_top in zip(
                self.optimizer.param_groups, self.base_momentums, self.max_momentums
            ):
                momentum = m_top - (m_top - m_base) * scale_factor * self.scale_fn(at)
                self._set_momentum(group, momentum)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """As the base, without the scale function's code: ``_scale_fn_custom`` is a
        callable object's ``__dict__``, or ``None``."""
        state = super().state_dict()
        state.pop("_scale_fn_ref", None)
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = (
            None if fn is None or isinstance(fn, types.FunctionType) else dict(fn.__dict__)
        )
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        state = dict(state_dict)
        attrs = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if attrs is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(attrs)
        self._init_scale_fn()


def _phase(
    end_step: float, start_lr: str, end_lr: str, start_momentum: str, end_momentum: str
) -> dict[str, Any]:
    return {"end_step": end_step, "start_lr": start_lr, "end_lr": end_lr,
            "start_momentum": start_momentum, "end_momentum": end_momentum}


class OneCycleLR(_MomentumCycler):
    """The 1cycle policy: lr anneals initial_lr → max_lr → min_lr over ``total_steps`` batches.

    ``initial_lr = max_lr / div_factor`` and ``min_lr = initial_lr / final_div_factor``.
    Phases (step n, each annealed by ``anneal(start, end, pct)``, cosine
    ``end + (start − end)·(1 + cos(π·pct))/2`` or linear ``start + (end − start)·pct``):

    - two phases (default, fastai's): initial → max over ``pct_start·total − 1`` steps,
      then max → min until step ``total − 1``;
    - ``three_phase=True`` (the paper's): initial → max, max → initial (symmetric), then
      initial → min.

    Momentum (or Adam's β₁) runs the other way, max_momentum → base_momentum → max_momentum.
    Stepping past ``total_steps`` raises ``ValueError``. Not chainable.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
    total_steps : int, optional
        Or give ``epochs`` and ``steps_per_epoch`` (total = their product).
    epochs, steps_per_epoch : int, optional
    pct_start : float, default 0.3
    anneal_strategy : {'cos', 'linear'}, default 'cos'
    cycle_momentum : bool, default True
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
    div_factor : float, default 25.0
    final_div_factor : float, default 1e4
    three_phase : bool, default False
    last_epoch : int, default -1
        The index of the last *batch*.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        name = type(self).__name__
        self.optimizer = _check_optimizer(name, optimizer)
        if total_steps is not None:
            if total_steps <= 0 or not isinstance(total_steps, int):
                raise ValueError(
                    f"{name}: Expected positive integer total_steps, but got {total_steps}"
                )
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"{name}: Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(
                    f"{name}: Expected positive integer steps_per_epoch, but got "
                    f"{steps_per_epoch}"
                )
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(
                f"{name}: You must define either total_steps OR (epochs AND steps_per_epoch)"
            )
        total = self.total_steps
        # PyTorch's layout (also its state_dict entry): per phase, its last step and the
        # group keys the rate and the momentum anneal between
        self._schedule_phases = [
            _phase(float(pct_start * total) - 1, "initial_lr", "max_lr", "max_momentum",
                   "base_momentum")
        ]
        if three_phase:
            self._schedule_phases += [
                _phase(float(2 * pct_start * total) - 2, "max_lr", "initial_lr",
                       "base_momentum", "max_momentum"),
                _phase(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._schedule_phases.append(
                _phase(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")
            )
        if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
            raise ValueError(
                f"{name}: Expected float between 0 and 1 pct_start, but got {pct_start}"
            )
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{name}: anneal_strategy must be one of 'cos' or 'linear', instead got "
                f"{anneal_strategy}"
            )
        self._anneal_func_type = anneal_strategy
        max_lrs = _format_param("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for top, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._init_momentum_cycle(base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)

    def _anneal_func(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return self._annealing_cos(start, end, pct)
        return self._annealing_linear(start, end, pct)

    @staticmethod
    def _annealing_cos(start: float, end: float, pct: float) -> float:
        """Cosine anneal from ``start`` to ``end`` as pct goes from 0 to 1."""
        cos_out = math.cos(math.pi * pct) + 1
        return end + (start - end) / 2.0 * cos_out

    @staticmethod
    def _annealing_linear(start: float, end: float, pct: float) -> float:
        """Linear anneal from ``start`` to ``end`` as pct goes from 0 to 1."""
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        """The rates at batch ``last_epoch``; also sets the cycled momentum (a side effect)."""
        _warn_get_lr_called_within_step(self)
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(
                f"{type(self).__name__}: Tried to step {step_num} times. The specified number "
                f"of total steps is {self.total_steps}"
            )
        lrs = []
        last = len(self._schedule_phases) - 1
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == last:
                    pct = (step_num - start_step) / (end_step - start_step)
                    lrs.append(
                        self._anneal_func(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    )
                    if self.cycle_momentum:
                        momentum = self._anneal_func(
                            group[phase["start_momentum"]], group[phase["end_momentum"]], pct
                        )
                        self._set_momentum(group, momentum)
                    break
                start_step = phase["end_step"]
        return lrs


__all__ = ["CyclicLR", "OneCycleLR"]
