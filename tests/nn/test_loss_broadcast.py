"""Regression losses with a target of another shape, as PyTorch: a UserWarning naming both
sizes, then broadcasting (values and gradients as PyTorch's), or a RuntimeError when the
shapes do not broadcast. The binary cross-entropies refuse another shape (ValueError)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tests.nn.torch_compare import outcome
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]
MODULES = {"mse_loss": "MSELoss", "l1_loss": "L1Loss", "smooth_l1_loss": "SmoothL1Loss",
           "huber_loss": "HuberLoss"}
SHAPES = [((3, 1), (3, 4)), ((3, 4), (3, 1)), ((3, 1), (5,)), ((2,), ()), ((), (2, 3)),
          ((2,), (2, 1))]


def _run(lib: Any, fn: Any, a: np.ndarray, b: np.ndarray, **kw: Any) -> Any:
    x = lib.tensor(a, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = fn(x, lib.tensor(b), **kw)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy(), [w for w in caught
                                                if issubclass(w.category, UserWarning)]


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_a_broadcastable_target_warns_and_broadcasts(name: str, shapes: Any,
                                                     reduction: str) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(shapes[0]) * 2, rng.standard_normal(shapes[1]) * 2
    y, g, caught = _run(tg, getattr(F, name), a, b, reduction=reduction)
    ty, tg_, tcaught = _run(torch, getattr(TF, name), a, b, reduction=reduction)
    np.testing.assert_allclose(y, ty, rtol=1e-12)
    np.testing.assert_allclose(g, tg_, rtol=1e-12)
    assert len(caught) == len(tcaught) == 1
    message = str(caught[0].message)
    assert f"Using a target size {tuple(shapes[1])} that is different to the input size " \
           f"{tuple(shapes[0])}" in message and "broadcasting" in message
    assert caught[0].filename == __file__  # attributed to the caller, as PyTorch's


@pytest.mark.parametrize("name", LOSSES)
def test_the_modules_broadcast_too(name: str) -> None:
    a, b = np.arange(3.0).reshape(3, 1), np.arange(12.0).reshape(3, 4) / 5
    with pytest.warns(UserWarning, match=r"target size \(3, 4\) .* input size \(3, 1\)"):
        y = getattr(nn, MODULES[name])()(tg.tensor(a), tg.tensor(b))
    with pytest.warns(UserWarning):
        ty = getattr(torch.nn, MODULES[name])()(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", LOSSES)
def test_a_target_that_does_not_broadcast_is_a_runtime_error(name: str) -> None:
    def call(lib: Any, fn: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(lib.zeros(3, 2), lib.zeros(4))

    kind, msg = outcome(lambda: call(tg, getattr(F, name)))
    tkind, tmsg = outcome(lambda: call(torch, getattr(TF, name)))
    assert kind == tkind == "RuntimeError"
    assert "The size of tensor a (2) must match the size of tensor b (4) at non-singleton " \
           "dimension 1" in msg and "(3, 2)" in msg and "(4,)" in msg


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("wshape", [(3, 1), (3, 4)])
def test_the_weight_has_the_inputs_shape(name: str, wshape: tuple[int, ...]) -> None:
    a, b = np.arange(3.0).reshape(3, 1), np.arange(12.0).reshape(3, 4) / 5
    w = np.arange(1.0, 1.0 + np.prod(wshape)).reshape(wshape)

    def call(lib: Any, fn: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(lib.tensor(a), lib.tensor(b), weight=lib.tensor(w)).numpy()

    ours, theirs = outcome(lambda: call(tg, getattr(F, name))), \
        outcome(lambda: call(torch, getattr(TF, name)))
    assert ours == theirs  # (3, 4) weights: ValueError "Weights and input must have the same size."
    if theirs[0] == "no error":
        np.testing.assert_allclose(call(tg, getattr(F, name)), call(torch, getattr(TF, name)))


def test_binary_cross_entropies_refuse_another_shape() -> None:
    p, t = tg.full((3, 1), 0.5), tg.full((3, 4), 0.5)
    with pytest.raises(ValueError, match=r"Using a target size \(3, 4\) that is different to "
                                         r"the input size \(3, 1\) is deprecated"):
        F.binary_cross_entropy(p, t)
    with pytest.raises(ValueError, match=r"Target size \(3, 4\) must be the same as input "
                                         r"size \(3, 1\)"):
        F.binary_cross_entropy_with_logits(p, t)
    for fn in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
        tkind, _ = outcome(lambda f=fn: getattr(TF, f)(torch.full((3, 1), 0.5),
                                                       torch.full((3, 4), 0.5)))
        assert tkind == "ValueError"


def test_the_same_shape_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in LOSSES:
            getattr(F, name)(tg.ones(2, 3), tg.zeros(2, 3))


@pytest.mark.parametrize("name", LOSSES)
def test_the_gradient_reaches_a_broadcast_target(name: str) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    grads = []
    for lib, mod in ((tg, F), (torch, TF)):
        x, t = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            getattr(mod, name)(x, t).backward()
        grads.append((x.grad.numpy(), t.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
