"""Optimisers: PyTorch trajectories, one-step formulas, state_dict, zero_grad, errors."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn
from tinygrad_nn import optim, tensor
from tinygrad_nn.tensor import Tensor

torch_test = pytest.mark.torch

rng = np.random.default_rng(0)
X = rng.standard_normal((8, 3))
Y = rng.standard_normal((8, 2))
W0 = 0.5 * rng.standard_normal((3, 2))
B0 = 0.1 * rng.standard_normal(2)


def loss_fn(w: Any, b: Any, x: Any, y: Any) -> Any:
    """A small non-convex problem: tanh regression plus a quartic penalty (Tensor or torch)."""
    r = (x @ w + b).tanh() - y
    return (r * r).mean() + 0.05 * (w * w * w * w).sum()


def make_params() -> tuple[Tensor, Tensor]:
    return tensor(W0.copy(), requires_grad=True), tensor(B0.copy(), requires_grad=True)


def grouped(params: list[Any], groups: list[dict[str, Any]] | None) -> list[Any]:
    if groups is None:
        return params
    return [{"params": [p], **g} for p, g in zip(params, groups)]


def run_ours(name: str, kw: dict[str, Any], steps: int, groups: Any = None) -> np.ndarray:
    w, b = make_params()
    opt = getattr(optim, name)(grouped([w, b], groups), **kw)
    sign = -1.0 if kw.get("maximize") else 1.0
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        (sign * loss_fn(w, b, X, Y)).backward()
        opt.step()
        traj.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(traj)


def run_torch(name: str, kw: dict[str, Any], steps: int, groups: Any = None) -> np.ndarray:
    torch = pytest.importorskip("torch")
    w = torch.tensor(W0.copy(), requires_grad=True)
    b = torch.tensor(B0.copy(), requires_grad=True)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    opt = getattr(torch.optim, name)(grouped([w, b], groups), **kw)
    sign = -1.0 if kw.get("maximize") else 1.0
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        (sign * loss_fn(w, b, x, y)).backward()
        opt.step()
        traj.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(traj)


def _train(opt: optim.Optimizer, w: Tensor, b: Tensor, n: int) -> None:
    for _ in range(n):
        opt.zero_grad()
        loss_fn(w, b, X, Y).backward()
        opt.step()


CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, maximize=True)),
    ("Adam", dict(lr=0.02)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.02, weight_decay=0.1)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("Adam", dict(lr=0.02, maximize=True)),
    ("AdamW", dict(lr=0.02)),
    ("AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.002, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.8)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.1, eps=1e-6, maximize=True)),
    ("Adadelta", dict(lr=1.0)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("Adadelta", dict(lr=1.0, eps=1e-4, maximize=True)),
]


@torch_test
@pytest.mark.parametrize(("name", "kw"), CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
def test_trajectory_matches_torch(name: str, kw: dict[str, Any]) -> None:
    theirs = run_torch(name, kw, 100)
    ours = run_ours(name, kw, 100)
    assert np.abs(ours[-1] - ours[0]).max() > 1e-3  # the run actually moves
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


GROUP_CASES = [
    ("SGD", dict(lr=0.05), [dict(momentum=0.9), dict(lr=0.01, nesterov=True, momentum=0.5)]),
    ("Adam", dict(), [dict(lr=0.05), dict(lr=0.001, amsgrad=True)]),
    ("AdamW", dict(lr=0.02), [dict(weight_decay=0.5), dict(lr=0.1, betas=(0.5, 0.9))]),
    ("RMSprop", dict(), [dict(lr=0.02, centered=True), dict(lr=0.001, momentum=0.9)]),
    ("Adagrad", dict(), [dict(lr=0.2), dict(lr=0.05, lr_decay=0.1)]),
    ("Adadelta", dict(), [dict(lr=2.0), dict(lr=0.5, rho=0.5)]),
]


@torch_test
@pytest.mark.parametrize(("name", "kw", "groups"), GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_param_groups_match_torch(name: str, kw: dict[str, Any], groups: Any) -> None:
    np.testing.assert_allclose(
        run_ours(name, kw, 100, groups), run_torch(name, kw, 100, groups), rtol=1e-6, atol=1e-6
    )


@torch_test
@pytest.mark.parametrize(("name", "kw"), [CASES[1], CASES[9], CASES[16], CASES[19], CASES[22]])
def test_state_dict_matches_torch_and_loads_torch_checkpoint(name: str, kw: dict[str, Any]) -> None:
    """Same keys and values as PyTorch's state_dict; PyTorch's (as NumPy) resumes our run."""
    torch = pytest.importorskip("torch")
    tw, tb = (torch.tensor(a.copy(), requires_grad=True) for a in (W0, B0))
    topt = getattr(torch.optim, name)([tw, tb], **kw)
    w, b = make_params()
    opt = getattr(optim, name)([w, b], **kw)
    for n in (5, 20):
        for _ in range(n):
            topt.zero_grad()
            loss_fn(tw, tb, torch.from_numpy(X), torch.from_numpy(Y)).backward()
            topt.step()
        _train(opt, w, b, n)
        sd, tsd = opt.state_dict(), topt.state_dict()
        tstate = {i: {k: np.asarray(v) for k, v in s.items()} for i, s in tsd["state"].items()}
        assert sorted(sd["state"]) == sorted(tstate) == [0, 1]
        for i in (0, 1):
            assert sorted(sd["state"][i]) == sorted(tstate[i])
            for k, v in sd["state"][i].items():
                np.testing.assert_allclose(v, tstate[i][k], rtol=1e-9, atol=1e-12)
        torch_only = {"foreach", "differentiable", "fused", "capturable", "decoupled_weight_decay"}
        assert set(sd["param_groups"][0]) - torch_only == set(tsd["param_groups"][0]) - torch_only
        opt.load_state_dict({"state": tstate, "param_groups": tsd["param_groups"]})
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-9, atol=1e-12)


# -- one step against the hand-written formula (no torch) -------------------------------
P0 = np.array([1.0, -2.0, 0.5, 0.0])
G = np.array([0.3, -0.7, 2.0, 1e-3])
EPS = 1e-8


def steps_with_grad(opt_cls: type, kw: dict[str, Any], n: int = 1) -> np.ndarray:
    """Apply ``n`` steps with the constant gradient G (from loss = sum(p * G))."""
    p = tensor(P0.copy(), requires_grad=True)
    opt = opt_cls([p], **kw)
    for _ in range(n):
        opt.zero_grad()
        (p * G).sum().backward()
        opt.step()
    return p.detach().numpy()


ONE_STEP: list[tuple[type, dict[str, Any], Callable[[np.ndarray, np.ndarray], np.ndarray]]] = [
    (optim.SGD, dict(lr=0.1), lambda p, g: p - 0.1 * g),
    (optim.SGD, dict(lr=0.1, weight_decay=0.2), lambda p, g: p - 0.1 * (g + 0.2 * p)),
    (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.5), lambda p, g: p - 0.1 * g),
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), lambda p, g: p - 0.1 * 1.9 * g),
    (optim.SGD, dict(lr=0.1, maximize=True), lambda p, g: p + 0.1 * g),
    (optim.Adam, dict(lr=0.1), lambda p, g: p - 0.1 * g / (np.abs(g) + EPS)),
    (optim.Adam, dict(lr=0.1, amsgrad=True), lambda p, g: p - 0.1 * g / (np.abs(g) + EPS)),
    (
        optim.Adam,
        dict(lr=0.1, weight_decay=0.5),
        lambda p, g: p - 0.1 * (g + 0.5 * p) / (np.abs(g + 0.5 * p) + EPS),
    ),
    (
        optim.AdamW,
        dict(lr=0.1, weight_decay=0.5),
        lambda p, g: p * (1 - 0.05) - 0.1 * g / (np.abs(g) + EPS),
    ),
    (
        optim.RMSprop,
        dict(lr=0.01, alpha=0.9),
        lambda p, g: p - 0.01 * g / (np.sqrt(0.1 * g * g) + EPS),
    ),
    (
        optim.RMSprop,
        dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5),
        lambda p, g: p - 0.01 * g / (np.sqrt(0.1 * g * g - 0.01 * g * g) + EPS),
    ),
    (
        optim.Adagrad,
        dict(lr=0.1, initial_accumulator_value=0.5),
        lambda p, g: p - 0.1 * g / (np.sqrt(0.5 + g * g) + 1e-10),
    ),
    (
        optim.Adadelta,
        dict(lr=1.0, rho=0.9),
        lambda p, g: p - np.sqrt(1e-6) / np.sqrt(0.1 * g * g + 1e-6) * g,
    ),
]


@pytest.mark.parametrize(("cls", "kw", "expected"), ONE_STEP)
def test_one_step_formula(cls: type, kw: dict[str, Any], expected: Callable[..., Any]) -> None:
    np.testing.assert_allclose(steps_with_grad(cls, kw), expected(P0, G), rtol=1e-12, atol=1e-15)


def test_two_steps_formula() -> None:
    lr = 0.1
    # SGD: b1 = g, b2 = 0.9 g + (1 - 0.3) g
    got = steps_with_grad(optim.SGD, dict(lr=lr, momentum=0.9, dampening=0.3), 2)
    np.testing.assert_allclose(got, P0 - lr * G - lr * 1.6 * G, rtol=1e-12)
    # Adam, constant g: both bias-corrected moments equal g and g², so each step is lr·g/(|g|+ε)
    got = steps_with_grad(optim.Adam, dict(lr=lr), 2)
    np.testing.assert_allclose(got, P0 - 2 * lr * G / (np.abs(G) + EPS), rtol=1e-9)
    # Adagrad: step 2 uses lr / (1 + lr_decay) and G = 2 g²
    got = steps_with_grad(optim.Adagrad, dict(lr=lr, lr_decay=0.5), 2)
    want = P0 - lr * G / (np.abs(G) + 1e-10) - lr / 1.5 * G / (np.sqrt(2) * np.abs(G) + 1e-10)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# -- state_dict, zero_grad, bookkeeping ----------------------------------------------------
RESUME = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("AdamW", dict(lr=0.02, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adadelta", dict(lr=1.0)),
]


@pytest.mark.parametrize("via_file", [False, True])
@pytest.mark.parametrize(("name", "kw"), RESUME, ids=[r[0] for r in RESUME])
def test_state_dict_resume_is_exact(
    name: str, kw: dict[str, Any], via_file: bool, tmp_path
) -> None:
    w, b = make_params()
    opt = getattr(optim, name)([{"params": [w]}, {"params": [b], "lr": 0.5 * kw["lr"]}], **kw)
    _train(opt, w, b, 10)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"] and sorted(sd["state"]) == [0, 1]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    for s in sd["state"].values():
        # Tensors, the step count a 0-d one, as PyTorch's (SGD keeps none)
        assert all(isinstance(v, tinygrad_nn.Tensor) for v in s.values())
    if via_file:
        path = tmp_path / "opt.h5"
        tinygrad_nn.save(sd, path)
        sd = tinygrad_nn.load(path)
    w2, b2 = tensor(w.detach().numpy().copy(),
                    requires_grad=True), tensor(b.detach().numpy().copy(),
        requires_grad=True)
    opt2 = getattr(optim, name)([{"params": [w2]}, {"params": [b2]}], lr=123.0)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]["lr"] == 0.5 * kw["lr"]
    _train(opt, w, b, 10)
    _train(opt2, w2, b2, 10)
    np.testing.assert_array_equal(w2.detach().numpy(), w.detach().numpy())
    np.testing.assert_array_equal(b2.detach().numpy(), b.detach().numpy())


def test_state_dict_holds_the_live_state_and_load_copies() -> None:
    """PyTorch's: state_dict()["state"][i] is opt.state[p], so later steps show in it (a
    deepcopy keeps a snapshot); loading it copies the values."""
    w, b = make_params()
    opt = optim.Adam([w, b], lr=0.1)
    _train(opt, w, b, 2)
    sd = opt.state_dict()
    assert sd["state"][0] is opt.state[w] and sd["state"][1] is opt.state[b]
    kept = copy.deepcopy(sd)
    before = sd["state"][0]["exp_avg"].numpy().copy()
    _train(opt, w, b, 1)
    assert not np.array_equal(sd["state"][0]["exp_avg"].numpy(), before)
    np.testing.assert_array_equal(kept["state"][0]["exp_avg"].numpy(), before)
    opt.load_state_dict(kept)
    with tinygrad_nn.no_grad():
        kept["state"][0]["exp_avg"].fill_(7.0)
    np.testing.assert_array_equal(opt.state[w]["exp_avg"].numpy(), before)
    assert opt.state[w]["step"] == 2


def test_load_state_dict_errors_leave_optimizer_unchanged() -> None:
    w, b = make_params()
    opt = optim.SGD([w, b], lr=0.1, momentum=0.9)
    _train(opt, w, b, 1)
    sd = opt.state_dict()
    with pytest.raises(KeyError, match="'state'"):
        opt.load_state_dict({"param_groups": sd["param_groups"]})
    with pytest.raises(ValueError, match="2 parameter group.*1"):
        opt.load_state_dict({"state": {}, "param_groups": sd["param_groups"] * 2})
    one = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="2 parameter.*has 1"):
        one.load_state_dict(sd)
    bad = opt.state_dict()
    bad["state"][1]["momentum_buffer"] = np.zeros(5)
    bad["param_groups"][0]["lr"] = 9.0
    with pytest.raises(
        ValueError, match=r"'momentum_buffer' of parameter 1 has shape \(5,\).*\(2,\)"
    ):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == 0.1
    bad["state"][1]["momentum_buffer"] = np.zeros(2)
    bad["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match="-1.0"):
        opt.load_state_dict(bad)


def test_zero_grad() -> None:
    w, b = make_params()
    opt = optim.SGD([w, b], lr=0.1)
    loss_fn(w, b, X, Y).backward()
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g and not w.grad.numpy().any() and not b.grad.numpy().any()
    opt.zero_grad()
    assert w.grad is None and b.grad is None


def test_params_without_grad_are_skipped_and_groups_can_be_added() -> None:
    w, b = make_params()
    opt = optim.Adam([w], lr=0.1)
    opt.add_param_group({"params": b, "betas": (0.5, 0.5)})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.5, 0.5)
    (w * 2.0).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), B0)
    assert w in opt.state and b not in opt.state
    (b * 2.0).sum().backward()
    opt.step()
    assert opt.state[b]["step"] == 1 and opt.state[w]["step"] == 2


def test_named_params_closure_dtype_and_repr() -> None:
    w = tensor(W0.astype(np.float32), requires_grad=True)
    opt = optim.RMSprop([("w", w)], lr=0.1, centered=True, momentum=0.9)
    assert opt.param_groups[0]["param_names"] == ["w"]
    calls = []

    def closure() -> Tensor:
        calls.append(1)
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert calls == [1] and loss.item() == pytest.approx(float((W0.astype(np.float32) ** 2).sum()))
    assert w.dtype == np.float32 and w.detach().numpy().dtype == np.float32
    entries = [v for k, v in opt.state[w].items() if k != "step"]
    assert entries and all(v.dtype == tinygrad_nn.float32 for v in entries)
    assert "Parameter Group 0" in repr(opt) and "centered: True" in repr(opt)


def test_step_bumps_version_so_stale_graphs_fail() -> None:
    w = tensor(np.ones(3), requires_grad=True)
    stale = (w * w).sum()  # saves w for backward
    opt = optim.SGD([w], lr=0.1)
    (w * 3.0).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError, match="in-place"):
        stale.backward()


def test_construction_errors() -> None:
    w, b = make_params()
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="set"):
        optim.SGD({w, b}, lr=0.1)
    with pytest.raises(TypeError, match="ndarray"):
        optim.SGD([W0], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([w, b, w], lr=0.1)
    with pytest.raises(ValueError, match="another parameter group"):
        optim.SGD([{"params": [w, b]}, {"params": [b]}], lr=0.1)
    with pytest.raises(ValueError, match="not a leaf"):
        optim.SGD([w * 2.0], lr=0.1)
    # PyTorch 2.x: SGD's lr defaults to 1e-3, so a group without 'lr' takes it
    groups = optim.SGD([{"params": [w], "lr": 0.1}, {"params": [b]}]).param_groups
    assert [g["lr"] for g in groups] == [0.1, 1e-3]
    with pytest.raises(ValueError, match="nesterov.*momentum=0"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"betas\[1\].*1.5"):
        optim.Adam([w], betas=(0.9, 1.5))
    with pytest.raises(ValueError, match="rho.*1.2"):
        optim.Adadelta([w], rho=1.2)
    with pytest.raises(ValueError, match="lr.*-0.5"):
        optim.Adam([{"params": [w], "lr": -0.5}])


@pytest.mark.parametrize(
    "cls", [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad, optim.Adadelta]
)
@pytest.mark.parametrize("key", ["lr", "weight_decay", "eps"])
def test_negative_hyperparameters_are_rejected(cls: type, key: str) -> None:
    w, _ = make_params()
    if key == "eps" and cls is optim.SGD:
        key = "momentum"
    kw: dict[str, Any] = {"lr": 0.1, key: -0.25}
    with pytest.raises(ValueError, match=f"{cls.__name__}: {key} must be >= 0.*-0.25"):
        cls([w], **kw)


def test_frozen_parameters_are_accepted_and_left_alone():
    """Like PyTorch: a tensor with requires_grad=False may be passed (e.g. a frozen layer)."""
    frozen = tensor(np.ones(3))
    w = tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([w, frozen], lr=0.5)
    (w * 2.0).sum().backward()
    opt.step()
    np.testing.assert_array_equal(frozen.numpy(), np.ones(3))
    np.testing.assert_allclose(w.detach().numpy(), np.zeros(3))
