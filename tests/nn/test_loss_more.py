"""The losses of functional/loss_more.py and their modules against PyTorch: values, first and
second derivatives, every reduction, dtypes, broadcasting, errors, module signatures."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
import tinygrad_nn.nn as nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional
rng = np.random.default_rng(11)
REDUCTIONS = ["mean", "sum", "none"]


def _quiet(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def compare(ours: Callable[..., Any], theirs: Callable[..., Any], *arrays: np.ndarray,
            rtol: float = 1e-10, atol: float = 1e-12, second: bool = False) -> None:
    """Value, gradient of every float input and (``second``) a Hessian-vector product."""
    a = [tg.tensor(x, requires_grad=x.dtype.kind == "f") for x in arrays]
    b = [torch.tensor(x, requires_grad=x.dtype.kind == "f") for x in arrays]
    ya, yb = _quiet(lambda: ours(*a)), _quiet(lambda: theirs(*b))
    assert ya.shape == tuple(yb.shape) and str(ya.dtype) == str(yb.dtype).replace("torch.", "")
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=rtol, atol=atol)
    fa = [t for t in a if t.requires_grad]
    fb = [t for t in b if t.requires_grad]
    ga = tg.grad(ya.sum(), fa, create_graph=second)
    gb = torch.autograd.grad(yb.sum(), fb, create_graph=second)
    for u, v in zip(ga, gb):
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=rtol, atol=atol)
    if second:
        vs = [rng.standard_normal(t.shape) for t in fa]
        sa = sum((g * v).sum() for g, v in zip(ga, vs))
        sb = sum((g * torch.tensor(v)).sum() for g, v in zip(gb, vs))
        ha = tg.grad(sa, fa, allow_unused=True)
        hb = torch.autograd.grad(sb, fb, allow_unused=True)
        for u, v in zip(ha, hb):
            if v is None:
                assert u is None or np.all(u.numpy() == 0)
            else:
                np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-8, atol=1e-10)


# -- values, gradients and second derivatives, every reduction ----------------------------

X = rng.standard_normal((4, 5))
P = rng.dirichlet(np.ones(5), 4)
SIGNS = np.where(rng.standard_normal((4, 5)) > 0, 1.0, -1.0)


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction: str, log_target: bool) -> None:
    y = np.log(P) if log_target else P
    kw = dict(reduction=reduction, log_target=log_target)
    compare(lambda x, t: F.kl_div(x, t, **kw), lambda x, t: TF.kl_div(x, t, **kw),
            np.log(P[::-1].copy()), y, second=True)
    compare(lambda x, t: nn.KLDivLoss(**kw)(x, t), lambda x, t: torch.nn.KLDivLoss(**kw)(x, t),
            X, y)


def test_kl_div_zero_targets_and_mean_warning_as_torch() -> None:
    y = P.copy()
    y[0, :3] = 0.0  # 0 log 0 = 0, as xlogy
    compare(lambda x: F.kl_div(x, y, reduction="sum"),
            lambda x: TF.kl_div(x, torch.tensor(y), reduction="sum"), np.log(P))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(tg.tensor(X), P)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(tg.tensor(X), P, reduction="batchmean")  # no warning
    assert F.kl_div(tg.tensor(1.0), tg.tensor(0.5), reduction="batchmean").shape == ()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss(reduction: str, log_input: bool, full: bool) -> None:
    x = X if log_input else np.abs(X) + 0.1
    y = rng.poisson(2.0, X.shape) + rng.uniform(0.1, 0.9, X.shape)  # on both sides of 1
    kw = dict(log_input=log_input, full=full, reduction=reduction)
    compare(lambda u, v: F.poisson_nll_loss(u, v, **kw),
            lambda u, v: TF.poisson_nll_loss(u, v, **kw), x, y, second=True)
    compare(lambda u, v: nn.PoissonNLLLoss(**kw)(u, v),
            lambda u, v: torch.nn.PoissonNLLLoss(**kw)(u, v), x, y)


@pytest.mark.parametrize("eps", [1e-8, 0.5])
def test_poisson_eps_and_zero_targets(eps: float) -> None:
    x = np.array([0.0, 1e-9, 2.0])
    y = np.array([0.0, 1.0, 3.0])
    compare(lambda u: F.poisson_nll_loss(u, y, log_input=False, full=True, eps=eps,
                                         reduction="none"),
            lambda u: TF.poisson_nll_loss(u, torch.tensor(y), log_input=False, full=True,
                                          eps=eps, reduction="none"), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("vshape", [(4, 5), (4, 1), (4,), (1, 5)])
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_loss(reduction: str, vshape: tuple[int, ...], full: bool) -> None:
    var = rng.uniform(0.2, 2.0, vshape)
    kw = dict(full=full, reduction=reduction)
    compare(lambda x, y, v: F.gaussian_nll_loss(x, y, v, **kw),
            lambda x, y, v: TF.gaussian_nll_loss(x, y, v, **kw), X, X[::-1].copy(), var,
            second=True)
    compare(lambda x, y, v: nn.GaussianNLLLoss(**kw)(x, y, v),
            lambda x, y, v: torch.nn.GaussianNLLLoss(**kw)(x, y, v), X, X[::-1].copy(), var)


@pytest.mark.parametrize("eps", [1e-6, 1e-3])
def test_gaussian_nll_clamps_the_value_not_the_gradient(eps: float) -> None:
    var = np.array([1e-9, 0.0, 1e-6, 0.5])  # below, at and above eps
    x, y = rng.standard_normal(4), rng.standard_normal(4)
    compare(lambda u, v: F.gaussian_nll_loss(u, y, v, eps=eps, reduction="none"),
            lambda u, v: TF.gaussian_nll_loss(u, torch.tensor(y), v, eps=eps,
                                              reduction="none"), x, var, rtol=1e-9)
    ours = F.gaussian_nll_loss(tg.tensor(x), y, 0.5, reduction="sum")  # a float variance
    theirs = TF.gaussian_nll_loss(torch.tensor(x), torch.tensor(y), 0.5, reduction="sum")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking_loss(reduction: str, margin: float) -> None:
    y = SIGNS[:, 0].copy()
    x1, x2 = X[:, 0].copy(), X[:, 1].copy()
    x2[0] = x1[0] + margin * y[0]  # exactly on the hinge: the gradient passes, as clamp_min
    kw = dict(margin=margin, reduction=reduction)
    compare(lambda a, b: F.margin_ranking_loss(a, b, y, **kw),
            lambda a, b: TF.margin_ranking_loss(a, b, torch.tensor(y), **kw), x1, x2)
    compare(lambda a, b: nn.MarginRankingLoss(**kw)(a, b, y),
            lambda a, b: torch.nn.MarginRankingLoss(**kw)(a, b, torch.tensor(y)), x1, x2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.3])
def test_hinge_embedding_loss(reduction: str, margin: float) -> None:
    y = SIGNS.copy()
    y[0, 0] = 0.5  # neither 1 nor -1: both terms, as PyTorch
    x = X.copy()
    x[1, 1], y[1, 1] = 1.0, -1.0  # on the hinge
    kw = dict(margin=margin, reduction=reduction)
    compare(lambda u: F.hinge_embedding_loss(u, y, **kw),
            lambda u: TF.hinge_embedding_loss(u, torch.tensor(y), **kw), x)
    compare(lambda u: nn.HingeEmbeddingLoss(**kw)(u, y),
            lambda u: torch.nn.HingeEmbeddingLoss(**kw)(u, torch.tensor(y)), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.4, -0.3])
def test_cosine_embedding_loss(reduction: str, margin: float) -> None:
    y = SIGNS[:, 0].copy()
    y[1] = 0.0  # neither: 0, as PyTorch
    x2 = rng.standard_normal((4, 5))
    kw = dict(margin=margin, reduction=reduction)
    compare(lambda a, b: F.cosine_embedding_loss(a, b, y, **kw),
            lambda a, b: TF.cosine_embedding_loss(a, b, torch.tensor(y), **kw), X, x2,
            second=True)
    compare(lambda a, b: nn.CosineEmbeddingLoss(**kw)(a, b, y[2]),
            lambda a, b: torch.nn.CosineEmbeddingLoss(**kw)(a, b, torch.tensor(y[2])),
            X[0].copy(), x2[0].copy())
    zeros = np.zeros((2, 5))  # zero vectors: the 1e-12 on the squared norms keeps it finite
    compare(lambda a, b: F.cosine_embedding_loss(a, b, np.array([1.0, -1.0]), **kw),
            lambda a, b: TF.cosine_embedding_loss(a, b, torch.tensor([1.0, -1.0]), **kw),
            zeros, x2[:2].copy(), rtol=1e-8)  # gradients ~1e5 from the 1e-12


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction: str) -> None:
    y = SIGNS * rng.uniform(0.5, 1.5, SIGNS.shape)
    compare(lambda u: F.soft_margin_loss(u, y, reduction=reduction),
            lambda u: TF.soft_margin_loss(u, torch.tensor(y), reduction=reduction), 5 * X,
            second=True, rtol=1e-9)
    compare(lambda u: nn.SoftMarginLoss(reduction=reduction)(u, y[0]),
            lambda u: torch.nn.SoftMarginLoss(reduction=reduction)(u, torch.tensor(y[0])), X)
    for lib, m in ((torch, TF), (tg, F)):  # the target takes no gradient, in both
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument"):
            m.soft_margin_loss(lib.tensor(X), lib.tensor(y, requires_grad=True))


def test_soft_margin_loss_is_finite_at_logits_1e4() -> None:
    x = tg.tensor([-1e4, 1e4, -1e4], requires_grad=True)
    loss = F.soft_margin_loss(x, np.array([1.0, 1.0, -1.0]), reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [1e4, 0.0, 0.0])  # PyTorch: [inf, 0, 0]
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-1.0, 0.0, 0.0])  # PyTorch: [nan, 0, 0]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(4, 5), (5,)])
def test_multilabel_soft_margin_loss(reduction: str, weighted: bool,
                                     shape: tuple[int, ...]) -> None:
    x = X.reshape(-1)[:int(np.prod(shape))].reshape(shape) * 3
    y = (SIGNS.reshape(-1)[:x.size].reshape(shape) > 0).astype(np.float64)
    w = rng.uniform(0.5, 2.0, 5) if weighted else None
    tw = None if w is None else torch.tensor(w)
    compare(lambda u, v: F.multilabel_soft_margin_loss(u, v, w, reduction=reduction),
            lambda u, v: TF.multilabel_soft_margin_loss(u, v, tw, reduction=reduction), x, y,
            second=True)
    m, tm = nn.MultiLabelSoftMarginLoss(w, reduction=reduction), \
        torch.nn.MultiLabelSoftMarginLoss(tw, reduction=reduction)
    assert list(m.state_dict()) == list(tm.state_dict())
    compare(lambda u: m(u, y), lambda u: tm(u, torch.tensor(y)), 1e4 * np.sign(x))  # extremes


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("margin", [1.0, 0.3])
def test_multi_margin_loss(reduction: str, p: int, weighted: bool, margin: float) -> None:
    t = np.array([0, 4, 2, 2])
    w = rng.uniform(0.5, 2.0, 5) if weighted else None
    tw = None if w is None else torch.tensor(w)
    x = X.copy()
    x[0, 1] = x[0, 0] - 1.0  # exactly on the hinge (margin 1): no gradient, as PyTorch
    kw = dict(p=p, margin=margin, weight=w, reduction=reduction)
    tkw = dict(kw, weight=tw)
    compare(lambda u: F.multi_margin_loss(u, t, **kw),
            lambda u: TF.multi_margin_loss(u, torch.tensor(t), **tkw), x)
    compare(lambda u: nn.MultiMarginLoss(**kw)(u, t),
            lambda u: torch.nn.MultiMarginLoss(**tkw)(u, torch.tensor(t)), x)
    for target in (np.array(3), np.array([3])):  # one sample: 0-d or (1,) 'none' result
        compare(lambda u, target=target: F.multi_margin_loss(u, target, **kw),
                lambda u, target=target: TF.multi_margin_loss(u, torch.tensor(target), **tkw),
                x[1].copy())


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(reduction: str) -> None:
    t = np.array([[1, 3, -1, 0, 2], [0, 0, -1, 1, 1], [4, 3, 2, 1, 0], [-1, 1, 2, 3, 4]])
    compare(lambda u: F.multilabel_margin_loss(u, t, reduction=reduction),
            lambda u: TF.multilabel_margin_loss(u, torch.tensor(t), reduction=reduction), X)
    compare(lambda u: nn.MultiLabelMarginLoss(reduction=reduction)(u, t[0]),
            lambda u: torch.nn.MultiLabelMarginLoss(reduction=reduction)(
                u, torch.tensor(t[0])), X[0].copy())


def _sq(u: Any, v: Any) -> Any:
    return ((u - v) ** 2).sum(-1)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("custom", [False, True])
def test_triplet_margin_with_distance_loss(reduction: str, swap: bool, custom: bool) -> None:
    a, p, n = X, rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    kw = dict(swap=swap, reduction=reduction, margin=2.0)
    compare(lambda u, v, w: F.triplet_margin_with_distance_loss(
                u, v, w, distance_function=_sq if custom else None, **kw),
            lambda u, v, w: TF.triplet_margin_with_distance_loss(
                u, v, w, distance_function=_sq if custom else None, **kw), a, p, n,
            second=custom)
    compare(lambda u, v, w: nn.TripletMarginWithDistanceLoss(
                distance_function=_sq if custom else None, **kw)(u, v, w),
            lambda u, v, w: torch.nn.TripletMarginWithDistanceLoss(
                distance_function=_sq if custom else None, **kw)(u, v, w), a, p, n)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, dict(margin=0.5, p=1.0, eps=1e-3, swap=True)])
def test_triplet_margin_loss_module_and_broadcasting(reduction: str,
                                                     options: dict[str, Any]) -> None:
    a, p, n = X, rng.standard_normal((1, 5)), rng.standard_normal((4, 5))
    kw = dict(options, reduction=reduction)
    compare(lambda u, v, w: nn.TripletMarginLoss(**kw)(u, v, w),
            lambda u, v, w: torch.nn.TripletMarginLoss(**kw)(u, v, w), a, p, n)
    compare(lambda u, v, w: F.triplet_margin_loss(u, v, w, **kw),
            lambda u, v, w: TF.triplet_margin_loss(u, v, w, **kw), a, p, n)


# -- legacy arguments, dtypes, broadcasting -------------------------------------------------

LEGACY = [(True, None), (False, None), (None, False), (False, True)]
LEGACY_CALLS = {
    "kl_div": (lambda m, a, kw: m.kl_div(a(X), a(P), **kw)),
    "poisson_nll_loss": (lambda m, a, kw: m.poisson_nll_loss(a(X), a(P), **kw)),
    "margin_ranking_loss": (lambda m, a, kw: m.margin_ranking_loss(a(X), a(P), a(SIGNS), **kw)),
    "hinge_embedding_loss": (lambda m, a, kw: m.hinge_embedding_loss(a(X), a(SIGNS), **kw)),
    "cosine_embedding_loss": (lambda m, a, kw: m.cosine_embedding_loss(
        a(X), a(P), a(SIGNS[:, 0].copy()), **kw)),
    "soft_margin_loss": (lambda m, a, kw: m.soft_margin_loss(a(X), a(SIGNS), **kw)),
    "multilabel_soft_margin_loss": (lambda m, a, kw: m.multilabel_soft_margin_loss(
        a(X), a(P), **kw)),
    "multi_margin_loss": (lambda m, a, kw: m.multi_margin_loss(a(X), a(np.arange(4)), **kw)),
    "multilabel_margin_loss": (lambda m, a, kw: m.multilabel_margin_loss(
        a(X), a(np.tile(np.array([1, 0, -1, 2, 3]), (4, 1))), **kw)),
}


def _record(fn: Callable[[], Any]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [f"{w.category.__name__}: {w.message}" for w in caught]


@pytest.mark.parametrize("name", list(LEGACY_CALLS))
@pytest.mark.parametrize("size_average, reduce", LEGACY)
def test_legacy_size_average_and_reduce_match_torch(name: str, size_average: Any,
                                                    reduce: Any) -> None:
    kw = dict(size_average=size_average, reduce=reduce)
    call = LEGACY_CALLS[name]
    ours, our_warn = _record(lambda: call(F, tg.tensor, kw))
    theirs, their_warn = _record(lambda: call(TF, torch.tensor, kw))
    assert our_warn == their_warn
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", list(LEGACY_CALLS))
def test_float32_in_float32_out(name: str) -> None:
    def f32(x: np.ndarray) -> np.ndarray:
        return x.astype(np.float32) if x.dtype.kind == "f" else x

    call = LEGACY_CALLS[name]
    ours = _quiet(lambda: call(F, lambda x: tg.tensor(f32(x)), {"reduction": "none"}))
    theirs = _quiet(lambda: call(TF, lambda x: torch.tensor(f32(x)), {"reduction": "none"}))
    assert ours.dtype == tg.float32 and theirs.dtype == torch.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_float32_gaussian_and_triplet_with_distance() -> None:
    x, y, v = (rng.standard_normal((3, 4)).astype(np.float32) for _ in range(3))
    v = np.abs(v)
    ours = F.gaussian_nll_loss(tg.tensor(x), tg.tensor(y), tg.tensor(v), reduction="none")
    theirs = TF.gaussian_nll_loss(*(torch.tensor(u) for u in (x, y, v)), reduction="none")
    assert ours.dtype == tg.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5)
    ours = F.triplet_margin_with_distance_loss(tg.tensor(x), tg.tensor(y), tg.tensor(v))
    assert ours.dtype == tg.float32
    np.testing.assert_allclose(ours.numpy(), TF.triplet_margin_with_distance_loss(
        *(torch.tensor(u) for u in (x, y, v))).numpy(), rtol=1e-5)


BROADCASTS = [
    ("kl_div", (2, 3), (3,)), ("poisson_nll_loss", (2, 3), (1, 3)),
    ("soft_margin_loss", (3,), (2, 1)), ("hinge_embedding_loss", (2, 3), (3,)),
    ("kl_div", (2,), (3,)), ("poisson_nll_loss", (2, 3), (4,)),
    ("soft_margin_loss", (2,), (3,)), ("hinge_embedding_loss", (2,), (3,)),
]


@pytest.mark.parametrize("name, s1, s2", BROADCASTS)
def test_broadcasting_and_its_errors_follow_torch(name: str, s1: tuple[int, ...],
                                                  s2: tuple[int, ...]) -> None:
    x, y = rng.uniform(0.1, 1.0, s1), rng.uniform(0.1, 1.0, s2)
    try:
        theirs = _quiet(lambda: getattr(TF, name)(torch.tensor(x), torch.tensor(y),
                                                  reduction="none"))
    except RuntimeError:
        with pytest.raises(RuntimeError):
            _quiet(lambda: getattr(F, name)(tg.tensor(x), tg.tensor(y), reduction="none"))
        return
    ours = _quiet(lambda: getattr(F, name)(tg.tensor(x), tg.tensor(y), reduction="none"))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


# -- errors, as PyTorch raises them ---------------------------------------------------------

def _long(*v: Any) -> np.ndarray:
    return np.array(v, dtype=np.int64)


ERRORS = [
    ("kl_div", lambda m, a: m.kl_div(a(X), a(P), reduction="foo"), ValueError, "foo"),
    ("poisson", lambda m, a: m.poisson_nll_loss(a(X), a(P), reduction="batchmean"), ValueError,
     "batchmean"),
    ("gaussian var size", lambda m, a: m.gaussian_nll_loss(a(X), a(X), a(np.ones(5))),
     ValueError, "var is of incorrect size"),
    ("gaussian two dims", lambda m, a: m.gaussian_nll_loss(a(X), a(X), a(np.ones((1, 1)))),
     ValueError, "var is of incorrect size"),
    ("gaussian negative", lambda m, a: m.gaussian_nll_loss(a(X), a(X), a(-np.ones(4))),
     ValueError, "negative"),
    ("gaussian negative float", lambda m, a: m.gaussian_nll_loss(a(X), a(X), -1.0),
     ValueError, "negative"),
    ("gaussian reduction", lambda m, a: m.gaussian_nll_loss(a(X), a(X), 1.0, reduction="x"),
     ValueError, "x is not valid"),
    ("ranking dims", lambda m, a: m.margin_ranking_loss(a(X[0]), a(X[:1]), a(SIGNS[0])),
     RuntimeError, "same dimension"),
    ("cosine target dims", lambda m, a: m.cosine_embedding_loss(a(X), a(X), a(SIGNS)),
     RuntimeError, "0D or 1D target"),
    ("cosine input dims", lambda m, a: m.cosine_embedding_loss(a(X), a(X[0]), a(SIGNS[:, 0])),
     RuntimeError, "1D target tensor expects 2D input"),
    ("multi p", lambda m, a: m.multi_margin_loss(a(X), a(_long(0, 1, 2, 3)), p=3), ValueError,
     "only p == 1 and p == 2"),
    ("multi weight dims", lambda m, a: m.multi_margin_loss(a(X), a(_long(0, 1, 2, 3)),
                                                           weight=a(np.ones((5, 1)))),
     ValueError, "one-dimensional"),
    ("multi weight size", lambda m, a: m.multi_margin_loss(a(X), a(_long(0, 1, 2, 3)),
                                                           weight=a(np.ones(4))),
     RuntimeError, "inconsistent weight size"),
    ("multi target range", lambda m, a: m.multi_margin_loss(a(X), a(_long(0, 1, 2, 5))),
     RuntimeError, "target out of range"),
    ("multi target size", lambda m, a: m.multi_margin_loss(a(X), a(_long(0, 1, 2))),
     RuntimeError, "target tensor should be 1-D"),
    ("multi target dtype", lambda m, a: m.multi_margin_loss(a(X), a(np.zeros(4))),
     RuntimeError, "expected scalar type Long but found Double"),
    ("multi input dims", lambda m, a: m.multi_margin_loss(a(np.ones((2, 3, 4))), a(_long(0, 1))),
     RuntimeError, "Expected non-empty vector or matrix"),
    ("multilabel size", lambda m, a: m.multilabel_margin_loss(a(X), a(np.zeros((4, 4), int))),
     RuntimeError, "inconsistent target size"),
    ("multilabel range", lambda m, a: m.multilabel_margin_loss(a(X[0]), a(_long(0, 7, -1, 0, 0))),
     RuntimeError, "out of range"),
    ("multilabel below -1", lambda m, a: m.multilabel_margin_loss(a(X[0]),
                                                                  a(_long(0, -2, -1, 0, 0))),
     RuntimeError, "out of range"),
    ("triplet margin", lambda m, a: m.triplet_margin_with_distance_loss(a(X), a(X), a(X),
                                                                        margin=0),
     ValueError, "margin must be greater than 0"),
    ("triplet dims", lambda m, a: m.triplet_margin_with_distance_loss(a(X), a(X[0]), a(X)),
     RuntimeError, "same number of dimensions"),
    ("triplet reduction", lambda m, a: m.triplet_margin_with_distance_loss(a(X), a(X), a(X),
                                                                           reduction="x"),
     ValueError, "x is not a valid value"),
    ("triplet p-norm dims", lambda m, a: m.triplet_margin_loss(a(X), a(X[0]), a(X)),
     RuntimeError, "same number of dimensions"),
    ("triplet p-norm margin", lambda m, a: m.triplet_margin_loss(a(X), a(X), a(X), margin=-1.0),
     ValueError, "margin must be greater than 0"),
]


@pytest.mark.parametrize("call, exc, text", [pytest.param(*e[1:], id=e[0]) for e in ERRORS])
def test_errors_match_torch(call: Any, exc: type, text: str) -> None:
    with pytest.raises(exc, match=text):
        _quiet(lambda: call(TF, torch.tensor))
    with pytest.raises(exc, match=text):
        _quiet(lambda: call(F, tg.tensor))


MODULE_ERRORS = [
    ("MultiMarginLoss", dict(p=3), "only p == 1 and p == 2"),
    ("TripletMarginWithDistanceLoss", dict(margin=0.0), "expected margin to be greater than 0"),
]


@pytest.mark.parametrize("cls, kw, text", MODULE_ERRORS)
def test_module_constructor_errors_match_torch(cls: str, kw: dict[str, Any], text: str) -> None:
    with pytest.raises(ValueError, match=text):
        getattr(torch.nn, cls)(**kw)
    with pytest.raises(ValueError, match=text):
        getattr(nn, cls)(**kw)


# -- modules: PyTorch's constructor signatures, repr, buffers ------------------------------

LOSS_MODULES = sorted(n for n in dir(torch.nn) if n.endswith("Loss") or n == "NLLLoss2d")
NOT_HERE = {"AdaptiveLogSoftmaxWithLoss", "LinearCrossEntropyLoss"}  # layers with parameters


def _signature(fn: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", [n for n in LOSS_MODULES if n not in NOT_HERE])
def test_every_torch_loss_module_exists_with_its_constructor_signature(name: str) -> None:
    ours, theirs = getattr(nn, name), getattr(torch.nn, name)
    assert _signature(ours.__init__) == _signature(theirs.__init__)
    assert _signature(ours.forward)[1:] == _signature(theirs.forward)[1:]
    if name == "TripletMarginWithDistanceLoss":  # PyTorch's default distance is a child
        # module (nn.PairwiseDistance, not in this library yet); here it is the function
        assert repr(ours()) == "TripletMarginWithDistanceLoss()"
    elif name != "NLLLoss2d":
        assert repr(ours()) == repr(theirs())


FUNCTIONS = ["kl_div", "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss",
             "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
             "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss",
             "triplet_margin_with_distance_loss", "triplet_margin_loss", "ctc_loss",
             "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
             "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functional_signatures_match_torch(name: str) -> None:
    assert _signature(getattr(F, name)) == _signature(getattr(TF, name))


def test_nllloss2d_is_nllloss_with_torchs_future_warning() -> None:
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        m = nn.NLLLoss2d(ignore_index=1)
    assert isinstance(m, nn.NLLLoss) and m.ignore_index == 1
    x = rng.standard_normal((2, 3, 4, 4))
    t = rng.integers(0, 3, (2, 4, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        tm = torch.nn.NLLLoss2d(ignore_index=1)
    compare(lambda u: m(u.log_softmax(1), t), lambda u: tm(u.log_softmax(1), torch.tensor(t)), x)


def test_weighted_modules_keep_weight_as_a_buffer_like_torch() -> None:
    w = rng.uniform(0.5, 2.0, 5)
    for cls in ("MultiMarginLoss", "MultiLabelSoftMarginLoss"):
        ours, theirs = getattr(nn, cls)(weight=tg.tensor(w)), getattr(torch.nn, cls)(
            weight=torch.tensor(w))
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
        ours.load_state_dict({"weight": tg.tensor(2 * w)})
        np.testing.assert_array_equal(ours.weight.numpy(), 2 * w)
    with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D"):
        nn.MultiMarginLoss(weight=tg.ones(2, 2))
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    m = nn.TripletMarginWithDistanceLoss(distance_function=_sq, margin=0.5, swap=True)
    assert (m.distance_function, m.margin, m.swap) == (_sq, 0.5, True)


# -- CTC --------------------------------------------------------------------------------

def _ctc_case(t_max: int = 12, n: int = 4, c: int = 6, seed: int = 0) -> tuple[Any, ...]:
    r = np.random.default_rng(seed)
    x = r.standard_normal((t_max, n, c))
    in_len = r.integers(t_max // 2, t_max + 1, n)
    in_len[0] = t_max
    tg_len = np.array([r.integers(0, k // 2 + 1) for k in in_len])
    targets = r.integers(1, c, (n, int(tg_len.max()) + 2))  # padded, longer than needed
    return x, targets, in_len, tg_len


def _ctc_both(x: np.ndarray, targets: np.ndarray, in_len: Any, tg_len: Any,
              **kw: Any) -> None:
    compare(lambda u: F.ctc_loss(u.log_softmax(-1), targets, in_len, tg_len, **kw),
            lambda u: TF.ctc_loss(u.log_softmax(-1), torch.tensor(targets),
                                  torch.tensor(in_len), torch.tensor(tg_len), **kw), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("layout", ["padded", "concatenated"])
@pytest.mark.parametrize("blank", [0, 5])
def test_ctc_loss_matches_torch(reduction: str, layout: str, blank: int) -> None:
    x, targets, in_len, tg_len = _ctc_case()
    targets = np.where(targets == blank, (blank + 1) % 6, targets)
    if layout == "concatenated":
        targets = np.concatenate([targets[b, :tg_len[b]] for b in range(len(tg_len))])
    _ctc_both(x, targets, in_len, tg_len, reduction=reduction, blank=blank)


def test_ctc_loss_repeats_empty_targets_and_a_long_sequence() -> None:
    x = rng.standard_normal((9, 3, 4))
    targets = np.array([[2, 2, 2, 0], [1, 2, 1, 2], [0, 0, 0, 0]])  # repeats need blanks
    _ctc_both(x, targets, np.array([9, 8, 0]), np.array([3, 4, 0]), reduction="none", blank=3)
    x, targets, in_len, tg_len = _ctc_case(t_max=60, n=3, c=20, seed=3)
    _ctc_both(x, targets, in_len, tg_len, reduction="mean")


def test_ctc_loss_unbatched_float32_and_list_lengths() -> None:
    x = rng.standard_normal((7, 5))
    ours = F.ctc_loss(tg.tensor(x).log_softmax(1), [1, 2, 2], (7,), [3], reduction="none")
    theirs = TF.ctc_loss(torch.tensor(x).log_softmax(1), torch.tensor([1, 2, 2]), (7,), [3],
                         reduction="none")
    assert ours.shape == tuple(theirs.shape) == ()
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    x32 = rng.standard_normal((8, 2, 5)).astype(np.float32)
    a, b = tg.tensor(x32, requires_grad=True), torch.tensor(x32, requires_grad=True)
    la = nn.CTCLoss(blank=4)(a.log_softmax(2), np.array([[1, 2], [3, 0]]), [8, 6], [2, 1])
    lb = torch.nn.CTCLoss(blank=4)(b.log_softmax(2), torch.tensor([[1, 2], [3, 0]]),
                                   torch.tensor([8, 6]), torch.tensor([2, 1]))
    assert la.dtype == tg.float32
    la.backward()
    lb.backward()
    np.testing.assert_allclose(la.detach().numpy(), lb.detach().numpy(), rtol=1e-5)
    assert a.grad.dtype == tg.float32
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_impossible_alignments_as_torch(zero_infinity: bool) -> None:
    x = rng.standard_normal((4, 2, 3))
    targets = np.array([[1, 1, 1], [1, 2, 0]])  # three 1s need 5 steps: impossible in 4
    a, b = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kw = dict(reduction="none", zero_infinity=zero_infinity)
    la = F.ctc_loss(a.log_softmax(2), targets, [4, 4], [3, 2], **kw)
    lb = TF.ctc_loss(b.log_softmax(2), torch.tensor(targets), [4, 4], [3, 2], **kw)
    np.testing.assert_array_equal(np.isinf(la.detach().numpy()), np.isinf(lb.detach().numpy()))
    np.testing.assert_allclose(la.detach().numpy()[1], lb.detach().numpy()[1], rtol=1e-12)
    la.sum().backward()
    lb.sum().backward()
    # the impossible sample's gradient: NaN as PyTorch's, or 0 under zero_infinity
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_ctc_gradient_is_the_true_one_on_raw_scores() -> None:
    """The gradient w.r.t. log_probs themselves agrees with two-sided differences; PyTorch's
    adds exp(log_probs) (pytorch/pytorch#52241), which cancels only after log_softmax."""
    x, targets, in_len, tg_len = _ctc_case(t_max=6, n=2, c=4, seed=5)
    a = tg.tensor(x, requires_grad=True)
    F.ctc_loss(a, targets, in_len, tg_len, reduction="sum").backward()
    numeric = np.zeros_like(x)
    h = 1e-6
    for i in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (F.ctc_loss(tg.tensor(up), targets, in_len, tg_len, reduction="sum").item()
                      - F.ctc_loss(tg.tensor(down), targets, in_len, tg_len,
                                   reduction="sum").item()) / (2 * h)
    np.testing.assert_allclose(a.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)
    b = torch.tensor(x, requires_grad=True)
    TF.ctc_loss(b, torch.tensor(targets), torch.tensor(in_len), torch.tensor(tg_len),
                reduction="sum").backward()
    live = np.arange(6)[:, None, None] < in_len[:, None]
    np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy() + np.exp(x) * live, rtol=1e-10,
                               atol=1e-12)


