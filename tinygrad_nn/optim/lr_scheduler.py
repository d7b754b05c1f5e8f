"""Learning-rate schedules: each ``step()`` (once per epoch) rewrites ``group['lr']``.

Usage, as in PyTorch::

    opt = SGD(model.parameters(), lr=0.1)
    sched = StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, opt)      # calls opt.step()
        sched.step()

Constructing a scheduler sets ``group['initial_lr']`` (the ``base_lrs``) and performs
the epoch-0 step, which leaves the learning rates at their initial values.
"""

from __future__ import annotations

import math
import types
import warnings
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .optimizer import Optimizer


class LRScheduler:
    """Base class: lr_e = schedule(e, base_lr) for epoch e = ``last_epoch``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser whose groups' ``'lr'`` is set.
    last_epoch : int, default -1
        Index of the last epoch; ``-1`` starts afresh. A value ``>= 0`` resumes a run and
        requires every group to hold ``'initial_lr'`` (restore the optimiser first).

    Subclasses implement ``get_lr`` (the next learning rates, often recursively from the
    current ones, as PyTorch does) and may implement ``_closed_form`` (lr at any epoch).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: last_epoch={last_epoch} resumes a schedule, "
                        f"but param_groups[{i}] has no 'initial_lr'; load the optimiser's "
                        "state_dict first, or use last_epoch=-1"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for epoch ``last_epoch``, one per parameter group."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the most recent ``step()``."""
        return list(self._last_lr)

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (``last_epoch += 1``) and set each group's ``'lr'``.

        Passing ``epoch`` jumps there, using the closed form when the schedule has one
        (deprecated in PyTorch; kept for old scripts).
        """
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            warnings.warn(
                "passing an epoch to scheduler.step() is deprecated; call step() once per "
                "epoch instead",
                DeprecationWarning,
                stacklevel=2,
            )
            self.last_epoch = int(epoch)
            closed = getattr(self, "_closed_form", None)
            values = closed() if closed is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimiser (numbers and lists, HDF5-friendly)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore attributes saved by ``state_dict`` (the optimiser is not touched)."""
        state = dict(state_dict)
        n = len(self.optimizer.param_groups)
        for key in ("base_lrs", "_last_lr"):
            if key in state:
                values = [float(x) for x in state[key]]
                if len(values) != n:
                    raise ValueError(
                        f"{type(self).__name__}.load_state_dict: {key} has {len(values)} "
                        f"entries, the optimiser has {n} parameter group(s)"
                    )
                state[key] = values
        for key in ("last_epoch", "_step_count"):
            if key in state:
                state[key] = int(state[key])
        self.__dict__.update(state)


def _check_positive_int(owner: object, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{type(owner).__name__}: {name} must be a positive int, got {value!r}")
    return value


class LambdaLR(LRScheduler):
    """lr_e = base_lr · λ(e), with λ a function of the epoch (one per group, or shared).

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``lr_lambda(epoch) -> float`` multiplier.
    last_epoch : int, default -1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LambdaLR: expected an Optimizer, got {type(optimizer).__name__}")
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(
                    f"LambdaLR: expected {n} lr_lambdas (one per group), got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be callable, got {fn!r}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base, with each lambda's ``__dict__`` (``{}`` for plain functions)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            {} if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
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


class StepLR(LRScheduler):
    """lr_e = base_lr · γ^⌊e / step_size⌋ (applied recursively: ×γ every step_size epochs)."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = _check_positive_int(self, "step_size", step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]

    def _closed_form(self) -> list[float]:
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
        groups = self.optimizer.param_groups
        if self.last_epoch not in self.milestones:
            return [group["lr"] for group in groups]
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in groups]

    def _closed_form(self) -> list[float]:
        k = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**k for base in self.base_lrs]

    def state_dict(self) -> dict[str, Any]:
        """As the base, with ``milestones`` as a sorted list (repeats kept)."""
        state = super().state_dict()
        state["milestones"] = sorted(self.milestones.elements())
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        state = dict(state_dict)
        if "milestones" in state:
            state["milestones"] = Counter(int(m) for m in state["milestones"])
        super().load_state_dict(state)


class ExponentialLR(LRScheduler):
    """lr_e = base_lr · γ^e (applied recursively: ×γ every epoch)."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]

    def _closed_form(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr_e = η_min + (base_lr − η_min)·(1 + cos(π·e / T_max)) / 2.

    Computed with PyTorch's recursive form, which also follows any change a user makes
    to ``group['lr']`` between steps::

        lr_e = η_min + (lr_{e−1} − η_min) · (1 + cos(π e / T)) / (1 + cos(π (e − 1) / T))

    and, at the restart points ``(e − 1 − T) mod 2T = 0`` where that ratio is 0/0,
    ``lr_e = lr_{e−1} + (base_lr − η_min)·(1 − cos(π / T)) / 2``. Past ``T_max`` the
    schedule climbs back up (a cosine of period 2·T_max); it is not restarted.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = _check_positive_int(self, "T_max", T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return [group["lr"] for group in groups]
        if (e - 1 - T) % (2 * T) == 0:
            return [
                group["lr"] + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base, group in zip(self.base_lrs, groups)
            ]
        return [
            (1 + math.cos(math.pi * e / T))
            / (1 + math.cos(math.pi * (e - 1) / T))
            * (group["lr"] - eta_min)
            + eta_min
            for group in groups
        ]

    def _closed_form(self) -> list[float]:
        c = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * c / 2 for base in self.base_lrs]


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
        return self._closed_form()

    def _closed_form(self) -> list[float]:
        k = self.last_epoch // self.time_interval
        return [base / (1 + self.decay_rate * k) for base in self.base_lrs]


__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "InverseTimeDecayLR",
    "LRScheduler",
    "LambdaLR",
    "MultiStepLR",
    "StepLR",
]
