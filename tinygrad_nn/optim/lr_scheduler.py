"""Learning-rate schedules: each ``step()`` (once per epoch, or per batch) rewrites ``group['lr']``.

Usage, as in PyTorch::

    opt = SGD(model.parameters(), lr=0.1)
    sched = StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, opt)      # calls opt.step()
        sched.step()

Constructing a scheduler sets ``group['initial_lr']`` (the ``base_lrs``) and performs
the epoch-0 step. The classes live in ``_sched_*.py`` by family: the base class
(``_sched_base``), per-epoch factor schedules (``_sched_decay``), cosine ones
(``_sched_cosine``), per-batch cyclic ones (``_sched_cyclic``), and the metric-driven and
composite ones (``_sched_compose``).
"""

from ._sched_base import EPOCH_DEPRECATION_WARNING as EPOCH_DEPRECATION_WARNING
from ._sched_base import LRScheduler
from ._sched_base import _LRScheduler as _LRScheduler  # PyTorch's old name
from ._sched_compose import ChainedScheduler, ReduceLROnPlateau, SequentialLR
from ._sched_cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from ._sched_cyclic import CyclicLR, OneCycleLR
from ._sched_decay import (
    ConstantLR,
    ExponentialLR,
    InverseTimeDecayLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "InverseTimeDecayLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
