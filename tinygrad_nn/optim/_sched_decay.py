"""Per-epoch factor schedules: lambdas, steps, warm-up factors, exponential and polynomial decay.

Each follows PyTorch's chainable form in ``get_lr`` (a multiplier on the current
``group['lr']``) and, where PyTorch has one, its closed form in ``_get_closed_form_lr``.
"""

from __future__ import annotations

import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ._sched_base import (
    LRScheduler,
    _check_optimizer,
    _check_period,
    _check_positive_int,
    _group_values,
    _warn_get_lr_called_within_step,
)
from .optimizer import Optimizer

LrLambda = Callable[[int], float]


class _LambdaScheduler(LRScheduler):
    """Shared by LambdaLR and MultiplicativeLR: one function of the epoch per group, whose
    attributes (for callable objects) travel in the state_dict."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: LrLambda | Sequence[LrLambda],
        last_epoch: int = -1,
    ) -> None:
        name = type(self).__name__
        n = len(_check_optimizer(name, optimizer).param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"{name}: Expected {n} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(
                    f"{name}: lr_lambda should be a function, but got {type(fn).__name__}"
                )
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """As the base, with ``lr_lambdas``: each callable object's ``__dict__``, ``None``
        for plain functions and lambdas (code is never saved)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [])
        super().load_state_dict(state)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs:
                fn.__dict__.update(attrs)


class LambdaLR(_LambdaScheduler):
    """lr_e = base_lr · λ(e), with λ a function of the epoch (one per group, or shared).

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``lr_lambda(epoch) -> float`` multiplier.
    last_epoch : int, default -1
    """

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """lr_e = lr_{e−1} · λ(e) for e ≥ 1 (so lr_e = base_lr · ∏_{k=1..e} λ(k)).

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``lr_lambda(epoch) -> float`` factor applied at each step.
    last_epoch : int, default -1
    """

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        return [
            group["lr"] * fn(self.last_epoch)
            for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups)
        ]


class StepLR(LRScheduler):
    """lr_e = base_lr · γ^⌊e / step_size⌋ (applied recursively: ×γ every step_size epochs)."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        # (PyTorch takes any number: StepLR(opt, 1.0) as the transformer tutorial writes it)
        _check_period("StepLR", "step_size", step_size)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr_e = base_lr · γ^(number of milestones ≤ e); a repeated milestone counts twice."""

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        if self.last_epoch not in self.milestones:
            return _group_values(self.optimizer, "lr")
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        k = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**k for base in self.base_lrs]

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """As the base; ``milestones`` may come back as a dict ``{epoch: count}`` or a list."""
        state = dict(state_dict)
        if "milestones" in state:
            saved = state["milestones"]
            pairs = saved.items() if isinstance(saved, Mapping) else Counter(saved).items()
            state["milestones"] = Counter({int(m): int(c) for m, c in pairs})
        super().load_state_dict(state)


class ConstantLR(LRScheduler):
    """lr_e = base_lr · factor for e < total_iters, then base_lr (÷factor once, at total_iters).

    Parameters
    ----------
    optimizer : Optimizer
    factor : float, default 1/3
        In [0, 1].
    total_iters : int, default 5
    last_epoch : int, default -1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError(
                "ConstantLR: Constant multiplicative factor expected to be between 0 and 1. "
                f"Got {factor!r}."
            )
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in groups]
        if self.last_epoch != self.total_iters:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * (1.0 / self.factor) for group in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [
            base * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
            for base in self.base_lrs
        ]


class LinearLR(LRScheduler):
    """lr_e = base_lr · (s + (t − s) · min(e, total_iters) / total_iters), s → t linearly.

    Chainable form (PyTorch's): lr_e = lr_{e−1} · (1 + (t − s) / (T·s + (e − 1)(t − s)))
    for 1 ≤ e ≤ T, with s = start_factor, t = end_factor, T = total_iters.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, default 1/3
        In (0, 1].
    end_factor : float, default 1.0
        In [0, 1].
    total_iters : int, default 5
    last_epoch : int, default -1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "LinearLR: Starting multiplicative factor expected to be greater than 0 and "
                f"less or equal to 1. Got {start_factor!r}."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                "LinearLR: Ending multiplicative factor expected to be between 0 and 1. "
                f"Got {end_factor!r}."
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_values(self.optimizer, "lr")
        s, t = self.start_factor, self.end_factor
        ratio = 1.0 + (t - s) / (self.total_iters * s + (self.last_epoch - 1) * (t - s))
        return [group["lr"] * ratio for group in groups]

    def _get_closed_form_lr(self) -> list[float]:
        s, t = self.start_factor, self.end_factor
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (s + (t - s) * frac) for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr_e = base_lr · γ^e (applied recursively: ×γ every epoch)."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        # on resume (last_epoch >= 0) the constructor's step must not decay once more
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr_e = base_lr · (1 − min(e, total_iters) / total_iters)^power.

    Chainable form (PyTorch's): lr_e = lr_{e−1} · ((1 − e/T) / (1 − (e − 1)/T))^power for
    1 ≤ e ≤ T; the rate stays at its last value (0 when it reached T) afterwards.

    Parameters
    ----------
    optimizer : Optimizer
    total_iters : int, default 5
    power : float, default 1.0
    last_epoch : int, default -1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        if self._is_initial or self.last_epoch > self.total_iters:
            return _group_values(self.optimizer, "lr")
        e, T = self.last_epoch, self.total_iters
        decay = ((1.0 - e / T) / (1.0 - (e - 1) / T)) ** self.power
        return [group["lr"] * decay for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (1.0 - frac) ** self.power for base in self.base_lrs]


class InverseTimeDecayLR(LRScheduler):
    """lr_e = lr₀ / (1 + decay_rate · ⌊e / time_interval⌋).

    The inverse-time decay of the deep-learning course, in its two forms:

    - plain, every epoch (``time_interval=1``): ``lr = lr₀ / (1 + decay_rate · epoch)``;
    - scheduled, in steps: ``lr = lr₀ / (1 + decay_rate · floor(epoch / time_interval))``,
      so the rate is constant for ``time_interval`` epochs and then drops.

    It is computed from the closed form (no accumulated rounding). The same schedule as a
    ``LambdaLR``::

        LambdaLR(opt, lambda e: 1 / (1 + decay_rate * (e // time_interval)))

    Parameters
    ----------
    optimizer : Optimizer
    decay_rate : float
        Non-negative decay rate.
    time_interval : int, default 1
        Number of epochs between drops.
    last_epoch : int, default -1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        decay_rate: float,
        time_interval: int = 1,
        last_epoch: int = -1,
    ) -> None:
        if (
            isinstance(decay_rate, bool)
            or not isinstance(decay_rate, (int, float))
            or not (decay_rate >= 0)
        ):
            raise ValueError(
                f"InverseTimeDecayLR: decay_rate must be a number >= 0, got {decay_rate!r}"
            )
        self.decay_rate = float(decay_rate)
        self.time_interval = _check_positive_int(self, "time_interval", time_interval)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        return self._get_closed_form_lr()

    def _get_closed_form_lr(self) -> list[float]:
        k = self.last_epoch // self.time_interval
        return [base / (1 + self.decay_rate * k) for base in self.base_lrs]


__all__ = [
    "ConstantLR",
    "ExponentialLR",
    "InverseTimeDecayLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "PolynomialLR",
    "StepLR",
]
