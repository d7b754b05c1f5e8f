"""``Wishart`` (PyTorch's): the distribution of Σ_k x_k x_kᵀ for ``df`` Gaussian vectors of
covariance Σ, over positive-definite matrices; draws by the Bartlett decomposition (Chi2
diagonal, Gaussian lower triangle), differentiable through the Chi2 reparameterisation."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._random import get_rng
from ..linalg import cholesky, slogdet
from ..tensor import Size, Tensor
from ..tensor_functions import broadcast_shapes, where
from . import constraints
from .continuous import _noise
from .distribution import Distribution, lazy_property
from .exp_family import ExponentialFamily
from .gamma import Chi2
from .multivariate_normal import _precision_to_scale_tril, one_matrix

_LOG_2 = math.log(2)


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    """The multivariate digamma Σ_{i<p} ψ(x − i/2)."""
    if not bool((x > (p - 1) / 2).all()):
        raise AssertionError("Wrong domain for multivariate digamma function.")
    half = _noise(np.arange(p) / 2, x)
    return (x.unsqueeze(-1) - half).digamma().sum(-1)


class Wishart(ExponentialFamily):
    """Wishart(df > p − 1, Σ) over p x p positive-definite matrices; Σ given as exactly one
    of ``covariance_matrix``, ``precision_matrix`` or ``scale_tril``."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:  # type: ignore[override]
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df: Any, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        name, param = one_matrix(covariance_matrix, precision_matrix, scale_tril, AssertionError)
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, Tensor):
            batch_shape = broadcast_shapes(param.shape[:-2], df.shape)
            self.df = df.expand(*batch_shape)
        else:  # (expanded to the batch: PyTorch keeps it 0-d, and its mean then fails)
            batch_shape = Size(param.shape[:-2])
            self.df = param.new_full(tuple(batch_shape), float(df))
        event_shape = param.shape[-2:]
        p = event_shape[-1]
        if bool((self.df <= p - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        setattr(self, name, param.expand(*batch_shape, -1, -1))
        if bool((self.df < p).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to "
                          "occur for ndim - 1 < df < ndim.", stacklevel=2)
        super().__init__(batch_shape, event_shape, validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = param
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(param)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(param)
        self._dist_chi2 = self._chi2(batch_shape)

    def _chi2(self, batch_shape: Any) -> Chi2:
        p = self._event_shape[-1]
        steps = _noise(np.arange(p), self._unbroadcasted_scale_tril)
        return Chi2(self.df.unsqueeze(-1) - steps.expand(*batch_shape, p))

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        new = _instance if _instance is not None else type(self).__new__(type(self))
        batch = Size(batch_shape)
        cov_shape = tuple(batch) + tuple(self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(*cov_shape)
        new.df = self.df.expand(*batch)
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(*cov_shape))
        Distribution.__init__(new, batch, self.event_shape, validate_args=False)
        new._dist_chi2 = new._chi2(batch)
        new._validate_args = self._validate_args
        return new

    def _full(self, t: Tensor) -> Tensor:
        return t.expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._full(self._unbroadcasted_scale_tril)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        return self._full(L @ L.transpose(-2, -1))

    @lazy_property
    def precision_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        identity = L.new_ones(self._event_shape[-1]).diag_embed()
        return self._full(identity.cholesky_solve(L))

    def _df_matrix(self) -> Tensor:
        return self.df.reshape(*self._batch_shape, 1, 1)

    @property
    def mean(self) -> Tensor:
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = factor.masked_fill(factor <= 0, float("nan"))
        return factor.reshape(*self._batch_shape, 1, 1) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        V = self.covariance_matrix
        diag_V = V.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix() * (V.pow(2) + diag_V.unsqueeze(-1) * diag_V.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: Any = ()) -> Tensor:
        p = self._event_shape[-1]
        chi = self._dist_chi2.rsample(sample_shape).sqrt()
        eps = float(np.finfo(chi.detach().numpy().dtype).eps)
        diag = chi.clamp(min=eps).diag_embed()
        shape = tuple(sample_shape) + tuple(self._batch_shape) + (p, p)
        lower = _noise(np.tril(get_rng().standard_normal(shape), -1), diag)
        chol = self._unbroadcasted_scale_tril @ (diag + lower)
        return chol @ chol.transpose(-2, -1)

    def _singular(self, sample: Tensor) -> np.ndarray:
        bad = ~np.asarray(self.support.check(sample))
        n = len(self._batch_shape)
        return np.asarray(bad.reshape(bad.shape[:bad.ndim - n] + (-1,)).any(-1) if n else bad)

    def rsample(self, sample_shape: Any = (), max_try_correction: int | None = None) -> Tensor:
        """Bartlett draws; singular ones (possible when df < p) are redrawn up to
        ``max_try_correction`` (10) times, with a warning. (PyTorch 2.13 inverts its
        singularity test, so it warns and redraws every time, which also breaks backward;
        that is not reproduced.)"""
        tries = 10 if max_try_correction is None else max_try_correction
        sample_shape = tuple(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        singular = self._singular(sample)
        if singular.any():
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(tries):
                new = self._bartlett_sampling(sample_shape)
                mask = singular.reshape(singular.shape + (1,) * (sample.ndim - singular.ndim))
                sample = where(_noise(mask, sample) > 0, new, sample)
                singular = self._singular(sample)
                if not singular.any():
                    break
        return sample

    def _half_log_det_scale(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        return (-nu * (p * _LOG_2 / 2 + self._half_log_det_scale())
                - (nu / 2).mvlgamma(p)
                + (nu - p - 1) / 2 * slogdet(value).logabsdet
                - value.cholesky_solve(self._unbroadcasted_scale_tril)
                .diagonal(dim1=-2, dim2=-1).sum(-1) / 2)

    def entropy(self) -> Tensor:
        nu, p = self.df, self._event_shape[-1]
        return ((p + 1) * (p * _LOG_2 / 2 + self._half_log_det_scale())
                + (nu / 2).mvlgamma(p) - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p)
                + nu * p / 2)

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        p = self._event_shape[-1]
        return ((y + (p + 1) / 2) * (-slogdet(-2 * x).logabsdet + _LOG_2 * p)
                + (y + (p + 1) / 2).mvlgamma(p))


__all__ = ["Wishart"]
