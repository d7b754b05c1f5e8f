"""Learning-rate schedulers: PyTorch's values, the inverse-time formula, resume, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn
from tinygrad_nn import optim, tensor
from tinygrad_nn.optim import lr_scheduler

torch_test = pytest.mark.torch

LRS = (0.1, 0.05)  # two parameter groups with different learning rates


def make_opt(lrs: tuple[float, ...] = LRS) -> optim.SGD:
    groups = [{"params": [tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=1.0)


def lrs_of(opt: Any) -> list[float]:
    return [g["lr"] for g in opt.param_groups]


def run(sched_fn: Callable[[Any], Any], opt: Any, epochs: int) -> list[list[float]]:
    """get_last_lr() after construction and after each of ``epochs`` steps."""
    sched = sched_fn(opt)
    out = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
        assert lrs_of(opt) == out[-1]
    return out


# (name, kwargs): the same constructor call on both libraries
CASES: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("MultiStepLR", dict(milestones=[5, 12, 12, 30], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e + 0.01 * (e % 3))),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: math.cos(e / 9) ** 2])),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("CosineAnnealingLR", dict(T_max=1, eta_min=0.01)),
]


@torch_test
@pytest.mark.parametrize(("name", "kw"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_matches_torch(name: str, kw: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    topt = torch.optim.SGD(
        [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in LRS]
    )
    theirs = run(lambda o: getattr(torch.optim.lr_scheduler, name)(o, **kw), topt, 60)
    ours = run(lambda o: getattr(lr_scheduler, name)(o, **kw), make_opt(), 60)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    assert len({tuple(r) for r in ours}) > 1 or name == "StepLR"


@torch_test
def test_inverse_time_decay_equals_torch_lambda() -> None:
    torch = pytest.importorskip("torch")
    topt = torch.optim.SGD(
        [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in LRS]
    )
    theirs = run(
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + 0.5 * (e // 3))), topt, 40
    )
    ours = run(lambda o: lr_scheduler.InverseTimeDecayLR(o, 0.5, time_interval=3), make_opt(), 40)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize(("decay_rate", "interval"), [(1.0, 1), (0.5, 3), (0.0, 2), (2.5, 10)])
def test_inverse_time_decay_formula(decay_rate: float, interval: int) -> None:
    got = run(lambda o: lr_scheduler.InverseTimeDecayLR(o, decay_rate, interval), make_opt(), 50)
    for epoch, lrs in enumerate(got):
        want = [lr0 / (1 + decay_rate * math.floor(epoch / interval)) for lr0 in LRS]
        assert lrs == pytest.approx(want, rel=1e-15)
    equiv = run(
        lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + decay_rate * (e // interval))),
        make_opt(),
        50,
    )
    np.testing.assert_allclose(got, equiv, rtol=1e-15)


def test_recursive_schedules_follow_their_formulas() -> None:
    """Without torch: the recursive forms agree with the closed forms."""
    cases: list[tuple[Callable[[Any], Any], Callable[[int, float], float]]] = [
        (lambda o: lr_scheduler.StepLR(o, 4, 0.5), lambda e, b: b * 0.5 ** (e // 4)),
        (
            lambda o: lr_scheduler.MultiStepLR(o, [3, 8, 8], 0.1),
            lambda e, b: b * 0.1 ** ((e >= 3) + 2 * (e >= 8)),
        ),
        (lambda o: lr_scheduler.ExponentialLR(o, 0.9), lambda e, b: b * 0.9**e),
        (
            lambda o: lr_scheduler.CosineAnnealingLR(o, 12, 0.002),
            lambda e, b: 0.002 + (b - 0.002) * (1 + math.cos(math.pi * e / 12)) / 2,
        ),
    ]
    for make, formula in cases:
        got = run(make, make_opt(), 40)
        want = [[formula(e, b) for b in LRS] for e in range(41)]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_scheduled_lr_drives_the_optimizer() -> None:
    w = tensor(np.zeros(1), requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(4):
        opt.zero_grad()
        w.sum().backward()  # gradient 1: each step moves w by -lr
        opt.step()
        sched.step()
    np.testing.assert_allclose(w.detach().numpy(), [-(1 + 1 + 0.5 + 0.5)])
    assert opt.param_groups[0]["initial_lr"] == 1.0 and sched.base_lrs == [1.0]


class Warmup:
    """A stateful, picklable-style lr_lambda whose attributes go into the state_dict."""

    def __init__(self, warm: int) -> None:
        self.warm = warm

    def __call__(self, e: int) -> float:
        return min(1.0, (e + 1) / self.warm)


RESUME: list[Callable[[Any], Any]] = [
    lambda o: lr_scheduler.StepLR(o, 3, 0.5),
    lambda o: lr_scheduler.MultiStepLR(o, [4, 9, 9], 0.5),
    lambda o: lr_scheduler.ExponentialLR(o, 0.9),
    lambda o: lr_scheduler.CosineAnnealingLR(o, 6, 0.001),
    lambda o: lr_scheduler.LambdaLR(o, Warmup(20)),
    lambda o: lr_scheduler.InverseTimeDecayLR(o, 0.3, 2),
]


@pytest.mark.parametrize("via_file", [False, True])
@pytest.mark.parametrize("make", RESUME)
def test_state_dict_resume(make: Callable[[Any], Any], via_file: bool, tmp_path) -> None:
    opt = make_opt()
    sched = make(opt)
    for _ in range(8):
        opt.step()
        sched.step()
    if isinstance(sched, lr_scheduler.LambdaLR):
        sched.lr_lambdas[0].warm = 12  # state that must travel with the checkpoint
    osd, ssd = opt.state_dict(), sched.state_dict()
    if via_file:
        tinygrad_nn.save({"opt": osd, "sched": ssd}, tmp_path / "ckpt.h5")
        loaded = tinygrad_nn.load(tmp_path / "ckpt.h5")
        osd, ssd = loaded["opt"], loaded["sched"]
    opt2 = make_opt((9.0, 9.0))
    sched2 = make(opt2)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(ssd)
    assert sched2.last_epoch == 8 and sched2.get_last_lr() == sched.get_last_lr()
    for _ in range(20):
        opt.step()
        opt2.step()
        sched.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr() == lrs_of(opt2)


def test_resume_with_last_epoch() -> None:
    opt = make_opt()
    sched = lr_scheduler.ExponentialLR(opt, 0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    resumed = lr_scheduler.ExponentialLR(opt, 0.5, last_epoch=sched.last_epoch)
    assert resumed.get_last_lr() == sched.get_last_lr()  # the initial step does not decay again
    opt.step()
    resumed.step()
    assert resumed.get_last_lr() == pytest.approx([lr * 0.5**4 for lr in LRS])


def test_step_with_epoch_uses_closed_form() -> None:
    opt = make_opt()
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter .* is being deprecated"):
        sched.step(5)
    assert sched.get_last_lr() == pytest.approx([lr / 2 for lr in LRS])


def test_errors() -> None:
    opt = make_opt()
    with pytest.raises(TypeError, match="StepLR: list is not an Optimizer"):
        lr_scheduler.StepLR([], 3)
    with pytest.raises(TypeError, match="LambdaLR: str is not an Optimizer"):
        lr_scheduler.LambdaLR("opt", [lambda e: 1.0])
    with pytest.raises(ValueError, match="step_size must be a positive number, got 0"):
        lr_scheduler.StepLR(opt, 0)
    with pytest.raises(ValueError, match="T_max must be a positive number, got 0"):
        lr_scheduler.CosineAnnealingLR(opt, 0)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        lr_scheduler.LambdaLR(opt, 0.5)
    with pytest.raises(ValueError, match="decay_rate must be a number >= 0, got -1"):
        lr_scheduler.InverseTimeDecayLR(opt, -1)
    with pytest.raises(ValueError, match="time_interval must be a positive int, got 0"):
        lr_scheduler.InverseTimeDecayLR(opt, 0.5, time_interval=0)
    with pytest.raises(KeyError, match=r"'initial_lr' is not .* param_groups\[0\].*last_epoch=4"):
        lr_scheduler.StepLR(make_opt(), 3, last_epoch=4)
    sched = lr_scheduler.StepLR(opt, 3)
    with pytest.raises(ValueError, match="base_lrs has 3 entries.*2 parameter group"):
        sched.load_state_dict({**sched.state_dict(), "base_lrs": [0.1, 0.1, 0.1]})
