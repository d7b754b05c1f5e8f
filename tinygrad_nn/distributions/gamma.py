"""Gamma-based distributions (PyTorch's ``Gamma``, ``Chi2``, ``Dirichlet``, ``Beta``,
``StudentT``). Draws come from NumPy's ``standard_gamma``; ``rsample`` is differentiable by
implicit reparameterisation: the gradient of a Gamma(α, 1) draw x with respect to α is
−(∂F/∂α)(x; α) / f(x; α), computed with PyTorch's own approximation
(``_standard_gamma_grad``), and attached to the draw without changing its value."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._random import get_rng
from ..autograd import Function
from ..ops.special import np_polygamma
from ..tensor import Size, Tensor
from ..tensor_functions import stack
from . import constraints
from .continuous import _noise
from .distribution import Distribution, broadcast_all
from .exp_family import ExponentialFamily

_GAMMA_COEF = np.array([
    [0.16009398, -0.094634809, 0.025146376, -0.0030648343,
     1, 0.32668115, 0.10406089, 0.0014179084],
    [0.53487893, 0.1298071, 0.065735949, -0.0015649758,
     0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
    [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777,
     0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07]])


def standard_gamma_grad(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dα for draws x of Gamma(α, 1), elementwise (PyTorch's ``_standard_gamma_grad``:
    a Taylor series for x < 0.8, a Rice saddle-point expansion for α > 8, a bivariate
    rational approximation otherwise)."""
    a = np.asarray(alpha, dtype=np.float64)
    a, x = np.broadcast_arrays(a, np.asarray(x, dtype=np.float64))
    out = np.empty(a.shape)
    with np.errstate(all="ignore"):
        small = x < 0.8
        numer, denom = np.ones_like(a), a.copy()
        series1, series2 = numer / denom, numer / (denom * denom)
        for i in range(1, 6):
            numer = numer * (-x / i)
            denom = denom + 1
            series1 = series1 + numer / denom
            series2 = series2 + numer / (denom * denom)
        pow_x_alpha = x ** a
        pdf = x ** (a - 1) * np.exp(-x)
        cdf_alpha = (np.log(x) - np_polygamma(a)) * pow_x_alpha * series1 - pow_x_alpha * series2
        r_small = -cdf_alpha / pdf
        r_small = np.where(np.isnan(r_small), 0.0, r_small)

        near = (0.9 * a <= x) & (x <= 1.1 * a)
        numer_1 = 1 + 24 * a * (1 + 12 * a)
        numer_2 = (1440 * a * a + 6 * x * (53 - 120 * x) - 65 * x * x / a
                   + a * (107 + 3600 * x))
        r_near = numer_1 * numer_2 / (1244160 * a ** 4)
        den = np.sqrt(8 * a)
        term2 = den / (a - x)
        term3 = (x - a - a * np.log(x / a)) ** -1.5
        term23 = np.where(x < a, term2 - term3, term2 + term3)
        term1 = np.log(x / a) * term23 - np.sqrt(2 / a) * (a + x) / ((a - x) * (a - x))
        stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
        r_large = np.where(near, r_near, -stirling * x * term1 / den)

        u, v = np.log(x / a), np.log(a)
        c = [_GAMMA_COEF[0, i] + u * (_GAMMA_COEF[1, i] + u * _GAMMA_COEF[2, i])
             for i in range(8)]
        p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
        q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
        r_mid = np.exp(p / q)
    out = np.where(small, r_small, np.where(a > 8.0, r_large, r_mid))
    return out


_DIRICHLET_COEF = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]]])


