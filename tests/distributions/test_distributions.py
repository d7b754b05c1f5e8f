"""tinygrad_nn.distributions against torch.distributions: densities, statistics, KL,
gradients with respect to the parameters, draw shapes and moments, reparameterisation and
argument validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions

rng = np.random.default_rng(0)
LOC = rng.standard_normal((2, 3))
SCALE = rng.random((2, 3)) + 0.5
PROBS = rng.random((2, 4)) + 0.05
X = rng.standard_normal((4, 2, 3))

# (name, constructor arguments, values for log_prob / cdf)
CONTINUOUS = [
    ("Normal", (LOC, SCALE), X),
    ("Laplace", (LOC, SCALE), X),
    ("Exponential", (SCALE,), np.abs(X)),
    ("Uniform", (LOC, LOC + SCALE), LOC + SCALE * rng.random((4, 2, 3))),
]


def _both(name: str, args: tuple[np.ndarray, ...], grad: bool = True) -> tuple[Any, Any,
                                                                                 list, list]:
    ours_p = [tg.tensor(a, requires_grad=grad) for a in args]
    their_p = [torch.tensor(a, requires_grad=grad) for a in args]
    return getattr(D, name)(*ours_p), getattr(TD, name)(*their_p), ours_p, their_p


def _close(a: Any, b: Any, tol: float = 1e-12) -> None:
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize(("name", "args", "values"), CONTINUOUS, ids=[c[0] for c in CONTINUOUS])
def test_continuous_densities_statistics_and_gradients(name: str, args: tuple, values: Any
                                                       ) -> None:
    ours, theirs, op, tp = _both(name, args)
    for method in ("log_prob", "cdf"):
        _close(getattr(ours, method)(tg.tensor(values)),
               getattr(theirs, method)(torch.tensor(values)))
    q = np.array([0.05, 0.5, 0.95])[:, None, None] * np.ones((1, 2, 3))
    _close(ours.icdf(tg.tensor(q)), theirs.icdf(torch.tensor(q)))
    for stat in ("mean", "variance", "stddev"):
        _close(getattr(ours, stat), getattr(theirs, stat))
    _close(ours.entropy(), theirs.entropy())
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    # the density is differentiable in the parameters, as PyTorch's
    (ours.log_prob(tg.tensor(values)).sum() + ours.entropy().sum()).backward()
    (theirs.log_prob(torch.tensor(values)).sum() + theirs.entropy().sum()).backward()
    for a, b in zip(op, tp):
        _close(a.grad, b.grad)


@pytest.mark.parametrize(("name", "args", "values"), CONTINUOUS, ids=[c[0] for c in CONTINUOUS])
def test_kl_between_two_members_matches_pytorch(name: str, args: tuple, values: Any) -> None:
    other = tuple(a * 1.5 + 0.1 for a in args)
    p, tp_, _, _ = _both(name, args)
    q, tq, _, _ = _both(name, other)
    ours, theirs = D.kl_divergence(p, q), TD.kl_divergence(tp_, tq)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize(("name", "args", "values"), CONTINUOUS, ids=[c[0] for c in CONTINUOUS])
def test_rsample_is_reparameterised_and_sample_is_not(name: str, args: tuple,
                                                      values: Any) -> None:
    ours, _, params, _ = _both(name, args)
    tg.manual_seed(0)
    draws = ours.rsample((5,))
    assert draws.shape == (5, 2, 3) and draws.requires_grad
    draws.sum().backward()
    assert all(p.grad is not None and np.isfinite(p.grad.numpy()).all() for p in params)
    assert not ours.sample((2,)).requires_grad


def test_normal_rsample_gradients_are_the_noise() -> None:
    """x = loc + eps * scale: dx/dloc = 1 and dx/dscale = eps = (x - loc) / scale."""
    loc = tg.tensor([0.5, -1.0], dtype=tg.float64, requires_grad=True)
    scale = tg.tensor([2.0, 0.5], dtype=tg.float64, requires_grad=True)
    x = D.Normal(loc, scale).rsample((1000,))
    x.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [1000.0, 1000.0])
    eps = (x.detach().numpy() - loc.detach().numpy()) / scale.detach().numpy()
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(axis=0), rtol=1e-10)


@pytest.mark.parametrize(("name", "args", "mean", "var"), [
    ("Normal", (1.0, 2.0), 1.0, 4.0), ("Laplace", (1.0, 2.0), 1.0, 8.0),
    ("Exponential", (2.0,), 0.5, 0.25), ("Uniform", (-1.0, 3.0), 1.0, 16 / 12),
])
def test_draws_have_the_right_moments(name: str, args: tuple, mean: float, var: float) -> None:
    tg.manual_seed(1)
    draws = getattr(D, name)(*args).sample((100000,)).numpy()
    assert draws.dtype == np.float32
    assert abs(draws.mean() - mean) < 5 * np.sqrt(var / 100000) + 1e-3
    assert abs(draws.var() - var) < 0.05 * var


def test_categorical_matches_pytorch() -> None:
    values = np.array([[1, 3], [0, 2], [3, 3]])
    for kw in ({"probs": PROBS}, {"logits": np.log(PROBS) * 2}):
        ours = D.Categorical(**{k: tg.tensor(v, requires_grad=True) for k, v in kw.items()})
        theirs = TD.Categorical(**{k: torch.tensor(v, requires_grad=True) for k, v in kw.items()})
        _close(ours.probs, theirs.probs)
        _close(ours.logits, theirs.logits)
        _close(ours.log_prob(tg.tensor(values)), theirs.log_prob(torch.tensor(values)))
        _close(ours.entropy(), theirs.entropy())
        assert ours.sample((3,)).shape == tuple(theirs.sample((3,)).shape)
        assert ours.sample().dtype == tg.int64
        assert ours.enumerate_support().shape == tuple(theirs.enumerate_support().shape)
        assert np.isnan(ours.mean.numpy()).all() and ours.mode.tolist() == theirs.mode.tolist()
        other = D.Categorical(probs=tg.tensor(PROBS[::-1].copy()))
        t_other = TD.Categorical(probs=torch.tensor(PROBS[::-1].copy()))
        _close(D.kl_divergence(ours, other), TD.kl_divergence(theirs, t_other))


def test_categorical_draws_follow_the_probabilities() -> None:
    tg.manual_seed(2)
    draws = D.Categorical(probs=tg.tensor([0.1, 0.6, 0.3])).sample((30000,)).numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 30000, [0.1, 0.6, 0.3],
                               atol=0.015)


def test_policy_gradient_through_log_prob() -> None:
    """REINFORCE's loss, -log pi(a) * R, gives PyTorch's gradient on the logits."""
    logits = rng.standard_normal((5, 3))
    actions = np.array([0, 2, 1, 1, 0])
    returns = rng.standard_normal(5)
    ours = tg.tensor(logits, requires_grad=True)
    theirs = torch.tensor(logits, requires_grad=True)
    (-(D.Categorical(logits=ours).log_prob(tg.tensor(actions)) * tg.tensor(returns)).sum()
     ).backward()
    (-(TD.Categorical(logits=theirs).log_prob(torch.tensor(actions)) * torch.tensor(returns))
     .sum()).backward()
    _close(ours.grad, theirs.grad)


def test_bernoulli_and_one_hot_match_pytorch() -> None:
    values = np.array([1.0, 0.0, 1.0])
    for kw in ({"probs": SCALE[0] / 2}, {"logits": LOC[0]}):
        ours = D.Bernoulli(**{k: tg.tensor(v) for k, v in kw.items()})
        theirs = TD.Bernoulli(**{k: torch.tensor(v) for k, v in kw.items()})
        _close(ours.probs, theirs.probs)
        _close(ours.logits, theirs.logits)
        _close(ours.log_prob(tg.tensor(values)), theirs.log_prob(torch.tensor(values)))
        _close(ours.entropy(), theirs.entropy())
        _close(ours.variance, theirs.variance)
        other, t_other = D.Bernoulli(probs=tg.tensor([0.2, 0.5, 0.9])), TD.Bernoulli(
            probs=torch.tensor([0.2, 0.5, 0.9]))
        _close(D.kl_divergence(ours, other), TD.kl_divergence(theirs, t_other))
        assert set(np.unique(ours.sample((50,)).numpy())) <= {0.0, 1.0}
    one_hot = np.eye(4)[[1, 2]]
    ours_oh, theirs_oh = D.OneHotCategorical(probs=tg.tensor(PROBS)), TD.OneHotCategorical(
        probs=torch.tensor(PROBS))
    _close(ours_oh.log_prob(tg.tensor(one_hot)), theirs_oh.log_prob(torch.tensor(one_hot)))
    assert ours_oh.sample((5,)).shape == (5, 2, 4)
    assert (ours_oh.sample((5,)).numpy().sum(-1) == 1).all()


def test_independent_matches_pytorch() -> None:
    base, t_base, _, _ = _both("Normal", (LOC, SCALE))
    ours, theirs = D.Independent(base, 1), TD.Independent(t_base, 1)
    assert (ours.batch_shape, ours.event_shape) == (tuple(theirs.batch_shape),
                                                    tuple(theirs.event_shape))
    _close(ours.log_prob(tg.tensor(X)), theirs.log_prob(torch.tensor(X)))
    _close(ours.entropy(), theirs.entropy())
    other, t_other, _, _ = _both("Normal", (LOC * 2, SCALE + 1))
    _close(D.kl_divergence(ours, D.Independent(other, 1)),
           TD.kl_divergence(theirs, TD.Independent(t_other, 1)))


@pytest.mark.parametrize("make", [
    lambda m, t: m.Normal(0.0, -1.0),
    lambda m, t: m.Categorical(probs=t([-0.2, 0.8])),
    lambda m, t: m.Categorical(),
    lambda m, t: m.Categorical(probs=t([0.5, 0.5]), logits=t([0.0, 0.0])),
    lambda m, t: m.Bernoulli(probs=t([1.5])),
    lambda m, t: m.Exponential(t([-1.0])),
    lambda m, t: m.Categorical(probs=t([0.2, 0.8])).log_prob(t(3)),
    lambda m, t: m.Normal(0.0, 1.0).log_prob(t(float("nan"))),
])
def test_invalid_arguments_raise_value_error_like_pytorch(make: Any) -> None:
    with pytest.raises(ValueError) as theirs:
        make(TD, torch.tensor)
    with pytest.raises(ValueError) as ours:
        make(D, tg.tensor)
    assert str(ours.value).split("(")[0] == str(theirs.value).split("(")[0]


def test_validation_can_be_switched_off() -> None:
    d = D.Normal(0.0, -1.0, validate_args=False)
    assert float(d.scale) == -1.0
    D.Distribution.set_default_validate_args(False)
    try:
        d2 = D.Categorical(probs=tg.tensor([0.5, 0.5]))
        assert not d2._validate_args
        with pytest.raises(RuntimeError, match="index"):  # gather's own error, as in PyTorch
            d2.log_prob(tg.tensor(5))
    finally:
        D.Distribution.set_default_validate_args(True)
    assert D.Categorical(probs=tg.tensor([0.5, 0.5]))._validate_args


def test_kl_without_closed_form_raises_not_implemented() -> None:
    # (Normal || Laplace has a closed form in PyTorch, so it is implemented now)
    with pytest.raises(NotImplementedError, match="Normal"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Cauchy(0.0, 1.0))


def test_register_kl_adds_a_pair() -> None:
    class Shifted(D.Normal):
        pass

    calls = []

    @D.register_kl(Shifted, D.Normal)
    def _kl(p: Any, q: Any) -> Any:
        calls.append(1)
        return p.loc * 0

    D.kl_divergence(Shifted(0.0, 1.0), D.Normal(0.0, 1.0))
    D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(0.0, 1.0))  # the general form still serves
    assert calls == [1]
