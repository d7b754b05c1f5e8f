"""alpha_dropout / feature_alpha_dropout and AlphaDropout / FeatureAlphaDropout: PyTorch's
affine correction exactly (on the same mask), its gradient, the statistics it exists for
(zero mean, unit variance, a fraction p dropped), the eval identity and PyTorch's errors.
The masks themselves come from this library's generator, so they cannot match PyTorch's."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
import tinygrad_nn.nn as nn
from tests.nn.torch_compare import outcome

torch = pytest.importorskip("torch")
TF = torch.nn.functional
ALPHA = 1.7580993408473766


def _constants(p: float) -> tuple[float, float]:
    a = 1.0 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    return a, ALPHA * a * (p - 1)  # the scale, and the value of a dropped element


def _torch_formula(x: np.ndarray, keep: np.ndarray, p: float) -> Any:
    """PyTorch's own arithmetic (ATen's _dropout_impl) on a given mask, with its gradient."""
    a = 1.0 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    xt = torch.tensor(x, requires_grad=True)
    noise = torch.tensor(keep.astype(x.dtype))
    b = noise.add(-1).mul_(ALPHA * a).add_(ALPHA * a * p)
    y = (xt * noise.mul_(a)).add_(b)
    y.sum().backward()
    return y.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("feature", [False, True])
def test_the_affine_correction_is_torchs_exactly(dtype: Any, p: float, feature: bool) -> None:
    tg.manual_seed(3)
    x = np.random.default_rng(0).standard_normal((4, 5, 3)).astype(dtype)
    xt = tg.tensor(x, requires_grad=True)
    fn = F.feature_alpha_dropout if feature else F.alpha_dropout
    y = fn(xt, p, training=True)
    assert y.dtype == dtype
    _, dropped = _constants(p)
    keep = ~np.isclose(y.detach().numpy(), np.asarray(dropped, dtype), rtol=0, atol=1e-6)
    assert 0 < keep.sum() < keep.size
    if feature:  # one draw per (sample, channel): constant over the trailing axis
        assert (keep == keep[:, :, :1]).all()
    y.sum().backward()
    want, grad = _torch_formula(x, keep, p)
    np.testing.assert_array_equal(y.detach().numpy(), want)
    np.testing.assert_array_equal(xt.grad.numpy(), grad)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_selu_statistics_are_kept(p: float) -> None:
    tg.manual_seed(0)
    x = np.random.default_rng(1).standard_normal(400_000)
    y = F.alpha_dropout(tg.tensor(x), p, training=True).detach().numpy()
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01
    assert abs(np.isclose(y, _constants(p)[1]).mean() - p) < 0.005


def test_feature_statistics_are_per_channel() -> None:
    tg.manual_seed(0)
    x = np.random.default_rng(2).standard_normal((500, 200, 8))
    y = F.feature_alpha_dropout(tg.tensor(x), 0.3, training=True).detach().numpy()
    dropped = np.isclose(y, _constants(0.3)[1]).all(axis=2)
    assert abs(dropped.mean() - 0.3) < 0.01
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01


@pytest.mark.parametrize("fn", ["alpha_dropout", "feature_alpha_dropout"])
def test_identity_unless_training(fn: str) -> None:
    x = tg.randn(3, 4, 2)
    ours = getattr(F, fn)
    assert ours(x) is x and ours(x, 0.5, False) is x  # training defaults to False (PyTorch's)
    assert ours(x, 0.0, True) is x
    assert getattr(TF, fn)(torch.zeros(2, 2)).sum() == 0
    cls = {"alpha_dropout": nn.AlphaDropout, "feature_alpha_dropout": nn.FeatureAlphaDropout}[fn]
    m = cls(0.4).eval()
    assert m(x) is x
    m.train()
    assert not np.array_equal(m(x).detach().numpy(), x.detach().numpy())


@pytest.mark.parametrize("fn", ["alpha_dropout", "feature_alpha_dropout"])
def test_p_one_gives_signed_zeros_as_torch(fn: str) -> None:
    x = np.random.default_rng(3).standard_normal((3, 4))
    y = getattr(F, fn)(tg.tensor(x), 1.0, True).detach().numpy()
    ty = getattr(TF, fn)(torch.tensor(x), 1.0, True).detach().numpy()
    np.testing.assert_array_equal(y, ty)
    np.testing.assert_array_equal(np.signbit(y), np.signbit(ty))


def test_repeatable_under_manual_seed() -> None:
    x = tg.randn(6, 7)
    tg.manual_seed(9)
    a = F.alpha_dropout(x, 0.5, True).detach().numpy()
    tg.manual_seed(9)
    np.testing.assert_array_equal(a, F.alpha_dropout(x, 0.5, True).detach().numpy())


@pytest.mark.parametrize("call", [
    lambda f, t: f.alpha_dropout(t([1.0, 2.0]), 1.5, True),
    lambda f, t: f.alpha_dropout(t([1.0, 2.0]), -0.1),
    lambda f, t: f.feature_alpha_dropout(t([1.0, 2.0]), 0.5, True),
    lambda f, t: f.feature_alpha_dropout(t([[1.0, 2.0]]), 2.0),
    lambda f, t: f.alpha_dropout(t([1, 2]), 0.5, True),
])
def test_errors_match_torch(call: Any) -> None:
    kind, msg = outcome(lambda: call(F, tg.tensor))
    tkind, tmsg = outcome(lambda: call(TF, torch.tensor))
    assert kind == tkind != "no error"
    # PyTorch's text (ours may name the function first); an integer input's dtype is
    # NumPy's name (int64) where PyTorch says Long
    assert msg.endswith(tmsg) or msg.replace("int64", "Long") == tmsg


def test_feature_alpha_dropout_of_a_vector_is_fine_in_eval() -> None:
    x = tg.tensor([1.0, 2.0])
    assert F.feature_alpha_dropout(x, 0.5, False) is x


@pytest.mark.parametrize("cls", ["AlphaDropout", "FeatureAlphaDropout"])
def test_modules_match_torch(cls: str) -> None:
    from tinygrad_nn.nn.modules.dropout import _DropoutNd
    ours, theirs = getattr(nn, cls)(0.3), getattr(torch.nn, cls)(0.3)
    assert repr(ours) == repr(theirs) and ours.p == theirs.p and ours.inplace is False
    assert ours.training and isinstance(ours, _DropoutNd) and not isinstance(ours, nn.Dropout)
    assert list(ours.parameters()) == []
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, "
                                         "but got 1.5"):
        getattr(nn, cls)(1.5)
