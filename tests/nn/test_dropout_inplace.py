"""``inplace=True`` on every dropout function and layer: as in PyTorch the input itself holds
the result and is returned, a leaf that requires grad is refused, and the gradient through a
non-leaf is the mask's."""

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

FORMS = [("dropout", (4, 5)), ("dropout1d", (3, 4)), ("dropout1d", (2, 3, 4)),
         ("dropout2d", (2, 3, 2, 2)), ("dropout3d", (2, 2, 2, 2)),
         ("dropout3d", (2, 2, 2, 2, 2)), ("alpha_dropout", (4, 5)),
         ("feature_alpha_dropout", (2, 3, 2))]


@pytest.mark.parametrize("fn,shape", FORMS)
def test_inplace_writes_the_input_and_returns_it(fn: str, shape: tuple[int, ...]) -> None:
    tg.manual_seed(0)
    x = tg.randn(*shape)
    before = x.numpy().copy()
    y = getattr(F, fn)(x, 0.5, True, True)
    assert y is x and not np.array_equal(x.numpy(), before)
    assert getattr(F, fn)(x, 0.5, False, True) is x  # eval: untouched
    ty = getattr(torch.nn.functional, fn)
    t = torch.randn(*shape)
    assert ty(t, 0.5, True, True) is t


@pytest.mark.parametrize("fn,shape", FORMS)
def test_inplace_on_a_leaf_that_requires_grad_is_refused(fn: str, shape: tuple[int, ...]) -> None:
    kind, _ = outcome(lambda: getattr(F, fn)(tg.ones(*shape, requires_grad=True), 0.5, True,
                                             True))
    tkind, _ = outcome(lambda: getattr(torch.nn.functional, fn)(
        torch.ones(*shape, requires_grad=True), 0.5, True, True))
    assert kind == tkind == "RuntimeError"


@pytest.mark.parametrize("fn,shape", FORMS)
def test_gradient_through_an_inplace_dropout_is_the_masks(fn: str, shape: tuple[int, ...]) -> None:
    tg.manual_seed(1)
    leaf = tg.ones(*shape, dtype=tg.float64, requires_grad=True)
    h = leaf * 1.0
    y = getattr(F, fn)(h, 0.5, True, True)
    assert y is h
    y.sum().backward()
    out = y.detach().numpy()
    if "alpha" in fn:  # kept: a * 1 + shift; dropped: the constant; gradient a where kept
        a = 1.0 / math.sqrt((1.7580993408473766 ** 2 * 0.5 + 1) * 0.5)
        want = np.where(np.isclose(out, 1.7580993408473766 * a * -0.5), 0.0, a)
    else:  # kept: 1 / (1 - p) = 2; dropped: 0; the gradient is the same mask
        want = out
    np.testing.assert_allclose(leaf.grad.numpy(), want, rtol=1e-12)


@pytest.mark.parametrize("cls,shape", [("Dropout", (4, 5)), ("Dropout2d", (2, 3, 2, 2)),
                                       ("AlphaDropout", (4, 5)),
                                       ("FeatureAlphaDropout", (2, 3, 2))])
def test_layers_pass_inplace(cls: str, shape: tuple[int, ...]) -> None:
    m: Any = getattr(nn, cls)(0.5, inplace=True)
    assert repr(m) == repr(getattr(torch.nn, cls)(0.5, inplace=True))
    x = tg.randn(*shape)
    assert m(x) is x
    assert m.eval()(x) is x
    y = tg.randn(*shape)
    assert getattr(nn, cls)(0.5)(y) is not y
