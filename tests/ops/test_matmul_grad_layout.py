"""Matmul gradients: their values (against NumPy by hand) and the memory layout they reach
a leaf's ``.grad`` in (C-ordered like the parameter, whether it was used as W or W.T)."""

from __future__ import annotations

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn

RNG = np.random.default_rng(0)


def test_weight_used_on_the_left_gets_a_c_ordered_grad() -> None:
    # Z = W @ X with a wide X: dL/dW = g @ X.T (the 4-layer net's first layer)
    w, x = RNG.standard_normal((5, 40)), RNG.standard_normal((40, 7))
    g = RNG.standard_normal((5, 7))
    wt = tg.tensor(w, requires_grad=True)
    (wt @ tg.tensor(x)).backward(g)
    assert wt.grad is not None
    np.testing.assert_allclose(wt.grad.numpy(), g @ x.T, rtol=1e-12)
    assert wt.grad.numpy().flags.c_contiguous


def test_linear_weight_and_input_grads_are_c_ordered() -> None:
    # F.linear uses weight.T (F-ordered): its gradient must come back C-ordered as weight
    x, w, b = RNG.standard_normal((6, 9)), RNG.standard_normal((4, 9)), RNG.standard_normal(4)
    g = RNG.standard_normal((6, 4))
    xt, wt, bt = (tg.tensor(a, requires_grad=True) for a in (x, w, b))
    F.linear(xt, wt, bt).backward(g)
    assert xt.grad is not None and wt.grad is not None and bt.grad is not None
    np.testing.assert_allclose(wt.grad.numpy(), g.T @ x, rtol=1e-12)
    np.testing.assert_allclose(xt.grad.numpy(), g @ w, rtol=1e-12)
    np.testing.assert_allclose(bt.grad.numpy(), g.sum(axis=0), rtol=1e-12)
    assert wt.grad.numpy().flags.c_contiguous and xt.grad.numpy().flags.c_contiguous


def test_weight_shared_by_several_products_sums_their_gradients() -> None:
    # one weight through W.T at three steps (an RNN's W_hh): the lazy pairs are merged
    lin = nn.Linear(3, 3, bias=False, dtype=tg.float64)
    hs = [RNG.standard_normal((2, 3)) for _ in range(3)]
    gs = [RNG.standard_normal((2, 3)) for _ in range(3)]
    outs = [lin(tg.tensor(h)) for h in hs]
    sum(((o * tg.tensor(g)).sum() for o, g in zip(outs, gs)), tg.tensor(0.0)).backward()
    assert lin.weight.grad is not None
    expected = sum(g.T @ h for h, g in zip(hs, gs))
    np.testing.assert_allclose(lin.weight.grad.numpy(), expected, rtol=1e-12)
    assert lin.weight.grad.numpy().flags.c_contiguous


def test_accumulates_into_an_existing_grad() -> None:
    w, x = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))
    wt = tg.tensor(w, requires_grad=True)
    for _ in range(2):
        (wt @ tg.tensor(x)).sum().backward()
    assert wt.grad is not None
    np.testing.assert_allclose(wt.grad.numpy(), 2 * np.ones((3, 2)) @ x.T, rtol=1e-12)
