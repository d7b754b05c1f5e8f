"""Probability distributions (PyTorch's ``torch.distributions``): draws (``sample``, and
differentiable ``rsample`` where the reparameterisation exists), ``log_prob``, ``entropy``,
moments, and closed-form ``kl_divergence``. Parameters are Tensors, so every density is
differentiable with respect to them (policy gradients, VAEs)."""

from . import constraints
from .continuous import Exponential, Laplace, Normal, Uniform
from .discrete import Bernoulli, Categorical, OneHotCategorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl

__all__ = ["Bernoulli", "Categorical", "Distribution", "Exponential", "Independent", "Laplace",
           "Normal", "OneHotCategorical", "Uniform", "constraints", "kl_divergence",
           "register_kl"]
