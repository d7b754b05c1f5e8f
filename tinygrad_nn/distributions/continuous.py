"""Continuous distributions with reparameterised draws: ``Normal``, ``Uniform``,
``Exponential``, ``Laplace``. ``rsample`` writes a draw as a differentiable function of the
parameters and parameter-free noise, so gradients flow through samples (VAEs, policy
gradients with the reparameterisation trick)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._random import get_rng
from ..dtypes import finfo
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution, broadcast_all


def _noise(draw: Any, like: Tensor) -> Tensor:
    """Parameter-free noise of ``like``'s dtype (a constant in the graph)."""
    return Tensor._new(np.asarray(draw, dtype=like.dtype))


class _LocScale(Distribution):
    """A location-scale family on the reals: ``loc`` (its mean and mode) and ``scale`` > 0,
    broadcast together."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc


class Normal(_LocScale):
    """N(loc, scale²), elementwise over the broadcast of ``loc`` and ``scale`` (> 0)."""

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale.pow(2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = _noise(get_rng().standard_normal(self._extended_shape(sample_shape)), self.loc)
        return self.loc + eps * self.scale

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        var = self.scale ** 2
        return (-((value - self.loc) ** 2) / (2 * var) - self.scale.log()
                - math.log(math.sqrt(2 * math.pi)))

    def cdf(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def icdf(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


class Uniform(Distribution):
    """U[low, high), elementwise; ``low < high``."""

    arg_constraints = {"low": constraints.real, "high": constraints.real}
    has_rsample = True

    def __init__(self, low: Any, high: Any, validate_args: bool | None = None) -> None:
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, (), validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            raise ValueError("Uniform is not defined when low>= high")

    @property
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        return constraints.half_open_interval(self.low, self.high)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        return Tensor._new(np.full(self.batch_shape, np.nan, dtype=self.low.dtype))

    @property
    def stddev(self) -> Tensor:
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        u = _noise(get_rng().random(self._extended_shape(sample_shape)), self.low)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        inside = ((self.low <= value) & (self.high > value)).to(self.low.dtype)
        return inside.log() - (self.high - self.low).log()

    def cdf(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        return value * (self.high - self.low) + self.low

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()


class Exponential(Distribution):
    """Exponential(rate): density rate·exp(−rate·x) on x ≥ 0."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return self.rate * 0

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        e = _noise(get_rng().exponential(size=self._extended_shape(sample_shape)), self.rate)
        return e / self.rate

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        return -(-value).log1p() / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()


class Laplace(_LocScale):
    """Laplace(loc, scale): density exp(−|x − loc| / scale) / (2·scale)."""

    @property
    def stddev(self) -> Tensor:
        return 2 ** 0.5 * self.scale

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = finfo(self.loc.dtype).eps
        u = _noise(get_rng().uniform(eps - 1, 1, self._extended_shape(sample_shape)), self.loc)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * (-(z.abs()) / self.scale).expm1()

    def icdf(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()





class Cauchy(_LocScale):
    """Cauchy(loc, scale): density 1 / (π·scale·(1 + ((x − loc)/scale)²)); no mean or
    variance (NaN and inf, as PyTorch)."""

    @property
    def mean(self) -> Tensor:
        return Tensor._new(np.full(self._extended_shape(), np.nan, dtype=_np_dtype(self.loc)))

    @property
    def variance(self) -> Tensor:
        return Tensor._new(np.full(self._extended_shape(), np.inf, dtype=_np_dtype(self.loc)))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = _noise(get_rng().standard_cauchy(self._extended_shape(sample_shape)), self.loc)
        return self.loc + eps * self.scale

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return (-math.log(math.pi) - self.scale.log()
                - (((value - self.loc) / self.scale) ** 2).log1p())

    def cdf(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self) -> Tensor:
        return math.log(4 * math.pi) + self.scale.log()


def _np_dtype(t: Tensor) -> np.dtype:
    """The NumPy dtype of a tensor's data."""
    return t.detach().numpy().dtype

__all__ = ["Cauchy", "Exponential", "Laplace", "Normal", "Uniform"]
