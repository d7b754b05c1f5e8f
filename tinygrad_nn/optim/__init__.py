"""Optimisers and learning-rate schedulers with PyTorch's names, formulas and state layout.

``from tinygrad_nn.optim import SGD, Adam``; schedulers live in
``tinygrad_nn.optim.lr_scheduler`` (``StepLR``, ``CosineAnnealingLR``, ...).
"""

from . import lr_scheduler
from .adagrad import Adadelta, Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .rprop import ASGD, Rprop
from .sgd import SGD

__all__ = [
    "ASGD",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "lr_scheduler",
]
