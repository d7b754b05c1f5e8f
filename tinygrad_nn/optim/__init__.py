"""Optimisers and learning-rate schedulers with PyTorch's names, formulas and state layout.

``from tinygrad_nn.optim import SGD, Adam``; schedulers live in
``tinygrad_nn.optim.lr_scheduler`` (``StepLR``, ``CosineAnnealingLR``, ...).
"""

from . import lr_scheduler
from .adagrad import Adadelta, Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "LBFGS",
    "Optimizer",
    "RMSprop",
    "lr_scheduler",
]