def _beta_grad_alpha_small(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    factor = np_polygamma(alpha) - np_polygamma(alpha + beta) - np.log(x)
    numer = np.ones_like(x)
    series = numer / alpha * (factor + 1 / alpha)
    for i in range(1, 11):
        numer = numer * (i - beta) * x / i
        denom = alpha + i
        series = series + numer / denom * (factor + 1 / denom)
    result = x * (1 - x) ** -beta * series
    return np.where(np.isnan(result), 0.0, result)


def _beta_grad_beta_small(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    factor = np_polygamma(alpha + beta) - np_polygamma(beta)
    numer, betas, dbetas = np.ones_like(x), np.ones_like(x), np.zeros_like(x)
    series = factor / alpha
    for i in range(1, 9):
        numer = numer * (-x / i)
        dbetas = dbetas * (beta - i) + betas
        betas = betas * (beta - i)
        series = series + numer / (alpha + i) * (dbetas + factor * betas)
    result = -(1 - x) ** (1 - beta) * series
    return np.where(np.isnan(result), 0.0, result)


def _beta_grad_alpha_mid(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    total = alpha + beta
    mean = alpha / total
    std = np.sqrt(alpha * beta / (total + 1)) / total
    near = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    b2 = beta * beta
    poly = 47 * x * b2 * b2 + alpha * (
        (43 + 20 * (16 + 27 * beta) * x) * b2 * beta + alpha * (
            3 * (59 + 180 * beta - 90 * x) * b2 + alpha * (
                (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (
                    8 * (1 - x) * (135 * beta - 11)))))
    prefactor_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total)
    prefactor_den = 12960 * alpha ** 3 * b2 * (1 + 12 * total)
    r_near = prefactor_num / (1 - x) * poly / prefactor_den
    prefactor = -x / np.sqrt(2 * alpha * beta / total)
    stirling = ((1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha))
                * (1 + 1 / (12 * beta) + 1 / (288 * b2))
                / (1 + 1 / (12 * total) + 1 / (288 * total * total)))
    term1_num = 2 * alpha * alpha * (x - 1) + alpha * beta * (x - 1) - x * b2
    axbx = alpha * (x - 1) + beta * x
    term1_den = np.sqrt(2 * alpha / beta) * total ** 1.5 * axbx * axbx
    term1 = term1_num / term1_den
    term2 = 0.5 * np.log(alpha / (total * x))
    term3 = np.sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1))
    term4 = (beta * np.log(beta / (total * (1 - x)))
             + alpha * np.log(alpha / (total * x))) ** -1.5
    term1234 = term1 + term2 * (term3 + np.where(x < mean, term4, -term4))
    return np.where(near, r_near, stirling * prefactor * term1234)


def dirichlet_grad(x: np.ndarray, alpha: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The reparameterised gradient of a Dirichlet coordinate x with respect to its α, given
    the total concentration (PyTorch's ``_dirichlet_grad``: Taylor series near 0 and 1, a
    saddle-point expansion for large α and β, a rational correction otherwise)."""
    x, alpha, total = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64)
                                            for v in (x, alpha, total)))
    with np.errstate(all="ignore"):
        beta = total - alpha
        boundary = total * x * (1 - x)
        small = _beta_grad_alpha_small(x, alpha, beta)
        large = -_beta_grad_beta_small(1 - x, beta, alpha)
        mid = _beta_grad_alpha_mid(x, alpha, beta)
        u = np.log(x)
        a = np.log(alpha) - u
        b = np.log(total) - a
        pow_u, pow_a = (np.ones_like(u), u, u * u), (np.ones_like(a), a, a * a)
        p, q = np.zeros_like(u), np.zeros_like(u)
        c = _DIRICHLET_COEF
        for i in range(3):
            for j in range(3):
                ua = pow_u[i] * pow_a[j]
                p = p + ua * (c[0, i, j, 0] + b * (c[0, i, j, 1] + b * (c[0, i, j, 2]
                                                                       + b * c[0, i, j, 3])))
                q = q + ua * (c[1, i, j, 0] + b * (c[1, i, j, 1] + b * (c[1, i, j, 2]
                                                                       + b * c[1, i, j, 3])))
        approx = x * (np_polygamma(total) - np_polygamma(alpha)) / beta
        rational = p / q * approx
    return np.where((x <= 0.5) & (boundary < 2.5), small,
                    np.where((x >= 0.5) & (boundary < 0.75), large,
                             np.where((alpha > 6) & (beta > 6), mid, rational)))


def _regularized_gamma_p(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) = γ(a, x) / Γ(a), elementwise (``torch.special.gammainc``): the power series
    where x < a + 1, Lentz's continued fraction for Q = 1 − P elsewhere."""
    a, x = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(x, dtype=np.float64))
    out = np.zeros(a.shape)
    with np.errstate(all="ignore"):
        log_pre = a * np.log(x) - x - _lgamma(a)
        series = x < a + 1
        ap, term = a.copy(), 1.0 / a
        total = term.copy()
        for _ in range(2000):
            ap = ap + 1
            term = term * x / ap
            total = total + term
            if np.all(np.abs(term[series]) <= np.abs(total[series]) * 1e-17):
                break
        p_series = total * np.exp(log_pre)
        tiny = 1e-300
        b = x + 1 - a
        c = np.full(a.shape, 1 / tiny)
        d = 1 / np.where(b == 0, tiny, b)
        h = d.copy()
        for i in range(1, 2000):
            an = -i * (i - a)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            delta = d * c
            h = h * delta
            if np.all(np.abs(delta[~series] - 1) <= 1e-16):
                break
        q_cf = np.exp(log_pre) * h
    out = np.where(series, p_series, 1 - q_cf)
    out = np.where(x <= 0, 0.0, out)
    return np.where(np.isinf(x) & (x > 0), 1.0, out)


