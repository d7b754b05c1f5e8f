"""tinygrad_nn.distributions.transforms, biject_to / transform_to and the constraints
against PyTorch in float64: forward, inverse, log_abs_det_jacobian (and their gradients),
domain / codomain, event dims, shapes, sign, caching and equality."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-7, 1e-10
_RNG = np.random.default_rng(1)


def _t(m: Any, a: Any, grad: bool = False) -> Any:
    return m.tensor(np.asarray(a, dtype=np.float64), dtype=m.float64, requires_grad=grad)


def _close(ours: Any, theirs: Any, what: str) -> None:
    a, b = ours.detach().numpy(), theirs.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=what)


_X = _RNG.standard_normal((2, 3))
_POS = np.abs(_X) + 0.2
_SQ = _RNG.standard_normal((2, 3, 3))

# name -> (builder(m) -> transform, x in the domain)
TRANSFORMS: dict[str, tuple[Any, Any]] = {
    "Exp": (lambda m: m.distributions.ExpTransform(), _X),
    "Affine": (lambda m: m.distributions.AffineTransform(0.5, -2.0), _X),
    "Affine tensor event_dim=1": (lambda m: m.distributions.AffineTransform(
        _t(m, [1.0, 2.0, 3.0]), _t(m, [0.5, -1.0, 2.0]), event_dim=1), _X),
    "Sigmoid": (lambda m: m.distributions.SigmoidTransform(), _X),
    "Tanh": (lambda m: m.distributions.TanhTransform(), _X),
    "Softplus": (lambda m: m.distributions.SoftplusTransform(), _X),
    "Power": (lambda m: m.distributions.PowerTransform(_t(m, 2.5)), _POS),
    "Abs": (lambda m: m.distributions.AbsTransform(), _X),
    "Softmax": (lambda m: m.distributions.SoftmaxTransform(), _X),
    "StickBreaking": (lambda m: m.distributions.StickBreakingTransform(), _X),
    "LowerCholesky": (lambda m: m.distributions.LowerCholeskyTransform(), _SQ),
    "PositiveDefinite": (lambda m: m.distributions.PositiveDefiniteTransform(), _SQ),
    "CorrCholesky": (lambda m: m.distributions.CorrCholeskyTransform(), _X),
    "Compose": (lambda m: m.distributions.ComposeTransform(
        [m.distributions.AffineTransform(1.0, 2.0), m.distributions.ExpTransform(),
         m.distributions.PowerTransform(_t(m, 0.5))]), _X),
    "Compose with event change": (lambda m: m.distributions.ComposeTransform(
        [m.distributions.ExpTransform(), m.distributions.AffineTransform(0.0, 0.5),
         m.distributions.StickBreakingTransform().inv.inv]), _X),
    "Independent": (lambda m: m.distributions.IndependentTransform(
        m.distributions.SigmoidTransform(), 1), _X),
    "Reshape": (lambda m: m.distributions.ReshapeTransform((3,), (3, 1)), _X),
    "Cat": (lambda m: m.distributions.CatTransform(
        [m.distributions.ExpTransform(), m.distributions.SigmoidTransform()], dim=1,
        lengths=[1, 2]), _X),
    "Stack": (lambda m: m.distributions.StackTransform(
        [m.distributions.ExpTransform(), m.distributions.TanhTransform(),
         m.distributions.AffineTransform(1.0, 3.0)], dim=1), _X),
    "CDF": (lambda m: m.distributions.CumulativeDistributionTransform(
        m.distributions.Normal(_t(m, 0.5), _t(m, 2.0))), _X),
    "Inverse Sigmoid": (lambda m: m.distributions.SigmoidTransform().inv,
                        1 / (1 + np.exp(-_X))),
    "identity": (lambda m: m.distributions.identity_transform, _X),
}


def _has_jacobian(name: str) -> bool:
    return name not in ("Abs", "Softmax", "LowerCholesky", "PositiveDefinite")


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_matches_torch(name: str) -> None:
    make, x = TRANSFORMS[name]
    res = []
    for m in (tg, torch):
        t = make(m)
        xt = _t(m, x, grad=True)
        y = t(xt)
        x2 = t.inv(y.detach())
        facts = (t.bijective, t.domain.event_dim, t.codomain.event_dim,
                 repr(t.domain).replace("torch.", ""), type(t.codomain).__name__,
                 tuple(t.forward_shape(m.Size(x.shape))), tuple(t.inverse_shape(y.shape)))
        out = {"y": y, "x2": x2}
        if _has_jacobian(name):
            ladj = t.log_abs_det_jacobian(xt, y)
            (ladj.sum() + y.sum()).backward()
            out["ladj"], out["grad"] = ladj, xt.grad
        res.append((facts, out))
    assert res[0][0] == res[1][0]
    for k, theirs in res[1][1].items():
        _close(res[0][1][k], theirs, k)


@pytest.mark.parametrize("name", ["Exp", "Sigmoid", "Tanh", "Softplus", "Affine", "Compose",
                                  "Power", "CDF"])
def test_sign_matches_torch(name: str) -> None:
    signs = [TRANSFORMS[name][0](m).sign for m in (tg, torch)]
    signs = [int(s.item()) if hasattr(s, "item") else int(s) for s in signs]
    assert signs[0] == signs[1]


def test_cached_tanh_inverts_saturated_values_as_torch() -> None:
    """With cache_size=1 the inverse of a saturated tanh is the x it came from (SAC)."""
    for m in (tg, torch):
        t = m.distributions.TanhTransform(cache_size=1)
        x = _t(m, [30.0, -25.0, 0.3])
        assert t.inv(t(x)) is x
        assert m.distributions.TanhTransform().inv.inv == m.distributions.TanhTransform()


def test_tanh_normal_policy_log_prob_matches_torch() -> None:
    """SAC's squashed Gaussian: rsample through a cached TanhTransform, then log_prob of the
    action: equal to Normal.log_prob(u) − log(1 − tanh(u)²) computed in the same library."""
    for m in (tg, torch):
        m.manual_seed(0)
        base = m.distributions.Normal(_t(m, [0.1, -0.3], grad=True), _t(m, [0.5, 1.2]))
        d = m.distributions.TransformedDistribution(
            base, [m.distributions.TanhTransform(cache_size=1)])
        a = d.rsample((5,))
        u = d.transforms[0].inv(a)
        expect = base.log_prob(u) - (1 - u.tanh() ** 2).log()
        np.testing.assert_allclose(d.log_prob(a).detach().numpy(), expect.detach().numpy(),
                                   rtol=1e-9)


CONSTRAINTS = [
    lambda c, m: c.real, lambda c, m: c.positive, lambda c, m: c.nonnegative,
    lambda c, m: c.unit_interval, lambda c, m: c.greater_than(2.0),
    lambda c, m: c.greater_than_eq(-1.0), lambda c, m: c.less_than(3.0),
    lambda c, m: c.interval(-2.0, 5.0), lambda c, m: c.half_open_interval(0.0, 3.0),
    lambda c, m: c.simplex, lambda c, m: c.real_vector,
    lambda c, m: c.independent(c.positive, 1), lambda c, m: c.corr_cholesky,
    lambda c, m: c.lower_cholesky, lambda c, m: c.positive_definite,
    lambda c, m: c.cat([c.positive, c.real], 1, [1, 2]),
    lambda c, m: c.stack([c.positive, c.unit_interval, c.real], 1),
]


@pytest.mark.parametrize("i", range(len(CONSTRAINTS)))
def test_biject_to_and_transform_to_match_torch(i: int) -> None:
    """The registries give the same transform (by repr and values); its image satisfies the
    constraint; unsupported constraints are NotImplementedError in both."""
    for registry in ("biject_to", "transform_to"):
        outs = []
        for m in (tg, torch):
            c = CONSTRAINTS[i](m.distributions.constraints, m)
            try:
                t = getattr(m.distributions, registry)(c)
            except NotImplementedError:
                outs.append(None)
                continue
            x = _X if c.event_dim < 2 else _SQ
            if type(t).__name__ == "CorrCholeskyTransform":
                x = _X
            y = t(_t(m, x))
            assert bool(np.all(np.asarray(c.check(y)))), (registry, c)
            outs.append((type(t).__name__, y))
        assert (outs[0] is None) == (outs[1] is None), registry
        if outs[1] is not None:
            assert outs[0][0] == outs[1][0]
            _close(outs[0][1], outs[1][1], registry)


@pytest.mark.parametrize("make, value", [
    (lambda c: c.positive_definite, [[[2.0, 0.5], [0.5, 1.0]], [[1.0, 2.0], [2.0, 1.0]]]),
    (lambda c: c.positive_semidefinite, [[[1.0, 1.0], [1.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]]),
    (lambda c: c.lower_cholesky, [[[1.0, 0.0], [3.0, 2.0]], [[1.0, 0.1], [0.0, 1.0]]]),
    (lambda c: c.lower_triangular, [[[1.0, 0.0], [3.0, -2.0]], [[1.0, 0.1], [0.0, 1.0]]]),
    (lambda c: c.symmetric, [[[1.0, 3.0], [3.0, 2.0]], [[1.0, 0.1], [0.0, 1.0]]]),
    (lambda c: c.square, [[[1.0, 3.0], [3.0, 2.0]]]),
    (lambda c: c.nonnegative_integer, [0.0, 1.0, -1.0, 2.5]),
    (lambda c: c.positive_integer, [0.0, 1.0, 3.0]),
    (lambda c: c.multinomial(3), [[1.0, 2.0], [2.0, 2.0], [-1.0, 0.0]]),
    (lambda c: c.independent(c.real, 2), [[[1.0, float("nan")], [0.0, 1.0]]]),
    (lambda c: c.corr_cholesky, [[[1.0, 0.0], [0.6, 0.8]], [[1.0, 0.0], [0.6, 0.7]]]),
])
def test_constraint_checks_match_torch(make: Any, value: Any) -> None:
    ours = np.asarray(make(tg.distributions.constraints).check(_t(tg, value)))
    theirs = make(torch.distributions.constraints).check(_t(torch, value)).numpy()
    np.testing.assert_array_equal(ours, theirs)
    assert make(tg.distributions.constraints).event_dim == \
        make(torch.distributions.constraints).event_dim
    assert repr(make(tg.distributions.constraints)).split("(")[0] == \
        repr(make(torch.distributions.constraints)).split("(")[0]


def test_dependent_constraint_behaves_as_torch() -> None:
    for m in (tg, torch):
        c = m.distributions.constraints
        assert c.is_dependent(c.dependent)
        assert c.dependent(is_discrete=True, event_dim=1).event_dim == 1
        with pytest.raises(ValueError, match="Cannot determine validity"):
            c.dependent.check(_t(m, [1.0]))
        with pytest.raises(NotImplementedError):
            _ = c.dependent.event_dim
        assert c.is_dependent(m.distributions.Pareto.support)
