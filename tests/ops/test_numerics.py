"""Numerical stability without a reference library: at logits of +-1e4 every value and
gradient is finite and equals its analytic limit, in float32 and float64."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import Tensor, tensor

BIG = 1e4
DTYPES = [np.float32, np.float64]


def value_and_grad(fn: Any, z: np.ndarray, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """fn(z) and d sum(fn(z)) / dz, both finite; an overflow or NaN inside any op fails."""
    x = tensor(np.asarray(z, dtype=dtype), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        out = fn(x)
        out.backward(np.ones(out.shape, dtype=dtype))
    assert out.dtype == dtype and x.grad.dtype == dtype
    assert np.isfinite(out.detach().numpy()).all() and np.isfinite(x.grad.numpy()).all()
    return out.detach().numpy(), x.grad.numpy()


def close(got: Any, expected: Any) -> None:
    got = np.asarray(got)
    # float32 results of inputs near 1e4 carry an absolute rounding error of ~1e4 * 6e-8
    tol = {"rtol": 1e-5, "atol": 1e-3} if got.dtype == np.float32 else {"rtol": 1e-6,
                                                                         "atol": 1e-6}
    np.testing.assert_allclose(got.astype(np.float64), expected, **tol)


LIMITS = {  # f, z, f(z), f'(z) elementwise
    "sigmoid": (F.sigmoid, [BIG, -BIG], [1.0, 0.0], [0.0, 0.0]),
    "tanh": (F.tanh, [BIG, -BIG], [1.0, -1.0], [0.0, 0.0]),
    "softplus": (F.softplus, [BIG, -BIG], [BIG, 0.0], [1.0, 0.0]),
    "softplus-beta": (lambda x: x.softplus(beta=3.0, threshold=100.0), [BIG, -BIG], [BIG, 0.0],
                      [1.0, 0.0]),
    "log_sigmoid": (F.logsigmoid, [BIG, -BIG], [0.0, -BIG], [0.0, 1.0]),
    "silu": (F.silu, [BIG, -BIG], [BIG, 0.0], [1.0, 0.0]),
    "gelu": (F.gelu, [BIG, -BIG], [BIG, 0.0], [1.0, 0.0]),
    "gelu-tanh": (lambda x: x.gelu("tanh"), [BIG, -BIG], [BIG, 0.0], [1.0, 0.0]),
    "elu": (F.elu, [BIG, -BIG], [BIG, -1.0], [1.0, 0.0]),
    "expm1": (Tensor.expm1, [-BIG], [-1.0], [0.0]),
    "exp": (Tensor.exp, [-BIG], [0.0], [0.0]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", LIMITS)
def test_elementwise_limits(name: str, dtype: Any) -> None:
    fn, z, value, slope = LIMITS[name]
    out, g = value_and_grad(fn, np.array(z), dtype)
    close(out, value)
    close(g, slope)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax(dtype: Any) -> None:
    z = np.array([[BIG, -BIG, 0.0], [-BIG, -BIG, -BIG]])
    p, g = value_and_grad(lambda x: x.softmax(-1), z, dtype)
    close(p, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    close(g, np.zeros((2, 3)))  # rows of softmax sum to 1
    logp, g = value_and_grad(lambda x: x.log_softmax(-1), z, dtype)
    close(logp, [[0.0, -2 * BIG, -BIG], [-math.log(3)] * 3])
    close(g, 1.0 - 3.0 * np.exp(logp.astype(np.float64)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_logsumexp(dtype: Any) -> None:
    z = np.array([[BIG, BIG], [-BIG, -BIG], [BIG, -BIG]])
    out, g = value_and_grad(lambda x: x.logsumexp(1), z, dtype)
    close(out, [BIG + math.log(2), -BIG + math.log(2), BIG])
    close(g, [[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]])


def test_logsumexp_of_minus_infinity_is_minus_infinity() -> None:
    with np.errstate(divide="ignore"):  # log(0) = -inf is the answer
        out = tensor(np.array([-np.inf, -np.inf])).logsumexp(0)
    assert out.item() == -np.inf


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_at_extreme_logits(dtype: Any) -> None:
    z = np.array([[BIG, -BIG, 0.0], [0.0, BIG, -BIG]])
    target = np.array([1, 1])
    out, g = value_and_grad(lambda x: F.cross_entropy(x, target, reduction="sum"), z, dtype)
    close(out, 2 * BIG)
    close(g, [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])  # softmax - one_hot
    out, g = value_and_grad(lambda x: F.cross_entropy(x, target, reduction="sum",
                                                      label_smoothing=0.3), z, dtype)
    assert out > BIG


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_with_logits_at_extreme_logits(dtype: Any) -> None:
    z = np.array([BIG, -BIG, BIG, -BIG])
    y = tensor(np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype))
    out, g = value_and_grad(
        lambda x: F.binary_cross_entropy_with_logits(x, y, reduction="none"), z, dtype)
    close(out, [BIG, BIG, 0.0, 0.0])
    close(g, [1.0, -1.0, 0.0, 0.0])  # sigmoid(z) - y
    pw = tensor(np.array(3.0, dtype=dtype))
    out, g = value_and_grad(lambda x: F.binary_cross_entropy_with_logits(
        x, y, reduction="none", pos_weight=pw), z, dtype)
    close(out, [BIG, 3 * BIG, 0.0, 0.0])
    close(g, [1.0, -3.0, 0.0, 0.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_at_probabilities_0_and_1(dtype: Any) -> None:
    y = tensor(np.array([1.0, 0.0, 0.0, 1.0], dtype=dtype))
    x = tensor(np.array([0.0, 1.0, 0.0, 1.0], dtype=dtype), requires_grad=True)
    with np.errstate(divide="ignore"):  # log(0) is clamped at -100, as in PyTorch
        out = F.binary_cross_entropy(x, y, reduction="none")
        out.backward(np.ones(4, dtype=dtype))
    close(out.detach().numpy(), [100.0, 100.0, 0.0, 0.0])
    assert np.isfinite(x.grad.numpy()).all()


def test_second_derivatives_stay_finite_at_extreme_logits() -> None:
    x = tensor(np.array([BIG, -BIG, 0.0]), requires_grad=True)
    for fn in (lambda t: t.log_softmax(-1).sum(), lambda t: t.softplus().sum(),
               lambda t: t.sigmoid().sum(), lambda t: t.logsumexp(0)):
        (g,) = tg.grad(fn(x), x, create_graph=True)
        (h,) = tg.grad((g * g).sum(), x)
        assert np.isfinite(g.detach().numpy()).all() and np.isfinite(h.detach().numpy()).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_variance_has_no_catastrophic_cancellation(dtype: Any) -> None:
    x = tensor(np.array([1e4 + 1.0, 1e4 + 2.0, 1e4 + 3.0], dtype=dtype))
    close(x.var(correction=0).numpy(), 2.0 / 3.0)
    close(x.std().numpy(), 1.0)  # unbiased by default, as PyTorch


LOSSES_32 = {
    "mse": lambda x: F.mse_loss(x, x.detach() * 0.5),
    "l1": lambda x: F.l1_loss(x, x.detach() * 0.5),
    "smooth_l1": lambda x: F.smooth_l1_loss(x, x.detach() * 0.5),
    "huber": lambda x: F.huber_loss(x, x.detach() * 0.5),
    "bce": lambda x: F.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid()),
    "bce_with_logits": lambda x: F.binary_cross_entropy_with_logits(x, x.detach().sigmoid()),
    "cross_entropy": lambda x: F.cross_entropy(x, np.array([0, 2])),
    "cross_entropy-sum-smoothing": lambda x: F.cross_entropy(x, np.array([0, 2]), reduction="sum",
                                                             label_smoothing=0.1),
    "cross_entropy-probs": lambda x: F.cross_entropy(x, x.detach().softmax(-1)),
    "nll": lambda x: F.nll_loss(x.log_softmax(-1), np.array([0, 2])),
    "cross_entropy-mean-smoothing": lambda x: F.cross_entropy(x, np.array([0, 2]),
                                                              label_smoothing=0.1),
}


@pytest.mark.parametrize("loss", list(LOSSES_32.values()), ids=list(LOSSES_32))
def test_float32_inputs_give_float32_losses_and_gradients(loss: Any) -> None:
    x = tensor(np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], dtype=np.float32),
               requires_grad=True)
    out = loss(x)
    out.backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32


@pytest.mark.parametrize("exponent", [3, 2.5, np.float32(2.0), 0])
def test_second_derivative_of_a_float32_power_stays_float32(exponent: Any) -> None:
    """x ** p with a scalar p: first and second derivatives keep float32 (no float64 leak)."""
    x = tg.tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    (g,) = tg.grad((x**exponent).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x, allow_unused=True) if g.requires_grad else (None,)
    assert g.dtype == np.float32
    assert gg is None or gg.dtype == np.float32
    p = float(exponent)
    np.testing.assert_allclose(g.detach().numpy(),
                               p * x.detach().numpy().astype(np.float64) ** (p - 1), rtol=1e-6)
