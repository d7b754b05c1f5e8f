"""Weight averaging, PyTorch's ``torch.optim.swa_utils``: Stochastic Weight Averaging (SWA,
Izmailov et al., 2018) and exponential moving averages (EMA) of a model's weights.

``AveragedModel`` keeps a deep copy of a module whose parameters (and, with
``use_buffers=True``, buffers) are a running average of the trained model's;
``SWALR`` anneals each group's learning rate to a constant SWA rate; ``update_bn``
recomputes BatchNorm statistics for the averaged weights with one pass over the data.
The averaging functions run the same tensor operations as PyTorch's (a ``lerp_`` for
floating tensors; for integer buffers, arithmetic whose result is cast back on the copy),
so the averaged values follow PyTorch's, including its dtype rules and its errors.

Usage, as in PyTorch::

    swa_model = AveragedModel(model)
    swa_sched = SWALR(opt, swa_lr=0.05)
    for epoch in range(epochs):
        train_one_epoch(model, opt)
        if epoch >= swa_start:
            swa_model.update_parameters(model)
            swa_sched.step()
    update_bn(loader, swa_model)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from itertools import chain
from typing import Any, Literal

from ..creation import tensor
from ..dtypes import int64
from ..grad_mode import no_grad
from ..nn.module import Module
from ..nn.norm import _BatchNorm
from ..tensor import Tensor
from ._sched_base import LRScheduler, _format_param, _warn_get_lr_called_within_step
from .optimizer import Optimizer

ParamList = Sequence[Tensor]
AvgFn = Callable[[Tensor, Tensor, "Tensor | int"], Tensor]
MultiAvgFn = Callable[[ParamList, ParamList, "Tensor | int"], None]


def _is_float(t: Tensor) -> bool:
    return t.dtype.kind in "fc"


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay: float = 0.999) -> MultiAvgFn:
    """An in-place EMA over lists of tensors: ``W_ema ← decay·W_ema + (1 − decay)·W_model``.

    Floating tensors move by ``lerp_(W_model, 1 − decay)``; integer ones (e.g. a BatchNorm's
    ``num_batches_tracked`` with ``use_buffers=True``) get the float expression cast back on
    the copy, as in PyTorch. ``decay`` must be in [0, 1] (``ValueError`` otherwise).
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param_list: ParamList, current_param_list: ParamList, _: Any) -> None:
        if _is_float(ema_param_list[0]):
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.lerp_(p_model, 1 - decay)
        else:
            for p_ema, p_model in zip(ema_param_list, current_param_list, strict=True):
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> MultiAvgFn:
    """An in-place equal-weight average over lists of tensors:
    ``W_avg ← W_avg + (W_model − W_avg) / (n + 1)`` after ``n`` averaged models.

    For floating tensors this is ``lerp_(W_model, 1 / (n + 1))``, the weight computed as
    PyTorch computes it (from a tensor ``n``: a float32 number under the default dtype).
    Integer tensors with a tensor ``n`` fail as PyTorch's ``addcdiv_`` fails.
    """

    @no_grad()
    def swa_update(averaged_param_list: ParamList, current_param_list: ParamList,
                   num_averaged: Tensor | int) -> None:
        if _is_float(averaged_param_list[0]):
            weight = 1 / (num_averaged + 1)
            w = weight.item() if isinstance(weight, Tensor) else weight
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg.lerp_(p_model, w)
            return
        diffs = [c - a for c, a in zip(current_param_list, averaged_param_list)]
        for p_avg, diff in zip(averaged_param_list, diffs):
            if isinstance(num_averaged, Tensor):
                p_avg.addcdiv_(diff, num_averaged + 1)
            else:
                p_avg.add_(diff, alpha=1.0 / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The EMA of one tensor, returned: ``decay·W_ema + (1 − decay)·W_model``.

    ``decay`` must be in [0, 1] (``ValueError`` otherwise).
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> AvgFn:
    """The equal-weight average of one tensor, returned:
    ``W_avg + (W_model − W_avg) / (n + 1)`` after ``n`` averaged models."""

    @no_grad()
    def swa_update(averaged_param: Tensor, current_param: Tensor,
                   num_averaged: Tensor | int) -> Tensor:
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def _group_by_dtype(averaged: list[Tensor], current: list[Tensor]
                    ) -> list[tuple[list[Tensor], list[Tensor]]]:
    """Pairs grouped by the averaged tensor's dtype, as PyTorch groups them for its
    multi-tensor kernels (both tensors of a pair alike), and in its order: the dtype seen
    last first (its C++ hash map hands the groups out newest first)."""
    groups: dict[Any, tuple[list[Tensor], list[Tensor]]] = {}
    for a, c in zip(averaged, current):
        if a.dtype != c.dtype:
            raise RuntimeError(
                "Tensors of the same index must be on the same device and the same dtype "
                f"except `step` tensors that can be CPU and float32/64 notwithstanding: got an "
                f"averaged tensor of dtype {a.dtype} and a model tensor of dtype {c.dtype}")
        mine, theirs = groups.setdefault(a.dtype, ([], []))
        mine.append(a)
        theirs.append(c)
    return list(reversed(groups.values()))


class AveragedModel(Module):
    """A copy of ``model`` whose weights are a running average of ``model``'s (SWA or EMA).

    Parameters
    ----------
    model : Module
        The model to average; it is deep-copied into ``self.module``.
    device : str, optional
        Where the copy lives (``'cpu'``: the only device here).
    avg_fn : callable, optional
        ``avg_fn(averaged, current, n_averaged) -> Tensor``: the new value of one averaged
        tensor (see ``get_ema_avg_fn``). Default: the equal-weight average (SWA).
    multi_avg_fn : callable, optional
        ``multi_avg_fn(averaged_list, current_list, n_averaged)``: updates the averaged
        tensors in place, called once per dtype (see ``get_ema_multi_avg_fn``). Give at most
        one of ``avg_fn`` and ``multi_avg_fn`` (``AssertionError``, as PyTorch).
    use_buffers : bool, default False
        Average the buffers too (e.g. BatchNorm's running statistics); otherwise the
        buffers are copied from ``model`` on each update.

    Attributes
    ----------
    module : Module
        The averaged copy; ``forward`` calls it.
    n_averaged : Tensor
        A 0-d int64 buffer: how many models have been averaged (saved in ``state_dict``).

    Notes
    -----
    The first ``update_parameters`` copies ``model``'s values; later ones apply the
    averaging function. ``avg_fn`` and ``multi_avg_fn`` are not part of the ``state_dict``.
    """

    n_averaged: Tensor

    def __init__(self, model: Module, device: Any = None, avg_fn: AvgFn | None = None,
                 multi_avg_fn: MultiAvgFn | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """``self.module(*args, **kwargs)``."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Average ``model``'s current weights into this copy and count it in ``n_averaged``.

        Parameters (with ``use_buffers``, parameters then buffers) are paired in order; the
        first call copies them, later calls apply ``avg_fn`` / ``multi_avg_fn`` (default
        SWA). Without ``use_buffers`` the buffers are copied from ``model``.
        """
        with no_grad():
            self._update(model)

    def _update(self, model: Module) -> None:
        mine: Iterable[Tensor] = (chain(self.module.parameters(), self.module.buffers())
                                  if self.use_buffers else self.parameters())
        theirs: Iterable[Tensor] = (chain(model.parameters(), model.buffers())
                                    if self.use_buffers else model.parameters())
        averaged, current = [], []
        copy_param = bool(self.n_averaged == 0)
        for p_averaged, p_model in zip(mine, theirs):
            averaged.append(p_averaged.detach())
            current.append(p_model.detach())
            if copy_param:
                averaged[-1].copy_(current[-1])
        if self.n_averaged > 0:
            if self.multi_avg_fn is not None or self.avg_fn is None:
                for mine_g, theirs_g in _group_by_dtype(averaged, current):
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(mine_g, theirs_g, self.n_averaged)
                    else:  # (PyTorch's CPU path: one tensor at a time)
                        swa = get_swa_avg_fn()
                        for a, c in zip(mine_g, theirs_g, strict=True):
                            a.copy_(swa(a, c, self.n_averaged))
            else:
                for a, c in zip(averaged, current, strict=True):
                    a.copy_(self.avg_fn(a, c, self.n_averaged))
        if not self.use_buffers:
            for b_swa, b_model in zip(self.module.buffers(), model.buffers(), strict=True):
                b_swa.detach().copy_(b_model.detach())
        self.n_averaged += 1


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute every BatchNorm layer's running mean and variance with one pass over
    ``loader`` (e.g. after averaging weights with ``AveragedModel``).

    The statistics are reset and accumulated as a cumulative average (``momentum=None``)
    in training mode, without gradients; each layer's momentum and the model's training
    mode are restored afterwards. A batch is a Tensor, or a list/tuple whose first element
    is the input. A model without BatchNorm layers is left untouched.
    """
    with no_grad():
        momenta: dict[_BatchNorm, Any] = {}
        for module in model.modules():
            if isinstance(module, _BatchNorm):
                module.reset_running_stats()
                momenta[module] = module.momentum
        if not momenta:
            return
        was_training = model.training
        model.train()
        for module in momenta:
            module.momentum = None
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs`` steps, then
    hold it (the schedule of the SWA phase).

    At step ``t`` (the constructor's step is 0), with ``a(x)`` the annealing function
    (``'cos'``: ``(1 − cos πx) / 2``, ``'linear'``: ``x``) and ``x = min(1, t / E)``::

        lr_t = swa_lr · a(x) + lr_start · (1 − a(x))

    where ``lr_start`` is recovered from the group's current ``lr`` (so changes made in
    between carry over, as in PyTorch's chainable form).

    Parameters
    ----------
    optimizer : Optimizer
        The wrapped optimiser; each group gets a ``'swa_lr'`` key.
    swa_lr : float or list of float
        The target rate, for all groups or one per group.
    anneal_epochs : int, default 10
        ``E``, the number of annealing steps (``>= 0``; ``ValueError`` otherwise).
    anneal_strategy : {'cos', 'linear'}, default 'cos'
    last_epoch : int, default -1
    """

    def __init__(self, optimizer: Optimizer, swa_lr: float | Sequence[float],
                 anneal_epochs: int = 10,
                 anneal_strategy: Literal["cos", "linear"] = "cos",
                 last_epoch: int = -1) -> None:
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups, strict=True):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(
                f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        """The rate the previous step started from, given that it set ``lr``."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else \
            self._linear_anneal

    def get_lr(self) -> list[float]:
        """The rates for this step (called by ``step``; read them with ``get_last_lr``)."""
        _warn_get_lr_called_within_step(self)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / span)))
        groups = self.optimizer.param_groups
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        alpha = self.anneal_func(max(0, min(1, step / span)))
        return [g["swa_lr"] * alpha + lr * (1 - alpha)
                for g, lr in zip(groups, prev_lrs, strict=True)]

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimiser and the annealing function (the strategy's
        name is saved instead)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: Any) -> None:
        """Restore attributes saved by ``state_dict``, and the annealing function."""
        super().load_state_dict(state_dict)
        self._set_anneal_func(self._anneal_strategy)


__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]
