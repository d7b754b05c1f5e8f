"""Discrete distributions: ``Categorical``, ``OneHotCategorical``, ``Bernoulli``.

Each takes ``probs`` or ``logits`` (exactly one); the other is derived on first use. As in
PyTorch, categorical probabilities are normalised along the last axis and logits are
shifted to log-probabilities (``logits - logsumexp``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..creation import bernoulli as _bernoulli
from ..dtypes import finfo
from ..tensor import Size, Tensor
from . import constraints
from .distribution import Distribution, broadcast_all, lazy_property
from .exp_family import ExponentialFamily


def _one_of(probs: Any, logits: Any) -> None:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


def _as_float(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._new(np.asarray(x, dtype=np.float32))


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities kept eps away from 0 and 1 (eps of their dtype), as PyTorch's."""
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Probabilities from logits: sigmoid (``is_binary``: log-odds) or a softmax over the
    last axis."""
    return logits.sigmoid() if is_binary else logits.softmax(-1)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Logits from probabilities, clamped eps away from 0 and 1: log-odds (``is_binary``)
    or log-probabilities."""
    p = clamp_probs(probs)
    return p.log() - (-p).log1p() if is_binary else p.log()


class Categorical(Distribution):
    """One of K categories, P(k) = probs[..., k]; ``probs`` (..., K) non-negative (normalised
    here) or ``logits`` (..., K) unnormalised log-probabilities. Draws are int64 indices."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        _one_of(probs, logits)
        if probs is not None:
            probs = _as_float(probs)
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            logits = _as_float(logits)
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        param = self.probs if probs is not None else self.logits
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], (), validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        return clamp_probs(self.probs).log()

    @lazy_property
    def probs(self) -> Tensor:
        return self.logits.softmax(-1)

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def param_shape(self) -> Size:
        """The shape of the parameter given (probs or logits): a Size, as PyTorch's."""
        return self.probs.shape if "probs" in self.__dict__ else self.logits.shape

    @property
    def mean(self) -> Tensor:
        return Tensor._new(np.full(self.batch_shape, np.nan, dtype=self.probs.dtype))

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    @property
    def variance(self) -> Tensor:
        return Tensor._new(np.full(self.batch_shape, np.nan, dtype=self.probs.dtype))

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """int64 category indices of shape ``sample_shape + batch_shape``."""
        shape = tuple(sample_shape)
        rows = self.probs.detach().reshape(-1, self._num_events)
        n = int(np.prod(shape, dtype=np.int64))
        draws = rows.multinomial(max(n, 1), replacement=True)[:, :n]  # (rows, n)
        out = draws.T.reshape(shape + tuple(self.batch_shape))
        return out

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value).long()
        value = value.unsqueeze(-1)
        value, log_pmf = _broadcast_pair(value, self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self) -> Tensor:
        logits = self.logits.clamp(min=finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        k = self._num_events
        values = Tensor._new(
            np.arange(k, dtype=np.int64).reshape((k,) + (1,) * len(self.batch_shape)))
        return values.expand(k, *self.batch_shape) if expand else values


def _broadcast_pair(value: Tensor, log_pmf: Tensor) -> tuple[Tensor, Tensor]:
    """value (..., 1) and log_pmf (..., K) broadcast over their leading axes."""
    lead = np.broadcast_shapes(tuple(value.shape[:-1]), tuple(log_pmf.shape[:-1]))
    return (value.expand(*lead, 1), log_pmf.expand(*lead, log_pmf.shape[-1]))


class OneHotCategorical(Distribution):
    """``Categorical`` whose draws are one-hot vectors (..., K) of the probs' dtype."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits, validate_args)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args)

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        """The shape of the parameter given (probs or logits), as PyTorch's."""
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        return F.one_hot(self.probs.argmax(-1), self.event_shape[0]).to(self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        index = self._categorical.sample(sample_shape)
        return F.one_hot(index, self.event_shape[0]).to(self.probs.dtype)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        k = self.event_shape[0]
        values = Tensor._new(np.eye(k, dtype=self.probs.dtype).reshape(
            (k,) + (1,) * len(self.batch_shape) + (k,)))
        return values.expand(k, *self.batch_shape, k) if expand else values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """A OneHotCategorical whose ``rsample`` passes gradients straight through: the value is
    the one-hot draw, the gradient that of ``probs`` (Bengio et al., 2013)."""

    has_rsample = True

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())


class Bernoulli(ExponentialFamily):
    """1 with probability ``probs`` (or sigmoid(``logits``)), else 0; float draws."""

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple[Tensor]:
        return (self.probs.logit(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        return x.exp().log1p()

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        _one_of(probs, logits)
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            param = self.probs
        else:
            (self.logits,) = broadcast_all(logits)
            param = self.logits
        super().__init__(param.shape, (), validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return self.logits.sigmoid()

    @property
    def param_shape(self) -> Size:
        """The shape of the parameter given (probs or logits): a Size, as PyTorch's."""
        return self.probs.shape if "probs" in self.__dict__ else self.logits.shape

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        return _bernoulli(self.probs.detach().expand(*shape))

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value.to(self.logits.dtype))
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = Tensor._new(np.arange(2, dtype=self.probs.dtype).reshape(
            (2,) + (1,) * len(self.batch_shape)))
        return values.expand(2, *self.batch_shape) if expand else values


__all__ = ["Bernoulli", "Categorical", "OneHotCategorical", "OneHotCategoricalStraightThrough",
           "clamp_probs", "logits_to_probs", "probs_to_logits"]
