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
from ..tensor_functions import where
from . import constraints
from .distribution import Distribution, broadcast_all
from .exp_family import ExponentialFamily


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


class Normal(_LocScale, ExponentialFamily):
    """N(loc, scale²), elementwise over the broadcast of ``loc`` and ``scale`` (> 0)."""

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        return -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()

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


class Exponential(ExponentialFamily):
    """Exponential(rate): density rate·exp(−rate·x) on x ≥ 0."""

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple[Tensor]:
        return (-self.rate,)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        return -(-x).log()

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

_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_COEF_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2,
                  -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2]
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2,
                  0.32411e-3]
_I1_COEF_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1,
                  0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2]


def _eval_poly(y: Tensor, coef: list[float]) -> Tensor:
    result: Any = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


def _log_modified_bessel_fn(x: Tensor, order: int = 0) -> Tensor:
    """log I_order(x) for order 0 or 1 and x > 0, by PyTorch's polynomial approximations
    (Abramowitz & Stegun 9.8.1-9.8.4)."""
    y = (x / 3.75) ** 2
    small = _eval_poly(y, _I0_COEF_SMALL if order == 0 else _I1_COEF_SMALL)
    if order == 1:
        small = x.abs() * small
    small = small.log()
    large = x - 0.5 * x.log() + _eval_poly(3.75 / x, _I0_COEF_LARGE if order == 0
                                           else _I1_COEF_LARGE).log()
    return where(x < 3.75, small, large)


class VonMises(Distribution):
    """The von Mises distribution on the circle: density exp(κ·cos(x − loc)) / (2π·I0(κ)),
    draws in [−π, π) (no rsample, as PyTorch)."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return (self.concentration * (value - self.loc).cos() - math.log(2 * math.pi)
                - _log_modified_bessel_fn(self.concentration, order=0))

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        loc = np.broadcast_to(_as_f64(self.loc), shape)
        kappa = np.broadcast_to(_as_f64(self.concentration), shape)
        x = get_rng().vonmises(loc, kappa)
        return _noise((x + math.pi) % (2 * math.pi) - math.pi, self.loc)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        k = self.concentration
        return 1 - (_log_modified_bessel_fn(k, order=1)
                    - _log_modified_bessel_fn(k, order=0)).exp()


def _as_f64(t: Tensor) -> np.ndarray:
    return np.asarray(t.detach().numpy(), dtype=np.float64)


class GeneralizedPareto(Distribution):
    """GeneralizedPareto(loc, scale > 0, concentration ξ): survival function
    (1 + ξ(x − loc)/scale)^(−1/ξ) (the exponential tail at ξ = 0); draws by inverse cdf."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any,
                 validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def _safe_concentration(self) -> tuple[Tensor, Tensor]:
        """(ξ ≈ 0 as torch.isclose(ξ, 0) decides, ξ with those entries replaced by 1)."""
        c = self.concentration
        eq_zero = c.abs() <= 1e-8
        return eq_zero, where(eq_zero, c * 0 + 1, c)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        u = _noise(get_rng().random(self._extended_shape(sample_shape)), self.loc)
        return self.icdf(u)

    def _z(self, x: Tensor) -> Tensor:
        return (x - self.loc) / self.scale

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._safe_concentration()
        y = 1 / safe + z * 0 + 1
        nonzero = where(y == 0, y, y * (safe * z).log1p())
        return -self.scale.log() - where(eq_zero, z, nonzero)

    def log_survival_function(self, value: Any) -> Tensor:
        """log P(X > value)."""
        value = self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._safe_concentration()
        return where(eq_zero, -z, -(safe * z).log1p() / safe)

    def log_cdf(self, value: Any) -> Tensor:
        """log P(X ≤ value)."""
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value: Any) -> Tensor:
        return self.log_cdf(value).exp()

    def icdf(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        eq_zero, safe = self._safe_concentration()
        logu = (-value).log1p()
        return where(eq_zero, self.loc - self.scale * logu,
                     self.loc + self.scale / safe * (-safe * logu).expm1())

    @property
    def mean(self) -> Tensor:
        c = self.concentration
        valid = c < 1
        safe = where(valid, c, c * 0 + 0.5)
        return (self.loc + self.scale / (1 - safe)).masked_fill(~valid, float("nan"))

    @property
    def variance(self) -> Tensor:
        c = self.concentration
        valid = c < 0.5
        safe = where(valid, c, c * 0 + 0.25)
        result = self.scale ** 2 / ((1 - safe) ** 2 * (1 - 2 * safe))
        return result.masked_fill(~valid, float("nan"))

    def entropy(self) -> Tensor:
        return (self.scale.log() + self.concentration + 1).expand(*self._batch_shape)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:  # type: ignore[override]
        lower = self.loc
        upper = where(self.concentration < 0, lower - self.scale / self.concentration,
                      lower * 0 + float("inf"))
        return constraints.interval(lower, upper)


__all__ = ["Cauchy", "Exponential", "GeneralizedPareto", "Laplace", "Normal", "Uniform",
           "VonMises"]
