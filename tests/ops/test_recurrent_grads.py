"""LSTMStep's gradient forms: xg's ``GatesGrad`` merged over steps equals the sum of each
step's gradient taken alone (rows no step read stay zero, a row two steps read gets both),
and the array fast path of the gate gradients agrees with the Tensor path it shortcuts."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import Tensor, tensor
from tinygrad_nn.ops.recurrent import LSTMStep, _cell_grads


def _leaves(seed: int, steps: int = 5, batch: int = 2, hidden: int = 3) -> list[Tensor]:
    rng = np.random.default_rng(seed)
    xg = rng.standard_normal((steps, batch, 4 * hidden))
    hc = rng.standard_normal((2, batch, hidden))
    w = rng.standard_normal((4 * hidden, hidden))
    return [tensor(a, requires_grad=True) for a in (xg, hc, w)]


@pytest.mark.parametrize("ts", [(1, 1, 3), (0, 4), (2,), (4, 3, 2, 1, 0)])
def test_merged_step_gradients_equal_the_sum_of_single_steps(ts: tuple[int, ...]) -> None:
    xg, hc, w = _leaves(0)
    # one graph: the steps chained through the state, each output weighted differently
    state, loss = hc, None
    for k, t in enumerate(ts):
        state = LSTMStep.apply(xg, state, w, t=t)
        term = (state * (k + 1.0)).sum()
        loss = term if loss is None else loss + term
    assert loss is not None
    (gx,) = tg.autograd.grad(loss, [xg])
    # reference: the same chain, but the gradient of each step's xg read alone (one
    # SliceGrad each, never merged), summed by hand
    ref = np.zeros(xg.shape)
    for j in range(len(ts)):
        x_j = [tensor(xg.detach().numpy(), requires_grad=(i == j)) for i in range(len(ts))]
        state, loss = hc, None
        for k, t in enumerate(ts):
            state = LSTMStep.apply(x_j[k], state, w, t=t)
            term = (state * (k + 1.0)).sum()
            loss = term if loss is None else loss + term
        assert loss is not None
        ref += tg.autograd.grad(loss, [x_j[j]])[0].numpy()
    np.testing.assert_allclose(gx.numpy(), ref, rtol=1e-12, atol=1e-12)
    unread = sorted(set(range(xg.shape[0])) - set(ts))
    assert not gx.numpy()[unread].any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gate_gradient_fast_path_matches_the_tensor_path(dtype: type) -> None:
    rng = np.random.default_rng(1)
    act = rng.uniform(0.01, 0.99, (4, 12)).astype(dtype)  # activated gates, H = 3
    act[:, 6:9] = rng.uniform(-0.99, 0.99, (4, 3))  # the tanh block
    tc = rng.uniform(-0.9, 0.9, (4, 3)).astype(dtype)
    c = rng.standard_normal((4, 3)).astype(dtype)
    g_out = rng.standard_normal((2, 4, 3)).astype(dtype)
    d_fast, gc_fast = _cell_grads(act, tc, c, g_out, True)
    d_ref, gc_ref = _cell_grads(*(tensor(a) for a in (act, tc, c, g_out)), True)
    tol = 1e-6 if dtype == np.float32 else 1e-14
    assert d_fast.dtype == dtype and gc_fast.dtype == dtype
    np.testing.assert_allclose(d_fast, d_ref.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(gc_fast, gc_ref.numpy(), rtol=tol, atol=tol)
