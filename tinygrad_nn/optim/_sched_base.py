"""The scheduler base class and the helpers every schedule shares (PyTorch's ``LRScheduler``).

A scheduler owns no learning rate of its own: each ``step()`` computes one rate per parameter
group and writes it into ``group['lr']``. Most schedules are *chainable*: ``get_lr`` derives
the next rate from the current ``group['lr']`` (so other schedulers and the user can change
it in between), and ``_get_closed_form_lr`` gives the rate at any epoch from ``base_lrs``,
used when ``step(epoch)`` jumps.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Mapping
from functools import update_wrapper
from typing import Any

from .._warn import user_stacklevel
from .optimizer import Optimizer

# PyTorch's wording, so a ported script's warning filters keep matching
EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)


class ZeroPeriodError(ValueError, ZeroDivisionError):
    """A schedule's period of 0 (PyTorch divides by it: ZeroDivisionError; also ValueError)."""


class PeriodTypeError(ValueError, TypeError):
    """A schedule's period that is not a number (PyTorch's arithmetic on it: TypeError)."""


def _check_period(owner: str, name: str, value: Any) -> None:
    """A period must be a positive number; 0 and non-numbers raise PyTorch's types too."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PeriodTypeError(f"{owner}: {name} must be a positive number, got {value!r}")
    if value == 0:
        raise ZeroPeriodError(f"{owner}: {name} must be a positive number, got {value!r}")
    if not value > 0:  # (PyTorch runs with a negative one, to meaningless rates)
        raise ValueError(f"{owner}: {name} must be a positive number, got {value!r}")


def _check_optimizer(owner: str, optimizer: Any) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: {type(optimizer).__name__} is not an Optimizer")
    return optimizer


def _check_positive_int(owner: object, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{type(owner).__name__}: {name} must be a positive int, got {value!r}")
    return value


def _format_param(name: str, optimizer: Optimizer, param: Any) -> list[Any]:
    """One value per parameter group: a list/tuple of that length, or a scalar repeated."""
    n = len(optimizer.param_groups)
    if isinstance(param, (list, tuple)):
        if len(param) != n:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(param)} values, param_groups has {n}."
            )
        return list(param)
    return [param] * n


def _group_values(optimizer: Optimizer, key: str) -> list[Any]:
    """``[group[key] for group in param_groups]``; a missing key raises ``KeyError``."""
    return [group[key] for group in optimizer.param_groups]


def _warn_get_lr_called_within_step(scheduler: LRScheduler) -> None:
    if not scheduler._get_lr_called_within_step:
        warnings.warn(
            "To get the last learning rate computed by the scheduler, please use "
            "`get_last_lr()`.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


class _TrackedStep:
    """``optimizer.step`` wrapped on the instance, as PyTorch does, so the scheduler's first
    ``step()`` can warn when no optimiser step came before it (a schedule then skips its
    first value).

    It holds the optimiser weakly (it must not keep it alive), and a copy or an unpickled
    optimiser gets a wrapper of its own: a copied plain closure would step the original.
    """

    _wrapped_by_lr_sched = True

    def __init__(self, optimizer: Optimizer, func: Callable[..., Any]) -> None:
        self._opt = weakref.ref(optimizer)
        self.__wrapped__ = func
        update_wrapper(self, func)  # help(opt.step) still shows the optimiser's step

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        opt = self._opt()
        if opt is None:  # only reachable as `temporary_copy.step()`: nothing holds the copy
            raise RuntimeError(
                "optimizer.step: the optimiser was garbage-collected while its step method "
                "was fetched; keep a reference to the optimiser (e.g. opt = copy(...); "
                "opt.step())"
            )
        opt._opt_called = True  # type: ignore[attr-defined]
        return self.__wrapped__(opt, *args, **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> _TrackedStep:
        opt = self._opt()
        assert opt is not None
        return _TrackedStep(memo.get(id(opt), opt), self.__wrapped__)

    def __reduce__(self) -> tuple[Any, ...]:
        # by name: the class's step is a hook wrapper (see optim._hooks), not picklable
        return _retrack, (self._opt(), self.__wrapped__.__name__)


def _retrack(optimizer: Optimizer, name: str) -> _TrackedStep:
    """An unpickled optimiser's tracked step: its class's method ``name`` wrapped again."""
    return _TrackedStep(optimizer, getattr(type(optimizer), name))


def _track_optimizer_steps(optimizer: Optimizer) -> None:
    if hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        return
    func = optimizer.step.__func__  # type: ignore[attr-defined]
    optimizer.step = _TrackedStep(optimizer, func)  # type: ignore[method-assign]


class LRScheduler:
    """Base class: lr_e = schedule(e, base_lr) for epoch e = ``last_epoch``, one per group.

    Parameters
    ----------
    optimizer : Optimizer
        The optimiser whose groups' ``'lr'`` is set.
    last_epoch : int, default -1
        Index of the last epoch; ``-1`` starts afresh. A value ``>= 0`` resumes a run and
        requires every group to hold ``'initial_lr'`` (restore the optimiser first).

    Attributes
    ----------
    base_lrs : list of float
        Each group's ``'initial_lr'`` (set from ``'lr'`` when the first scheduler is made).
    last_epoch : int
        The epoch (or batch, for per-batch schedules) of the rates last set.

    Subclasses implement ``get_lr`` (the next rates, often from the current ones, as
    PyTorch does) and may implement ``_get_closed_form_lr`` (the rates at any epoch).
    Constructing a scheduler performs the epoch-0 step.
    """

    _get_lr_called_within_step: bool = False
    _is_initial: bool = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self.optimizer = _check_optimizer(type(self).__name__, optimizer)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: param 'initial_lr' is not specified in "
                        f"param_groups[{i}] when resuming scheduler with last_epoch >= 0 "
                        f"(got last_epoch={last_epoch}); load the optimiser's state_dict "
                        "first, or use last_epoch=-1 for a fresh run"
                    )
        self.base_lrs: list[float] = _group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _track_optimizer_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and perform the constructor's step (``_is_initial`` set)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for epoch ``last_epoch``, one per parameter group.

        Called by ``step()``; to read the current rates use ``get_last_lr()``.
        """
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the most recent ``step()``, one per group."""
        return list(self._last_lr)

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (``last_epoch += 1``) and set each group's ``'lr'``.

        Call it after the epoch's ``optimizer.step()`` calls (it warns otherwise, as
        PyTorch does). Passing ``epoch`` is deprecated (a ``UserWarning``): it jumps there,
        using the closed form where the schedule has one.
        """
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(
                    "Seems like `optimizer.step()` has been overridden after learning rate "
                    "scheduler initialization. Please, make sure to call `optimizer.step()` "
                    "before `lr_scheduler.step()`. See more details at "
                    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(
                    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
                    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
                    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
                    "will result in PyTorch skipping the first value of the learning rate "
                    "schedule. See more details at "
                    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=user_stacklevel())
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Move to ``last_epoch + 1`` (chainable form) or to ``epoch`` (closed form when
        there is one) and write the rates into the groups."""
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed: Callable[[], list[float]] | None = getattr(
                    self, "_get_closed_form_lr", None
                )
                values = closed() if closed is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = _group_values(self.optimizer, "lr")

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimiser (numbers, strings and lists: saveable)."""
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
        self.__dict__.update(state)


class _LRScheduler(LRScheduler):
    """PyTorch's old name for ``LRScheduler``, kept for scripts that subclass it."""


__all__ = ["EPOCH_DEPRECATION_WARNING", "LRScheduler"]