def _lgamma(a: np.ndarray) -> np.ndarray:
    return np.vectorize(math.lgamma, otypes=[np.float64])(a)


def _attach(value: np.ndarray, param: Tensor, grad: np.ndarray) -> Tensor:
    """``value`` (a constant) whose gradient with respect to ``param`` is ``grad``
    (elementwise): value + grad·(param − param.detach()), which is exactly ``value``."""
    out = _noise(value, param)
    if not param.requires_grad:
        return out
    return out + _noise(grad, param) * (param - param.detach())


def _rsample_standard_gamma(concentration: Tensor) -> Tensor:
    """Gamma(concentration, 1) draws, differentiable in ``concentration``."""
    alpha = np.asarray(concentration.detach().numpy(), dtype=np.float64)
    x = get_rng().standard_gamma(alpha)
    tiny = np.finfo(np.dtype(str(concentration.dtype).rsplit(".", 1)[-1])).tiny
    x = np.maximum(x, tiny)
    if not concentration.requires_grad:
        return _noise(x, concentration)
    return _attach(x, concentration, standard_gamma_grad(alpha, x))


def _clamped(value: Tensor) -> Tensor:
    """``value`` with its entries raised to at least the dtype's tiny, the gradient left as
    it was (PyTorch clamps the draw's data in place, outside the graph)."""
    data = value.detach().numpy()
    tiny = np.finfo(data.dtype).tiny
    if not (data < tiny).any():
        return value
    return value + _noise(np.maximum(data, tiny) - data, value)


class _GammaInc(Function):
    """P(a, z) with d/dz = z^(a−1) e^(−z) / Γ(a); d/da is not implemented (PyTorch's)."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, z: Tensor) -> Tensor:
        an, zn = a.detach().numpy(), z.detach().numpy()
        ctx.save_for_backward(a, z)
        return _noise(_regularized_gamma_p(an, zn).astype(zn.dtype), z)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Any, Any]:
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        a, z = ctx.saved_tensors
        return None, grad_output * ((a - 1) * z.log() - z - a.lgamma()).exp()


class Gamma(ExponentialFamily):
    """Gamma(concentration α > 0, rate β > 0): density β^α x^(α−1) e^(−βx) / Γ(α)."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    _mean_carrier_measure = 0

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, (), validate_args)

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        x = _rsample_standard_gamma(self.concentration.expand(*shape))
        return _clamped(x / self.rate.expand(*shape))

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return (self.concentration.xlogy(self.rate) + (self.concentration - 1).xlogy(value)
                - self.rate * value - self.concentration.lgamma())

    def cdf(self, value: Any) -> Tensor:
        """P(α, β·x), the regularised lower incomplete gamma function; differentiable in
        β·x (its derivative is the density); a gradient with respect to α raises
        NotImplementedError at backward, as PyTorch's ``igamma``."""
        value = self._validate_sample(value)
        a, z = broadcast_all(self.concentration, self.rate * value)
        return _GammaInc.apply(a, z)

    def entropy(self) -> Tensor:
        a = self.concentration
        return a - self.rate.log() + a.lgamma() + (1.0 - a) * a.digamma()


