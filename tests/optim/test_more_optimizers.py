"""Adamax, NAdam, RAdam, Rprop and ASGD: PyTorch's trajectories (the shared problem of
test_optim), their state through a checkpoint, their argument checks."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.optim.test_optim import X, Y, loss_fn, make_params, run_ours, run_torch
from tinygrad_nn import optim

CASES: list[tuple[str, dict[str, Any]]] = [
    ("Adamax", dict(lr=0.02)),
    ("Adamax", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-4, weight_decay=0.1)),
    ("Adamax", dict(lr=0.02, maximize=True, foreach=False)),
    ("NAdam", dict(lr=0.02)),
    ("NAdam", dict(lr=0.02, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.02)),  # the first 5 steps are unrectified (rho_t <= 5), then Adam-like
    ("RAdam", dict(lr=0.02, betas=(0.5, 0.9), weight_decay=0.1)),
    ("RAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True, foreach=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1))),
    ("Rprop", dict(lr=0.05, maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=20, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=0, maximize=True)),
]


@pytest.mark.parametrize(("name", "kw"), CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
def test_trajectory_matches_torch(name: str, kw: dict[str, Any]) -> None:
    np.testing.assert_allclose(run_ours(name, kw, 60), run_torch(name, kw, 60),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "kw"), [CASES[0], CASES[4], CASES[7], CASES[10], CASES[13]])
def test_state_dict_matches_torch_after_steps(name: str, kw: dict[str, Any]) -> None:
    """The same state keys and values as PyTorch's optimiser after 25 steps."""
    torch = pytest.importorskip("torch")
    w, b = make_params()
    ours = getattr(optim, name)([w, b], **kw)
    tw, tb = (torch.tensor(a.detach().numpy().copy(), requires_grad=True) for a in (w, b))
    theirs = getattr(torch.optim, name)([tw, tb], **kw)
    for _ in range(25):
        for opt, params, x, y in ((ours, (w, b), X, Y),
                                  (theirs, (tw, tb), torch.from_numpy(X), torch.from_numpy(Y))):
            opt.zero_grad()
            loss_fn(*params, x, y).backward()
            opt.step()
    mine, ref = ours.state_dict()["state"], theirs.state_dict()["state"]
    assert set(mine) == set(ref)
    for i in ref:
        assert set(mine[i]) == set(ref[i]), (mine[i].keys(), ref[i].keys())
        for key, value in ref[i].items():
            np.testing.assert_allclose(np.asarray(mine[i][key], dtype=float),
                                       value.detach().numpy().astype(float),
                                       rtol=1e-6, atol=1e-9, err_msg=key)
    group_keys = set(theirs.state_dict()["param_groups"][0]) - {"params"}
    assert group_keys <= set(ours.state_dict()["param_groups"][0])


@pytest.mark.parametrize(("name", "kw"), [CASES[1], CASES[4], CASES[7], CASES[10], CASES[13]])
def test_resuming_from_a_checkpoint_continues_the_same_trajectory(
        name: str, kw: dict[str, Any]) -> None:
    def train(opt: Any, w: Any, b: Any, n: int) -> None:
        for _ in range(n):
            opt.zero_grad()
            loss_fn(w, b, X, Y).backward()
            opt.step()

    w, b = make_params()
    straight = getattr(optim, name)([w, b], **kw)
    train(straight, w, b, 12)
    # loading gives NAdam's mu_product (and ASGD's eta, mu) the parameters' dtype, as
    # PyTorch's load_state_dict casts them: the straight run loads its own state at the same
    # step, so the file's round trip is compared with an in-memory one
    straight.load_state_dict(straight.state_dict())
    train(straight, w, b, 8)
    w2, b2 = make_params()
    first = getattr(optim, name)([w2, b2], **kw)
    train(first, w2, b2, 12)
    buffer = io.BytesIO()
    tg.save({"opt": first.state_dict(), "w": w2.detach(), "b": b2.detach()}, buffer)
    buffer.seek(0)
    ckpt = tg.load(buffer)
    w3, b3 = make_params()
    with tg.no_grad():
        w3.copy_(ckpt["w"])
        b3.copy_(ckpt["b"])
    resumed = getattr(optim, name)([w3, b3], **kw)
    resumed.load_state_dict(ckpt["opt"])
    train(resumed, w3, b3, 8)
    np.testing.assert_array_equal(w3.detach().numpy(), w.detach().numpy())
    np.testing.assert_array_equal(b3.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize(("name", "kw", "match"), [
    ("Adamax", dict(betas=(1.0, 0.9)), "betas"),
    ("NAdam", dict(momentum_decay=-1), "momentum_decay"),
    ("RAdam", dict(lr=-1), "lr"),
    ("Rprop", dict(etas=(1.5, 1.2)), "etas"),
    ("Rprop", dict(step_sizes=1e-3), "step_sizes"),
    ("ASGD", dict(weight_decay=-0.1), "weight_decay"),
])
def test_bad_hyper_parameters_raise(name: str, kw: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        getattr(optim, name)([tg.ones(2, requires_grad=True)], **kw)


def test_asgd_average_is_the_mean_of_the_iterates_after_t0() -> None:
    """mu = 1 / max(1, t - t0) is set after step t and used at step t + 1: with t0 = 3,
    ax is p through step 5, then the running mean of the iterates from step 5 on."""
    w = tg.tensor([1.0, -2.0], dtype=tg.float64, requires_grad=True)
    opt = optim.ASGD([w], lr=0.1, t0=3)
    seen = []
    for _ in range(10):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
        seen.append(w.detach().numpy().copy())
    # (rtol: mu is a float32 scalar, as in PyTorch)
    np.testing.assert_allclose(opt.state[w]["ax"], np.mean(seen[4:], axis=0), rtol=1e-7)
