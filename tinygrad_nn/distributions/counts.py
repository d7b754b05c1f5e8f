"""Count distributions (PyTorch's ``Poisson``, ``Binomial``, ``Geometric``,
``NegativeBinomial``, ``Multinomial``): draws are floats holding whole numbers (of the
parameters' dtype, as PyTorch); densities are differentiable in the parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from .._random import get_rng
from ..dtypes import finfo
from ..grad_mode import no_grad
from ..tensor import Size, Tensor
from . import constraints
from .continuous import _noise
from .discrete import Categorical, _one_of, probs_to_logits
from .distribution import Distribution, broadcast_all, lazy_property
from .exp_family import ExponentialFamily
from .gamma import Gamma


def _array(t: Tensor) -> np.ndarray:
    return t.detach().numpy()


class Poisson(ExponentialFamily):
    """Poisson(rate ≥ 0): P(k) = rate^k e^(−rate) / k!."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    @property
    def _natural_params(self) -> tuple[Tensor]:
        return (self.rate.log(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        return x.exp()

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        rate = np.broadcast_to(_array(self.rate), shape)
        return _noise(get_rng().poisson(rate), self.rate)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()


class _BinaryParam(Distribution):
    """A success probability given as ``probs`` or ``logits`` (the other derived)."""

    def _set_param(self, probs: Any, logits: Any, total_count: Any = None) -> Tensor:
        _one_of(probs, logits)
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        if total_count is None:
            (param,) = broadcast_all(given)
        else:
            count, param = broadcast_all(total_count, given)
            self.total_count = count.to(param.dtype)
        setattr(self, name, param)
        self._param = param
        return param

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return self.logits.sigmoid()

    @property
    def param_shape(self) -> Size:
        return self._param.shape


class Binomial(_BinaryParam):
    """Binomial(total_count n, probs p): successes in n independent trials."""

    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count: Any = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        param = self._set_param(probs, logits, total_count)
        super().__init__(param.shape, (), validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        n = np.broadcast_to(_array(self.total_count), shape).astype(np.int64)
        p = np.broadcast_to(_array(self.probs), shape)
        return _noise(get_rng().binomial(n, p), self._param)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        n, logits = self.total_count, self.logits
        # max(logits, 0) written so its gradient at 0 is 1/2, as PyTorch's _clamp_by_zero
        clamped = (logits.clamp(min=0) + logits - logits.clamp(max=0)) / 2
        normalize = (n * clamped + n * (-logits.abs()).exp().log1p()
                     - (n + 1).lgamma())
        return value * logits - (value + 1).lgamma() - (n - value + 1).lgamma() - normalize

    def _homogeneous_count(self, what: str) -> int:
        counts = _array(self.total_count)
        total = int(counts.max())
        if counts.min() != total:
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return total

    def entropy(self) -> Tensor:
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        total = self._homogeneous_count("enumerate_support")
        values = Tensor._new(np.arange(1 + total, dtype=_array(self._param).dtype).reshape(
            (-1,) + (1,) * len(self._batch_shape)))
        return values.expand(-1, *self._batch_shape) if expand else values


class Geometric(_BinaryParam):
    """Geometric(probs p): failures before the first success, P(k) = (1 − p)^k p."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        param = self._set_param(probs, logits)
        super().__init__(param.shape, (), validate_args)
        if self._validate_args and probs is not None:
            valid = _array(self.probs) > 0
            if not valid.all():
                raise ValueError(
                    f"Expected parameter probs (Tensor of shape {tuple(self.probs.shape)}) "
                    f"of distribution {self!r} to be positive but found invalid values:\n"
                    f"{self.probs.detach()[Tensor._new(~valid)]}")

    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return self.probs * 0

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        tiny = finfo(self.probs.dtype).tiny
        with no_grad():
            u = _noise(get_rng().uniform(tiny, 1, shape), self.probs)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = probs.masked_fill((probs == 1) & (value == 0), 0.0)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        return F.binary_cross_entropy_with_logits(self.logits, self.probs,
                                                  reduction="none") / self.probs


class NegativeBinomial(_BinaryParam):
    """NegativeBinomial(total_count r > 0, probs p): successes before r failures,
    P(k) = C(k + r − 1, k) p^k (1 − p)^r."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        param = self._set_param(probs, logits, total_count)
        super().__init__(param.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            gamma = Gamma(self.total_count, (-self.logits).exp(), validate_args=False)
            rate = gamma.sample(sample_shape)
            return _noise(get_rng().poisson(_array(rate)), rate)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_unnormalized = n * F.logsigmoid(-logits) + value * F.logsigmoid(logits)
        log_normalization = -(n + value).lgamma() + (1.0 + value).lgamma() + n.lgamma()
        log_normalization = log_normalization.masked_fill(n + value == 0.0, 0.0)
        return log_unnormalized - log_normalization


class Multinomial(Distribution):
    """Counts (..., K) of ``total_count`` draws from a Categorical(probs / logits)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        new = _instance if _instance is not None else type(self).__new__(type(self))
        batch = Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch)
        new._binomial = self._binomial.expand(tuple(batch) + tuple(self.event_shape))
        Distribution.__init__(new, batch, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.multinomial(self.total_count)

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        probs = np.broadcast_to(_array(self.probs).astype(np.float64), shape)
        probs = probs / probs.sum(-1, keepdims=True)
        counts = get_rng().multinomial(self.total_count, probs)
        return _noise(counts, self.probs)

    def entropy(self) -> Tensor:
        n = float(self.total_count)
        term1 = n * self._categorical.entropy() - float(np.log(np.arange(1, n + 1)).sum())
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = self._binomial.log_prob(support).exp()
        weights = (support + 1).lgamma()
        return term1 + (binomial_probs * weights).sum((0, -1))

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        logits = logits.masked_fill((value == 0) & (logits == float("-inf")), 0.0)
        log_factorial_n = (value.sum(-1) + 1).lgamma()
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)


__all__ = ["Binomial", "Geometric", "Multinomial", "NegativeBinomial", "Poisson"]