def test_ctc_second_derivative_raises_like_torch() -> None:
    x, targets, in_len, tg_len = _ctc_case(t_max=5, n=1, c=3)
    a = tg.tensor(x, requires_grad=True)
    (g,) = tg.grad(F.ctc_loss(a.log_softmax(2), targets, in_len, tg_len), [a],
                   create_graph=True)
    b = torch.tensor(x, requires_grad=True)
    (gb,) = torch.autograd.grad(TF.ctc_loss(b.log_softmax(2), torch.tensor(targets),
                                            torch.tensor(in_len), torch.tensor(tg_len)),
                                [b], create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), gb.detach().numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(RuntimeError):
        torch.autograd.grad(gb.sum(), [b])
    with pytest.raises(RuntimeError, match="second derivatives are not implemented"):
        tg.grad((g * g).sum(), [a])


CTC_ERRORS = [
    ("blank", dict(blank=6), "blank must be in label range"),
    ("input lengths", dict(input_lengths=[12, 12]), "input_lengths must be of size batch_size"),
    ("target lengths", dict(target_lengths=[1]), "target_lengths must be of size batch_size"),
    ("long input", dict(input_lengths=[13, 1, 1, 1]), "Expected input_lengths to have value at "
                                                      "most 12"),
    ("short padded", dict(targets=np.ones((4, 1), np.int64), target_lengths=[2, 1, 1, 1]),
     "Expected tensor to have size at least 2 at dimension 1"),
    ("short concatenated", dict(targets=np.ones(3, np.int64), target_lengths=[1, 1, 1, 1]),
     "Expected tensor to have size 4 at dimension 0"),
]


@pytest.mark.parametrize("case, change, text", CTC_ERRORS)
def test_ctc_errors_match_torch(case: str, change: dict[str, Any], text: str) -> None:
    x, targets, in_len, tg_len = _ctc_case()
    change = dict(change)
    blank = change.pop("blank", 0)
    args = dict(log_probs=x, targets=targets, input_lengths=in_len, target_lengths=tg_len)
    args.update(change)
    ours = {k: tg.tensor(np.asarray(v)) for k, v in args.items()}
    theirs = {k: torch.tensor(np.asarray(v)) for k, v in args.items()}
    with pytest.raises(RuntimeError, match=text):
        TF.ctc_loss(**theirs, blank=blank)
    with pytest.raises(RuntimeError, match=text):
        F.ctc_loss(**ours, blank=blank)
