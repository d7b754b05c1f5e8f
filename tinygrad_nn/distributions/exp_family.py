"""``ExponentialFamily`` (PyTorch's ``torch.distributions.ExponentialFamily``): densities
p(x; θ) = h(x)·exp(⟨t(x), θ⟩ − F(θ)) given by their natural parameters θ
(``_natural_params``) and log-normaliser F (``_log_normalizer``). The entropy and the KL
between two members of one family follow from F and its gradient (Bregman divergence),
computed by autograd."""

from __future__ import annotations

from typing import Any

from ..autograd import grad
from ..tensor import Tensor
from .distribution import Distribution


class ExponentialFamily(Distribution):
    """Base of the exponential-family distributions (Normal, Gamma, Beta, Poisson, ...)."""

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Any) -> Tensor:
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """H = F(θ) − ⟨θ, ∇F(θ)⟩ − E[log h(x)], by autograd on the log-normaliser."""
        result: Any = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for p, g in zip(nparams, gradients):
            result = result - (p * g).reshape(*self._batch_shape, -1).sum(-1)
        return result


__all__ = ["ExponentialFamily"]
