"""Losses against PyTorch: ignore_index, label_smoothing, class weights, probability targets,
and the legacy size_average/reduce arguments (values, gradients and the warning text)."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
import tinygrad_nn.nn as nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional
rng = np.random.default_rng(7)


def _both(ours: Any, theirs: Any, x: np.ndarray, *extra: Any, atol: float = 1e-12) -> None:
    """Compare value and input gradient of ours(Tensor, ...) and theirs(torch, ...)."""
    a = tg.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    ya, yb = ours(a, *extra), theirs(b, *extra)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-10, atol=atol)
    if np.all(np.isfinite(yb.detach().numpy())):
        ya.sum().backward()
        yb.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=atol)


SHAPES = [((6, 4), (6,)), ((3, 4, 5), (3, 5)), ((4,), ())]


@pytest.mark.parametrize("shape, tshape", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [-100, 2])
@pytest.mark.parametrize("smoothing", [0.0, 0.15])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_and_nll_with_class_indices_match_torch(
        shape: tuple, tshape: tuple, reduction: str, ignore_index: int, smoothing: float,
        weighted: bool) -> None:
    c = shape[0] if len(shape) == 1 else shape[1]
    x = 3 * rng.standard_normal(shape)
    t = rng.integers(0, c, tshape)
    if t.ndim:
        t.flat[::3] = ignore_index if ignore_index >= 0 else -100  # some ignored targets
        t.flat[1] = 1  # at least one counted target
    w = rng.uniform(0.2, 2.0, c) if weighted else None
    tw = None if w is None else torch.tensor(w)
    kw = dict(ignore_index=ignore_index, reduction=reduction)
    _both(lambda z: F.cross_entropy(z, t, w, label_smoothing=smoothing, **kw),
          lambda z: TF.cross_entropy(z, torch.tensor(t), tw, label_smoothing=smoothing, **kw), x)
    _both(lambda z: F.nll_loss(z.log_softmax(0 if z.ndim == 1 else 1), t, w, **kw),
          lambda z: TF.nll_loss(z.log_softmax(0 if z.ndim == 1 else 1), torch.tensor(t), tw,
                                **kw), x)
    m = nn.CrossEntropyLoss(w, ignore_index=ignore_index, reduction=reduction,
                            label_smoothing=smoothing)
    tm = torch.nn.CrossEntropyLoss(tw, ignore_index=ignore_index, reduction=reduction,
                                   label_smoothing=smoothing)
    _both(lambda z: m(z, t), lambda z: tm(z, torch.tensor(t)), x)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_probability_targets_matches_torch(reduction: str, smoothing: float,
                                                              weighted: bool) -> None:
    x = 2 * rng.standard_normal((5, 3, 2))
    p = rng.dirichlet(np.ones(3), (5, 2)).transpose(0, 2, 1).copy()
    w = rng.uniform(0.5, 2.0, 3) if weighted else None
    _both(lambda z: F.cross_entropy(z, p, w, reduction=reduction, label_smoothing=smoothing),
          lambda z: TF.cross_entropy(z, torch.tensor(p), None if w is None else torch.tensor(w),
                                     reduction=reduction, label_smoothing=smoothing), x)


def test_all_targets_ignored_gives_nan_mean_like_torch() -> None:
    x = rng.standard_normal((3, 4))
    t = np.full(3, -100)
    ours = F.cross_entropy(tg.tensor(x), t).item()
    theirs = TF.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    assert np.isnan(ours) and np.isnan(theirs)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(x), t, reduction="sum").item(),
                               TF.cross_entropy(torch.tensor(x), torch.tensor(t),
                                                reduction="sum").item())


def test_logits_of_1e4_stay_finite_with_smoothing_and_ignore() -> None:
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])
    t = np.array([1, 3])
    _both(lambda z: F.cross_entropy(z, t, ignore_index=3, label_smoothing=0.1),
          lambda z: TF.cross_entropy(z, torch.tensor(t), ignore_index=3, label_smoothing=0.1),
          x, atol=1e-8)


LEGACY = [(None, None), (True, None), (False, None), (None, True), (None, False), (True, True),
          (True, False), (False, True), (False, False)]


def _pair_inputs(name: str) -> tuple[np.ndarray, Any, Any]:
    x = rng.uniform(0.05, 0.95, (4, 3))
    if name in ("nll_loss", "cross_entropy"):
        t = rng.integers(0, 3, 4)
        return x, t, torch.tensor(t)
    y = rng.uniform(0, 1, (4, 3))
    return x, y, torch.tensor(y)


FUNCTIONS = ["mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy",
             "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy"]


def _record(fn: Any) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [f"{w.category.__name__}: {w.message}" for w in caught]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("size_average, reduce", LEGACY)
def test_legacy_size_average_and_reduce_match_torch(name: str, size_average: Any,
                                                    reduce: Any) -> None:
    x, y, ty = _pair_inputs(name)
    kw = dict(size_average=size_average, reduce=reduce)
    ours, our_warn = _record(lambda: getattr(F, name)(tg.tensor(x), y, **kw))
    theirs, their_warn = _record(lambda: getattr(TF, name)(torch.tensor(x), ty, **kw))
    assert our_warn == their_warn
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_legacy_arguments_of_triplet_margin_loss_match_torch() -> None:
    a, p, n = (rng.standard_normal((4, 3)) for _ in range(3))
    for size_average, reduce in LEGACY:
        kw = dict(size_average=size_average, reduce=reduce)
        ours, our_warn = _record(lambda kw=kw: F.triplet_margin_loss(a, p, n, **kw))
        theirs, their_warn = _record(lambda kw=kw: TF.triplet_margin_loss(
            *(torch.tensor(v) for v in (a, p, n)), **kw))
        assert our_warn == their_warn
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


MODULES = {"MSELoss": "mse_loss", "L1Loss": "l1_loss", "SmoothL1Loss": "smooth_l1_loss",
           "BCELoss": "binary_cross_entropy", "BCEWithLogitsLoss": "x",
           "NLLLoss": "nll_loss", "CrossEntropyLoss": "cross_entropy"}


@pytest.mark.parametrize("cls", list(MODULES))
@pytest.mark.parametrize("size_average, reduce", LEGACY)
def test_loss_modules_take_legacy_arguments_like_torch(cls: str, size_average: Any,
                                                       reduce: Any) -> None:
    x, y, ty = _pair_inputs(MODULES[cls])
    kw = dict(size_average=size_average, reduce=reduce)
    ours, our_warn = _record(lambda: getattr(nn, cls)(**kw))
    theirs, their_warn = _record(lambda: getattr(torch.nn, cls)(**kw))
    assert our_warn == their_warn and ours.reduction == theirs.reduction
    np.testing.assert_allclose(ours(tg.tensor(x), y).numpy(),
                               theirs(torch.tensor(x), ty).numpy(), rtol=1e-12)


def test_positional_arguments_follow_torch_signatures() -> None:
    x = rng.standard_normal((4, 3))
    t = rng.integers(0, 3, 4)
    w = rng.uniform(0.5, 1.5, 3)
    for args in itertools.product([None], [1], [None], ["sum"]):  # weight, ignore, reduce, red.
        ours = F.cross_entropy(tg.tensor(x), t, w, *args)
        theirs = TF.cross_entropy(torch.tensor(x), torch.tensor(t), torch.tensor(w), *args)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    assert repr(nn.CrossEntropyLoss(None, None, 1, None, "sum", 0.1).reduction) == "'sum'"
