"""Cosine schedules: cosine annealing and cosine annealing with warm restarts (SGDR)."""

from __future__ import annotations

import math

from ._sched_base import (
    LRScheduler,
    _check_period,
    _group_values,
    _warn_get_lr_called_within_step,
)
from .optimizer import Optimizer


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
        _check_period("CosineAnnealingLR", "T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        groups = self.optimizer.param_groups
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return _group_values(self.optimizer, "lr")
        if self._step_count == 1 and e > 0:  # resumed with last_epoch >= 0: no previous lr
            return self._get_closed_form_lr()
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

    def _get_closed_form_lr(self) -> list[float]:
        c = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base - self.eta_min) * c / 2 for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """lr = η_min + (base_lr − η_min)·(1 + cos(π·T_cur / T_i)) / 2, restarting (SGDR).

    ``T_cur`` counts steps since the last restart; a restart happens when it reaches
    ``T_i``, which starts at ``T_0`` and is multiplied by ``T_mult`` at each restart.
    ``step(epoch)`` accepts fractional epochs (``epoch + batch / n_batches``) and computes
    ``T_cur`` and ``T_i`` from it directly (no deprecation warning here, as in PyTorch).

    Parameters
    ----------
    optimizer : Optimizer
    T_0 : int
        Steps until the first restart (positive).
    T_mult : int, default 1
        Growth factor of the period at each restart (>= 1).
    eta_min : float, default 0.0
    last_epoch : int, default -1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        name = type(self).__name__
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"{name}: Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"{name}: Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"{name}: Expected float or int eta_min, but got {eta_min} of type "
                f"{type(eta_min)}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        _warn_get_lr_called_within_step(self)
        c = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base - self.eta_min) * c / 2 for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one step, or jump to (a possibly fractional) ``epoch``."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(
                    f"{type(self).__name__}: Expected non-negative epoch, but got {epoch}"
                )
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    # the restart index n solves T_0·(T_mult^n − 1)/(T_mult − 1) <= epoch
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        self._get_lr_called_within_step = True
        try:
            values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = _group_values(self.optimizer, "lr")


__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]
