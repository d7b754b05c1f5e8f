"""LBFGS: PyTorch's trajectories (with and without the strong-Wolfe line search), its stopping
rules, its errors, and its state through a checkpoint."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tinygrad_nn.optim.lbfgs import _cubic_interpolate


def _problem(lib: Any, dtype: Any = np.float64) -> tuple[list[Any], Any]:
    """A small tanh regression (non-convex): parameters and the loss of them."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 3))
    y = np.sin(x.sum(1, keepdims=True))
    w1, w2 = rng.standard_normal((3, 8)) * 0.5, rng.standard_normal((8, 1)) * 0.5
    params = [lib.tensor(w.astype(dtype), requires_grad=True) for w in (w1, w2)]
    xt, yt = lib.tensor(x.astype(dtype)), lib.tensor(y.astype(dtype))
    return params, lambda: ((xt @ params[0]).tanh() @ params[1] - yt).pow(2).mean()


def _train(lib: Any, steps: int, **kw: Any) -> tuple[list[float], list[np.ndarray], Any]:
    params, loss_fn = _problem(lib)
    opt = lib.optim.LBFGS(params, **kw)
    losses = []
    for _ in range(steps):
        def closure() -> Any:
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        losses.append(opt.step(closure).item())
    return losses, [p.detach().numpy() for p in params], opt.state[params[0]]


CONFIGS = [
    {"lr": 0.8},
    {"lr": 1, "line_search_fn": "strong_wolfe", "max_iter": 10},
    {"lr": 0.5, "max_iter": 7, "history_size": 3},  # the history wraps around
    {"lr": 1, "line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 9},
    {"lr": 0.8, "max_eval": 4},
    {"lr": 0.8, "tolerance_change": 1e-3},  # stops on a small change of the loss
]


@pytest.mark.parametrize("kw", CONFIGS)
def test_trajectory_matches_pytorch(kw: dict[str, Any]) -> None:
    """Same losses, same parameters and the same number of evaluations as torch's LBFGS
    (float64; after many iterations rounding differences grow, as in any quasi-Newton run,
    so this compares the first 3 steps of up to 20 iterations)."""
    torch = pytest.importorskip("torch")
    ours, our_params, our_state = _train(tg, 3, **kw)
    ref, ref_params, ref_state = _train(torch, 3, **kw)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-12)
    for a, b in zip(our_params, ref_params):  # (60 iterations amplify a last-place
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)  # difference of tanh: 2e-8)
    assert our_state["func_evals"] == ref_state["func_evals"]
    assert our_state["n_iter"] == ref_state["n_iter"]


def test_minimises_rosenbrock() -> None:
    """The textbook check: from (-1.5, 2) to the minimum (1, 1) of Rosenbrock's function."""
    xy = tg.tensor([-1.5, 2.0], dtype=tg.float64, requires_grad=True)
    opt = tg.optim.LBFGS([xy], lr=1, max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> Any:
        opt.zero_grad()
        x, y = xy[0], xy[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        return loss

    first = opt.step(closure).item()
    assert first == pytest.approx(2.5 ** 2 + 100 * 0.25 ** 2)
    np.testing.assert_allclose(xy.detach().numpy(), [1.0, 1.0], atol=1e-5)


def test_returns_at_once_when_the_gradient_is_zero() -> None:
    w = tg.zeros(3, requires_grad=True)
    opt = tg.optim.LBFGS([w])
    calls = []

    def closure() -> Any:
        calls.append(1)
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 0
    assert len(calls) == 1 and opt.state[w]["func_evals"] == 1
    np.testing.assert_array_equal(w.detach().numpy(), np.zeros(3))


def test_parameters_without_gradient_are_left_alone() -> None:
    used, unused = tg.ones(2, requires_grad=True), tg.ones(3, requires_grad=True)
    opt = tg.optim.LBFGS([used, unused], max_iter=3)

    def closure() -> Any:
        opt.zero_grad()
        loss = ((used - 3) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_array_equal(unused.detach().numpy(), np.ones(3))
    assert (used.detach().numpy() > 1).all()


def test_errors() -> None:
    w = tg.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups"):
        tg.optim.LBFGS([{"params": [w]}, {"params": [tg.ones(1, requires_grad=True)]}])
    opt = tg.optim.LBFGS([w])
    with pytest.raises(ValueError, match="parameter groups"):
        opt.add_param_group({"params": [tg.ones(1, requires_grad=True)]})
    with pytest.raises(ValueError, match="strong_wolfe"):
        tg.optim.LBFGS([w], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="closure"):
        opt.step(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        opt.step()  # type: ignore[call-arg]


def test_state_survives_a_checkpoint() -> None:
    """Two steps, or one step, save, load into a fresh optimiser, one more step: the same."""
    def make() -> tuple[Any, list[Any], Any]:
        params, loss_fn = _problem(tg)
        opt = tg.optim.LBFGS(params, lr=0.8, max_iter=4, history_size=3)

        def closure() -> Any:
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        return opt, params, closure

    opt, params, closure = make()
    opt.step(closure)
    opt.step(closure)
    opt2, params2, closure2 = make()
    opt2.step(closure2)
    buffer = io.BytesIO()
    tg.save({"opt": opt2.state_dict(), "params": [p.detach() for p in params2]}, buffer)
    buffer.seek(0)
    ckpt = tg.load(buffer)
    opt3, params3, closure3 = make()
    with tg.no_grad():
        for p, saved in zip(params3, ckpt["params"]):
            p.copy_(saved)
    opt3.load_state_dict(ckpt["opt"])
    opt3.step(closure3)
    for a, b in zip(params, params3):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=3, max_size=3, unique=True).map(sorted),
       st.floats(0.2, 5))
def test_cubic_interpolation_finds_a_cubics_minimiser(points: list[float], a: float) -> None:
    """Through two points of f(x) = a(x - m)² (x - r) with slopes, the interpolated cubic
    is f itself: its local minimiser m comes back when it lies between the points."""
    x1, m, x2 = points
    r = m - 10.0  # the other root, far to the left: m is f's local minimum

    def f(x: float) -> float:
        return a * (x - m) ** 2 * (x - r)

    def df(x: float) -> float:
        return a * (2 * (x - m) * (x - r) + (x - m) ** 2)

    assert _cubic_interpolate(x1, f(x1), df(x1), x2, f(x2), df(x2)) == pytest.approx(m, abs=1e-6)
    assert _cubic_interpolate(x2, f(x2), df(x2), x1, f(x1), df(x1)) == pytest.approx(m, abs=1e-6)