class Chi2(Gamma):
    """χ²(df) = Gamma(df / 2, 1/2)."""

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df: Any, validate_args: bool | None = None) -> None:
        (df,) = broadcast_all(df)
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    @property
    def df(self) -> Tensor:
        return self.concentration * 2


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration (..., K) > 0) on the (K−1)-simplex; draws are normalised
    Gamma draws, so ``rsample`` is differentiable through the Gamma reparameterisation."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args)

    @property
    def _natural_params(self) -> tuple[Tensor]:
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        return x.lgamma().sum(-1) - x.sum(-1).lgamma()

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """Normalised Gamma draws; the gradient with respect to the concentration is
        PyTorch's (``_dirichlet_grad``, implicit reparameterisation of each coordinate)."""
        conc = self.concentration.expand(*self._extended_shape(sample_shape))
        alpha = np.asarray(conc.detach().numpy(), dtype=np.float64)
        g = get_rng().standard_gamma(alpha)
        x = g / g.sum(-1, keepdims=True)
        x = np.maximum(x, np.finfo(conc.detach().numpy().dtype).tiny)
        out = _noise(x, conc)
        if not conc.requires_grad:
            return out
        total = np.broadcast_to(alpha.sum(-1, keepdims=True), alpha.shape)
        grad = _noise(dirichlet_grad(x, alpha, total), conc)
        change = grad * (conc - conc.detach())  # (zero-valued: only its gradient counts)
        return out + change - out * change.sum(-1, keepdim=True)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        a = self.concentration
        return ((a - 1.0).xlogy(value).sum(-1) + a.sum(-1).lgamma() - a.lgamma().sum(-1))

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Tensor:
        am1 = (self.concentration - 1).clamp(min=0.0)
        mode = am1 / am1.sum(-1, True)
        mask = (self.concentration < 1).all(-1, keepdim=True)
        k = am1.shape[-1]
        one_hot = (mode.argmax(-1, keepdim=True) == Tensor._new(np.arange(k))).to(mode.dtype)
        return mode.where(~mask, one_hot)

    @property
    def variance(self) -> Tensor:
        a = self.concentration
        a0 = a.sum(-1, True)
        return a * (a0 - a) / (a0.pow(2) * (a0 + 1))

    def entropy(self) -> Tensor:
        a = self.concentration
        k = a.shape[-1]
        a0 = a.sum(-1)
        return (a.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma()
                - ((a - 1.0) * a.digamma()).sum(-1))


class Beta(ExponentialFamily):
    """Beta(concentration1 α, concentration0 β) on [0, 1]: the first coordinate of a
    Dirichlet([α, β])."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any,
                 validate_args: bool | None = None) -> None:
        c1, c0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(stack([c1, c0], -1), validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, (), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        new = _instance if _instance is not None else type(self).__new__(type(self))
        new._dirichlet = self._dirichlet.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), (), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        return x.lgamma() + y.lgamma() - (x + y).lgamma()

    @property
    def concentration1(self) -> Tensor:
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self) -> Tensor:
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self) -> Tensor:
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self) -> Tensor:
        return self._dirichlet.entropy()


class StudentT(Distribution):
    """Student's t with ``df`` > 0 degrees of freedom, location ``loc``, scale ``scale``."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0,
                 validate_args: bool | None = None) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc.masked_fill(self.df <= 1, float("nan"))

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        df = self.df
        var = self.scale.pow(2) * df / (df - 2)
        var = var.where(df > 2, df)
        var = var.masked_fill((df <= 2) & (df > 1), float("inf"))
        return var.masked_fill(df <= 1, float("nan"))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        X = _noise(get_rng().standard_normal(shape), self.df)
        Z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * (X * (Z / self.df).rsqrt())

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        y = (value - self.loc) / self.scale
        Z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi)
             + (0.5 * self.df).lgamma() - (0.5 * (self.df + 1.0)).lgamma())
        return -0.5 * (self.df + 1.0) * (y ** 2.0 / self.df).log1p() - Z

    def entropy(self) -> Tensor:
        df = self.df
        lbeta = (0.5 * df).lgamma() + math.lgamma(0.5) - (0.5 * (df + 1)).lgamma()
        return (self.scale.log() + 0.5 * (df + 1) * ((0.5 * (df + 1)).digamma()
                                                     - (0.5 * df).digamma())
                + 0.5 * df.log() + lbeta)


class FisherSnedecor(Distribution):
    """The F distribution with ``df1``, ``df2`` > 0 degrees of freedom: the ratio of two
    scaled χ² draws (differentiable through the Gamma reparameterisation)."""

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1: Any, df2: Any, validate_args: bool | None = None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(self.df1.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        df2 = self.df2.masked_fill(self.df2 <= 2, float("nan"))
        return df2 / (df2 - 2)

    @property
    def mode(self) -> Tensor:
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return mode.masked_fill(self.df1 <= 2, float("nan"))

    @property
    def variance(self) -> Tensor:
        df2 = self.df2.masked_fill(self.df2 <= 4, float("nan"))
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        X1 = self._gamma1.rsample(sample_shape)
        X2 = _clamped(self._gamma2.rsample(sample_shape))
        return _clamped(X1 / X2)

    def log_prob(self, value: Any) -> Tensor:
        value = self._validate_sample(value)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * value.log()
        t3 = (ct1 + ct2) * (ct3 * value).log1p()
        return t1 + t2 - t3


__all__ = ["Beta", "Chi2", "Dirichlet", "FisherSnedecor", "Gamma", "StudentT",
           "dirichlet_grad", "standard_gamma_grad"]
