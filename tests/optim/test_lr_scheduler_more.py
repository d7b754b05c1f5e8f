"""The schedulers added for PyTorch parity, step by step against torch: ConstantLR, LinearLR,
MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR,
ReduceLROnPlateau, SequentialLR, ChainedScheduler; their state_dicts, warnings and errors.

Each run trains two parameter groups on a quadratic (so momentum and betas matter), calling
``opt.step()`` then ``sched.step()``, and records every group's lr and momentum / beta1.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn
from tinygrad_nn import optim
from tinygrad_nn.optim import lr_scheduler

torch_test = pytest.mark.torch
# a SequentialLR holding a ChainedScheduler warns about the step order (torch does the same;
# test_warnings_match_torch checks the warnings themselves)
quiet_order = pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step")

Lib = tuple[Any, Any, Any]  # (tensor module, optim, lr_scheduler)
OURS: Lib = (tinygrad_nn, optim, lr_scheduler)


def torch_lib() -> Lib:
    torch = pytest.importorskip("torch")
    return torch, torch.optim, torch.optim.lr_scheduler


def make_opt(lib: Lib, opt_name: str = "SGD", **kw: Any) -> tuple[Any, list[Any]]:
    """Two groups (lr 0.1 and 0.05) of one float64 parameter each."""
    mod, opt_mod, _ = lib
    params = [
        mod.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True),
        mod.tensor(np.array([1.5, 0.25]), requires_grad=True),
    ]
    groups = [{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.05}]
    return getattr(opt_mod, opt_name)(groups, **kw), params


def train_step(opt: Any, params: list[Any]) -> None:
    opt.zero_grad()
    loss = (params[0] ** 2).sum() + ((params[1] - 1.0) ** 2).sum() * 3.0
    loss.backward()
    opt.step()


def snapshot(opt: Any) -> list[float]:
    """Every group's lr, and its momentum or beta1 when it has one (NaN otherwise)."""
    out = []
    for g in opt.param_groups:
        m = g.get("momentum", g["betas"][0] if "betas" in g else math.nan)
        out += [float(g["lr"]), float(m)]
    return out


MakeSched = Callable[[Any, Any], Any]  # (lr_scheduler module, optimizer) -> scheduler


def run(
    lib: Lib,
    make: MakeSched,
    steps: int,
    opt_name: str = "SGD",
    opt_kw: dict[str, Any] | None = None,
    metric: Callable[[int], float] | None = None,
) -> tuple[np.ndarray, list[np.ndarray], Any, Any]:
    """Records (one row after construction, one per step), final params, scheduler, opt."""
    opt, params = make_opt(lib, opt_name, **(opt_kw or {}))
    sched = make(lib[2], opt)
    rows = [snapshot(opt)]
    for k in range(steps):
        train_step(opt, params)
        if metric is None:
            sched.step()
        else:
            sched.step(metric(k))
        rows.append(snapshot(opt))
        assert list(sched.get_last_lr()) == [g["lr"] for g in opt.param_groups]
    return np.array(rows), [p.detach().numpy().copy() for p in params], sched, opt


def plateau(k: int) -> float:
    """A validation loss: falls, stalls with noise, improves a little, stalls again."""
    if k < 8:
        return 1.0 / (1 + k)
    if k < 30:
        return 0.12 + 0.004 * ((k * 7) % 5)
    return 0.1 - 0.00001 * k + 0.003 * ((k * 3) % 4)


class Scale:
    """A callable object: its attributes travel in CyclicLR's state_dict."""

    def __init__(self, a: float) -> None:
        self.a = a

    def __call__(self, x: float) -> float:
        return self.a**x


# (id, make, steps, optimizer, optimizer kwargs, metric)
CASES: list[tuple[str, MakeSched, int, str, dict[str, Any], Callable[[int], float] | None]] = [
    ("Multiplicative", lambda L, o: L.MultiplicativeLR(o, lambda e: 0.95), 60, "SGD", {}, None),
    ("Multiplicative-list", lambda L, o: L.MultiplicativeLR(
        o, [lambda e: 0.9 + 0.05 * (e % 3), lambda e: 1.01]), 60, "SGD", {}, None),
    ("Constant", lambda L, o: L.ConstantLR(o), 60, "SGD", {}, None),
    ("Constant-half", lambda L, o: L.ConstantLR(o, factor=0.5, total_iters=4), 60, "SGD", {},
     None),
    ("Constant-one-step", lambda L, o: L.ConstantLR(o, factor=0.8, total_iters=1), 55, "Adam",
     {}, None),
    ("Linear", lambda L, o: L.LinearLR(o), 60, "SGD", {}, None),
    ("Linear-warmup", lambda L, o: L.LinearLR(o, start_factor=0.25, total_iters=10), 60, "SGD",
     {}, None),
    ("Linear-decay", lambda L, o: L.LinearLR(o, 1.0, 0.1, total_iters=20), 60, "SGD", {}, None),
    ("Linear-to-zero", lambda L, o: L.LinearLR(o, 0.5, 0.0, total_iters=7), 55, "SGD", {},
     None),
    ("Polynomial", lambda L, o: L.PolynomialLR(o), 60, "SGD", {}, None),
    ("Polynomial-sq", lambda L, o: L.PolynomialLR(o, total_iters=30, power=2.0), 60, "SGD", {},
     None),
    ("Polynomial-sqrt", lambda L, o: L.PolynomialLR(o, 10, 0.5), 60, "SGD", {}, None),
    ("WarmRestarts", lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=5), 60, "SGD", {}, None),
    ("WarmRestarts-mult", lambda L, o: L.CosineAnnealingWarmRestarts(o, 3, T_mult=2,
                                                                     eta_min=0.001), 60, "SGD",
     {}, None),
    ("WarmRestarts-mult3", lambda L, o: L.CosineAnnealingWarmRestarts(o, 2, 3, 0.01), 60,
     "Adam", {}, None),
    ("Cyclic", lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=4), 60, "SGD",
     {"momentum": 0.9}, None),
    ("Cyclic-tri2", lambda L, o: L.CyclicLR(o, [0.01, 0.02], [0.1, 0.3], 3, 5, "triangular2",
                                            base_momentum=[0.7, 0.8], max_momentum=0.95), 60,
     "SGD", {"momentum": 0.5}, None),
    ("Cyclic-exp", lambda L, o: L.CyclicLR(o, 0.001, 0.05, 5, mode="exp_range", gamma=0.97), 60,
     "RMSprop", {"momentum": 0.3}, None),
    ("Cyclic-adam", lambda L, o: L.CyclicLR(o, 0.001, 0.01, 6, 2, base_momentum=0.8,
                                            max_momentum=0.95), 60, "Adam", {}, None),
    ("Cyclic-scale-fn", lambda L, o: L.CyclicLR(o, 0.01, 0.1, 4, scale_fn=Scale(0.8)), 60, "SGD",
     {"momentum": 0.9}, None),
    ("Cyclic-scale-iter", lambda L, o: L.CyclicLR(
        o, 0.01, 0.1, 4, scale_fn=lambda x: 1 / (1 + x / 10), scale_mode="iterations"), 60,
     "SGD", {"momentum": 0.9}, None),
    ("Cyclic-no-momentum", lambda L, o: L.CyclicLR(o, 0.01, 0.1, 7, cycle_momentum=False), 60,
     "Adagrad", {}, None),
    ("OneCycle", lambda L, o: L.OneCycleLR(o, 0.5, total_steps=60), 60, "SGD",
     {"momentum": 0.9}, None),
    ("OneCycle-three-linear", lambda L, o: L.OneCycleLR(
        o, [0.4, 0.2], epochs=6, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear",
        three_phase=True, div_factor=10.0, final_div_factor=100.0), 60, "SGD",
     {"momentum": 0.9, "nesterov": True}, None),
    ("OneCycle-adam", lambda L, o: L.OneCycleLR(o, 0.01, 70, three_phase=True,
                                                base_momentum=[0.8, 0.85], max_momentum=0.9), 70,
     "Adam", {}, None),
    ("OneCycle-no-momentum", lambda L, o: L.OneCycleLR(o, 0.3, 55, cycle_momentum=False), 55,
     "Adagrad", {}, None),
    ("Plateau", lambda L, o: L.ReduceLROnPlateau(o, patience=3), 60, "SGD", {}, plateau),
    ("Plateau-max-abs", lambda L, o: L.ReduceLROnPlateau(
        o, "max", factor=0.5, patience=2, threshold=0.002, threshold_mode="abs", cooldown=3),
     60, "SGD", {}, lambda k: -plateau(k)),
    ("Plateau-min-lrs", lambda L, o: L.ReduceLROnPlateau(
        o, factor=0.3, patience=1, threshold=0.05, min_lr=[0.01, 0.004]), 60, "Adam", {},
     plateau),
    ("Plateau-eps", lambda L, o: L.ReduceLROnPlateau(o, factor=0.5, patience=0, eps=0.02), 60,
     "SGD", {}, lambda k: 1.0),
    ("Plateau-max-rel", lambda L, o: L.ReduceLROnPlateau(o, "max", 0.7, 4, 0.01, cooldown=1),
     60, "SGD", {"momentum": 0.9}, lambda k: math.sin(k / 5)),
    # the schedulers that were here before, for their state_dicts against torch's
    ("Step", lambda L, o: L.StepLR(o, 7, 0.5), 50, "SGD", {}, None),
    ("MultiStep", lambda L, o: L.MultiStepLR(o, [5, 12, 12, 30], 0.3), 50, "SGD", {}, None),
    ("Exponential", lambda L, o: L.ExponentialLR(o, 0.93), 50, "SGD", {}, None),
    ("Cosine", lambda L, o: L.CosineAnnealingLR(o, 12, 0.002), 50, "Adam", {}, None),
    ("Lambda-object", lambda L, o: L.LambdaLR(o, Scale(0.97)), 50, "SGD", {}, None),
    ("Sequential", lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, 0.1, total_iters=5), L.ExponentialLR(o, 0.9)], milestones=[5]), 60,
     "SGD", {}, None),
    ("Sequential-three", lambda L, o: L.SequentialLR(
        o, [L.ConstantLR(o, 0.5, 3), L.CosineAnnealingLR(o, 10), L.StepLR(o, 4, 0.5)],
        [3, 20]), 60, "SGD", {"momentum": 0.9}, None),
    ("Sequential-chained", lambda L, o: L.SequentialLR(
        o, [L.ChainedScheduler([L.LinearLR(o, 0.2, total_iters=4), L.ExponentialLR(o, 0.97)]),
            L.PolynomialLR(o, 30, 2.0)], [10]), 60, "SGD", {}, None),
    ("Sequential-restarts", lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, 0.1, total_iters=5), L.CosineAnnealingWarmRestarts(o, 7)], [5]), 60,
     "SGD", {}, None),
    ("Chained", lambda L, o: L.ChainedScheduler([L.ConstantLR(o, 0.1, 2),
                                                 L.ExponentialLR(o, 0.9)]), 60, "SGD", {}, None),
    ("Chained-three", lambda L, o: L.ChainedScheduler(
        [L.StepLR(o, 6, 0.5), L.MultiplicativeLR(o, lambda e: 0.99), L.LinearLR(o, 0.5)],
        optimizer=o), 60, "SGD", {}, None),
]
IDS = [c[0] for c in CASES]


@torch_test
@quiet_order
@pytest.mark.parametrize(("name", "make", "steps", "opt_name", "opt_kw", "metric"), CASES, ids=IDS)
def test_matches_torch_step_by_step(
    name: str, make: MakeSched, steps: int, opt_name: str, opt_kw: dict[str, Any],
    metric: Callable[[int], float] | None,
) -> None:
    theirs, t_params, t_sched, _ = run(torch_lib(), make, steps, opt_name, opt_kw, metric)
    ours, o_params, o_sched, _ = run(OURS, make, steps, opt_name, opt_kw, metric)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15, err_msg=name)
    assert len({tuple(r[::2]) for r in ours}) > 1, "the schedule should change the lr"
    for a, b in zip(o_params, t_params):  # the cycled momentum reached the update
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert getattr(o_sched, "last_epoch", None) == getattr(t_sched, "last_epoch", None)
    assert_same_state(o_sched.state_dict(), t_sched.state_dict())


def assert_same_state(ours: Any, theirs: Any, where: str = "state") -> None:
    """Equal keys and values (floats to 1e-12; functions stored by both as None)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        assert set(ours) == set(theirs), f"{where}: {set(ours) ^ set(theirs)}"
        for k in theirs:
            assert_same_state(ours[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same_state(a, b, f"{where}[{i}]")
    elif isinstance(theirs, float):
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15), where
    else:
        assert ours == theirs, where


def fresh_and_loaded(
    make: MakeSched, opt_name: str, opt_kw: dict[str, Any], steps: int, via_file: bool,
    metric: Callable[[int], float] | None,
) -> tuple[Any, Any, Any, Any, list[Any], list[Any]]:
    opt, params = make_opt(OURS, opt_name, **opt_kw)
    sched = make(lr_scheduler, opt)
    for k in range(steps):
        train_step(opt, params)
        sched.step() if metric is None else sched.step(metric(k))
    if isinstance(sched, lr_scheduler.CyclicLR) and isinstance(sched._scale_fn_custom, Scale):
        sched._scale_fn_custom.a = 0.7  # state that must travel with the checkpoint
    osd, ssd = opt.state_dict(), sched.state_dict()
    if via_file:
        buf = io.BytesIO()
        tinygrad_nn.save({"opt": osd, "sched": ssd}, buf)
        buf.seek(0)
        loaded = tinygrad_nn.load(buf)
        osd, ssd = loaded["opt"], loaded["sched"]
    opt2, params2 = make_opt(OURS, opt_name, **opt_kw)
    for p, q in zip(params2, params):
        p.data.copy_(q.detach())
    opt2.param_groups[0]["lr"] = 9.0  # overwritten by the load
    sched2 = make(lr_scheduler, opt2)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(ssd)
    return sched, sched2, opt, opt2, params, params2


@quiet_order
@pytest.mark.parametrize("via_file", [False, True], ids=["dict", "save-load"])
@pytest.mark.parametrize(("name", "make", "steps", "opt_name", "opt_kw", "metric"), CASES, ids=IDS)
def test_state_dict_round_trip(
    name: str, make: MakeSched, steps: int, opt_name: str, opt_kw: dict[str, Any],
    metric: Callable[[int], float] | None, via_file: bool,
) -> None:
    """Resume after 23 steps (a fresh optimiser and scheduler, then load_state_dict): the
    next steps set the same rates and momenta as the uninterrupted run."""
    sched, sched2, opt, opt2, params, params2 = fresh_and_loaded(
        make, opt_name, opt_kw, 23, via_file, metric
    )
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert snapshot(opt2) == snapshot(opt)
    if isinstance(sched, lr_scheduler.CyclicLR) and isinstance(sched._scale_fn_custom, Scale):
        assert sched2._scale_fn_custom.a == 0.7
    for k in range(23, min(steps, 45)):
        for o, ps, s in ((opt, params, sched), (opt2, params2, sched2)):
            train_step(o, ps)
            s.step() if metric is None else s.step(metric(k))
        assert snapshot(opt2) == snapshot(opt), f"{name}: step {k}"
        assert sched2.get_last_lr() == sched.get_last_lr()
    for a, b in zip(params, params2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@torch_test
@quiet_order
@pytest.mark.parametrize("index", range(len(CASES)), ids=IDS)
def test_loads_a_torch_state_dict(index: int) -> None:
    """A torch scheduler's state_dict (same keys) drives ours on from where torch was."""
    name, make, steps, opt_name, opt_kw, metric = CASES[index]
    tl = torch_lib()
    t_opt, t_params = make_opt(tl, opt_name, **opt_kw)
    t_sched = make(tl[2], t_opt)
    for k in range(17):
        train_step(t_opt, t_params)
        t_sched.step() if metric is None else t_sched.step(metric(k))
    o_opt, _ = make_opt(OURS, opt_name, **opt_kw)
    o_sched = make(lr_scheduler, o_opt)
    for og, tg in zip(o_opt.param_groups, t_opt.param_groups):
        og.update({k: v for k, v in tg.items() if k != "params"})
    o_sched.load_state_dict(t_sched.state_dict())
    for k in range(17, 40):
        t_opt.step()
        o_opt.step()
        for s in (t_sched, o_sched):
            s.step() if metric is None else s.step(metric(k))
        np.testing.assert_allclose(snapshot(o_opt), snapshot(t_opt), rtol=1e-12, err_msg=name)


# -- formulas, without torch -------------------------------------------------------------------
LRS = (0.1, 0.05)


def lrs_over(make: MakeSched, steps: int, opt_name: str = "SGD", **opt_kw: Any) -> np.ndarray:
    """Group lrs after construction and after each step (columns: groups)."""
    return run(OURS, make, steps, opt_name, opt_kw)[0][:, ::2]


def closed(fn: Callable[[int, float], float], steps: int) -> np.ndarray:
    return np.array([[fn(e, b) for b in LRS] for e in range(steps + 1)])


@pytest.mark.parametrize(
    ("make", "formula"),
    [
        (lambda L, o: L.ConstantLR(o, 0.25, 6), lambda e, b: b * (0.25 if e < 6 else 1.0)),
        (lambda L, o: L.LinearLR(o, 0.2, 0.9, 8),
         lambda e, b: b * (0.2 + 0.7 * min(e, 8) / 8)),
        (lambda L, o: L.PolynomialLR(o, 12, 1.5),
         lambda e, b: b * (1 - min(e, 12) / 12) ** 1.5),
        (lambda L, o: L.MultiplicativeLR(o, lambda e: 1 - 0.01 * e),
         lambda e, b: b * math.prod(1 - 0.01 * k for k in range(1, e + 1))),
        (lambda L, o: L.CosineAnnealingWarmRestarts(o, 4, 2, 0.001),
         lambda e, b: 0.001 + (b - 0.001) * (1 + math.cos(math.pi * restart_pos(e, 4, 2))) / 2),
        (lambda L, o: L.ChainedScheduler([L.ConstantLR(o, 0.1, 3), L.ExponentialLR(o, 0.9)]),
         lambda e, b: b * 0.9**e * (0.1 if e < 3 else 1.0)),
        (lambda L, o: L.SequentialLR(o, [L.LinearLR(o, 0.5, total_iters=4),
                                         L.ExponentialLR(o, 0.8)], [6]),
         lambda e, b: b * (0.5 + 0.5 * min(e, 4) / 4) if e < 6 else b * 0.8 ** (e - 6)),
    ],
    ids=["Constant", "Linear", "Polynomial", "Multiplicative", "WarmRestarts", "Chained",
         "Sequential"],
)
def test_follows_the_documented_formula(make: MakeSched, formula: Callable[..., float]) -> None:
    np.testing.assert_allclose(lrs_over(make, 40), closed(formula, 40), rtol=1e-9, atol=1e-15)


def restart_pos(e: int, T_0: int, T_mult: int) -> float:
    """T_cur / T_i at step e for SGDR."""
    T_i = T_0
    while e >= T_i:
        e -= T_i
        T_i *= T_mult
    return e / T_i


def test_cyclic_triangle_and_momentum_formula() -> None:
    rows = run(OURS, lambda L, o: L.CyclicLR(o, 0.01, 0.1, 5, 3), 40, "SGD",
               {"momentum": 0.9})[0]
    for n, row in enumerate(rows):
        x = n % 8
        up = x / 5 if x <= 5 else (8 - x) / 3  # rises for 5 steps, falls for 3
        assert row[0] == pytest.approx(0.01 + 0.09 * up, rel=1e-12, abs=1e-15)
        assert row[1] == pytest.approx(0.9 - 0.1 * up, rel=1e-12)


def test_one_cycle_two_phase_cosine_formula() -> None:
    total, top = 50, 0.4
    rows = run(OURS, lambda L, o: L.OneCycleLR(o, top, total, pct_start=0.2), total, "SGD",
               {"momentum": 0.9})[0]
    lo, end = top / 25, top / 25 / 1e4

    def cos(a: float, b: float, pct: float) -> float:
        return b + (a - b) * (1 + math.cos(math.pi * pct)) / 2

    for n, row in enumerate(rows[:-1]):
        peak = 0.2 * total - 1
        if n <= peak:
            want, mom = cos(lo, top, n / peak), cos(0.95, 0.85, n / peak)
        else:
            pct = (n - peak) / (total - 1 - peak)
            want, mom = cos(top, end, pct), cos(0.85, 0.95, pct)
        assert row[0] == pytest.approx(want, rel=1e-12) and row[1] == pytest.approx(mom)
    assert rows[-2][0] == pytest.approx(end)


def test_plateau_counts_bad_epochs_patience_and_cooldown() -> None:
    opt, _ = make_opt(OURS)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=2, cooldown=2, factor=0.5)
    seen = []
    for metric in [1.0, 0.5, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7, 0.4, 0.3]:
        sched.step(tinygrad_nn.tensor(metric))  # a 0-d Tensor works like a float
        seen.append((sched.get_last_lr()[0], sched.num_bad_epochs, sched.in_cooldown))
    # 3 bad epochs (> patience 2) halve the rate; then 2 cooldown steps ignore bad epochs
    assert [s[0] for s in seen] == [0.1] * 4 + [0.05] * 7
    assert [s[1] for s in seen][:9] == [0, 0, 1, 2, 0, 0, 0, 1, 2]
    assert [s[2] for s in seen][:7] == [False] * 4 + [True, True, False]
    assert sched.best == pytest.approx(0.3) and sched.last_epoch == 11


def test_plateau_min_lr_floor_and_new_group() -> None:
    opt, _ = make_opt(OURS)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=0.02)
    for _ in range(6):
        sched.step(1.0)
    assert sched.get_last_lr() == pytest.approx([0.02, 0.02])
    opt.add_param_group({"params": [tinygrad_nn.tensor([1.0], requires_grad=True)], "lr": 1.0})
    sched.step(1.0)  # a scalar min_lr stretches to the new group
    assert sched.min_lrs == [0.02] * 3 and sched.get_last_lr()[2] == pytest.approx(0.1)


# -- step(epoch), warnings ---------------------------------------------------------------------
@torch_test
@pytest.mark.parametrize(
    "make",
    [
        lambda L, o: L.LinearLR(o, 0.2, total_iters=10),
        lambda L, o: L.PolynomialLR(o, 12, 2.0),
        lambda L, o: L.ConstantLR(o, 0.5, 4),
        lambda L, o: L.MultiplicativeLR(o, lambda e: 0.9),
        lambda L, o: L.CyclicLR(o, 0.01, 0.1, 4),
        lambda L, o: L.CosineAnnealingWarmRestarts(o, 3, 2),
    ],
    ids=["Linear", "Polynomial", "Constant", "Multiplicative", "Cyclic", "WarmRestarts"],
)
def test_step_with_epoch_matches_torch(make: MakeSched) -> None:
    """Deprecated jumps: closed form where torch has one (else the chainable form), the
    same UserWarning (none for CosineAnnealingWarmRestarts, which takes fractional epochs)."""
    out = []
    for lib in (OURS, torch_lib()):
        opt, params = make_opt(lib, "SGD", momentum=0.9)
        sched = make(lib[2], opt)
        lrs = []
        for epoch in (3, 7, 8, 20, 2, 13.5 if "Warm" in type(sched).__name__ else 13):
            train_step(opt, params)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                sched.step(epoch)
            lrs.append(snapshot(opt) + [sched.last_epoch])
            lrs.append(sorted(str(w.message)[:40] for w in caught))
        out.append(lrs)
    assert out[0][1::2] == out[1][1::2]
    np.testing.assert_allclose(np.array(out[0][::2], dtype=float),
                               np.array(out[1][::2], dtype=float), rtol=1e-12)


@torch_test
def test_warnings_match_torch() -> None:
    def messages(lib: Lib, action: Callable[[Any, Any], None]) -> list[str]:
        opt, _ = make_opt(lib)
        sched = lib[2].OneCycleLR(opt, 0.1, 10, cycle_momentum=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            action(opt, sched)
        return [f"{w.category.__name__}: {w.message}" for w in caught]

    actions: list[Callable[[Any, Any], Any]] = [
        lambda o, s: s.step(),  # before any optimizer.step()
        lambda o, s: (o.step(), s.step()),  # the right order: silent
        lambda o, s: (o.step(), s.get_lr()),  # get_lr outside step
        lambda o, s: (o.step(), s.step(), s.step(), s.step(3)),  # an epoch: deprecated
    ]
    for action in actions:
        ours, theirs = messages(OURS, action), messages(torch_lib(), action)
        assert ours == theirs
    assert "before `optimizer.step()`" in messages(OURS, actions[0])[0]


# -- errors ----------------------------------------------------------------------------------
def _bad_calls() -> list[tuple[str, Callable[[Lib], Any]]]:
    def opt(lib: Lib, name: str = "SGD", **kw: Any) -> Any:
        return make_opt(lib, name, **kw)[0]

    def seq_two_opts(lib: Lib) -> Any:
        L = lib[2]
        o1, o2 = opt(lib), opt(lib)
        return L.SequentialLR(o1, [L.ConstantLR(o1), L.ConstantLR(o2)], [3])

    def chain_two_opts(lib: Lib) -> Any:
        L = lib[2]
        o1, o2 = opt(lib), opt(lib)
        return L.ChainedScheduler([L.ConstantLR(o1), L.ConstantLR(o2)])

    def one_cycle_past_end(lib: Lib) -> None:
        o = opt(lib, momentum=0.9)
        s = lib[2].OneCycleLR(o, 0.1, total_steps=5)
        for _ in range(6):
            o.step()
            s.step()

    def plateau_new_group(lib: Lib) -> None:
        o = opt(lib)
        s = lib[2].ReduceLROnPlateau(o, patience=0, min_lr=[0.0, 0.0])
        o.add_param_group({"params": [lib[0].tensor([1.0], requires_grad=True)], "lr": 1.0})
        for _ in range(3):
            s.step(1.0)

    def L(lib: Lib) -> Any:
        return lib[2]

    return [
        ("not-an-optimizer", lambda lib: L(lib).OneCycleLR([1], 0.1, 10)),
        ("plateau-not-an-optimizer", lambda lib: L(lib).ReduceLROnPlateau("sgd")),
        ("cyclic-not-an-optimizer", lambda lib: L(lib).CyclicLR(None, 0.1, 1.0)),
        ("constant-factor>1", lambda lib: L(lib).ConstantLR(opt(lib), factor=1.5)),
        ("constant-factor<0", lambda lib: L(lib).ConstantLR(opt(lib), factor=-0.1)),
        ("linear-start=0", lambda lib: L(lib).LinearLR(opt(lib), start_factor=0)),
        ("linear-start>1", lambda lib: L(lib).LinearLR(opt(lib), start_factor=1.5)),
        ("linear-end<0", lambda lib: L(lib).LinearLR(opt(lib), end_factor=-1.0)),
        ("multiplicative-count", lambda lib: L(lib).MultiplicativeLR(opt(lib), [abs])),
        ("multiplicative-not-callable", lambda lib: L(lib).MultiplicativeLR(opt(lib), 0.9)),
        ("restarts-T_0=0", lambda lib: L(lib).CosineAnnealingWarmRestarts(opt(lib), 0)),
        ("restarts-T_0-float", lambda lib: L(lib).CosineAnnealingWarmRestarts(opt(lib), 2.5)),
        ("restarts-T_mult=0", lambda lib: L(lib).CosineAnnealingWarmRestarts(opt(lib), 5, 0)),
        ("restarts-T_mult-float", lambda lib: L(lib).CosineAnnealingWarmRestarts(opt(lib), 5,
                                                                                 1.5)),
        ("restarts-eta_min-str", lambda lib: L(lib).CosineAnnealingWarmRestarts(opt(lib), 5,
                                                                                eta_min="0")),
        ("restarts-negative-epoch", lambda lib: L(lib).CosineAnnealingWarmRestarts(
            opt(lib), 5).step(-1)),
        ("cyclic-mode", lambda lib: L(lib).CyclicLR(opt(lib, momentum=0.9), 0.01, 0.1,
                                                    mode="triangle")),
        ("cyclic-base_lr-count", lambda lib: L(lib).CyclicLR(opt(lib, momentum=0.9),
                                                             [0.01] * 3, 0.1)),
        ("cyclic-max_lr-count", lambda lib: L(lib).CyclicLR(opt(lib, momentum=0.9), 0.01,
                                                            [0.1])),
        ("cyclic-no-momentum", lambda lib: L(lib).CyclicLR(opt(lib, "Adagrad"), 0.01, 0.1)),
        ("cyclic-momentum-count", lambda lib: L(lib).CyclicLR(opt(lib, momentum=0.9), 0.01, 0.1,
                                                              max_momentum=(0.9, 0.9, 0.9))),
        ("onecycle-no-steps", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1)),
        ("onecycle-epochs-only", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, epochs=3)),
        ("onecycle-total=0", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, 0)),
        ("onecycle-total-float", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, 10.0)),
        ("onecycle-epochs=0", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, epochs=0,
                                                            steps_per_epoch=3)),
        ("onecycle-steps_per_epoch<0", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, epochs=2,
                                                                     steps_per_epoch=-3)),
        ("onecycle-pct>1", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, 10, pct_start=1.5)),
        ("onecycle-pct-int", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, 10, pct_start=1)),
        ("onecycle-anneal", lambda lib: L(lib).OneCycleLR(opt(lib), 0.1, 10,
                                                          anneal_strategy="exp")),
        ("onecycle-max_lr-count", lambda lib: L(lib).OneCycleLR(opt(lib, momentum=0.9),
                                                                [0.1] * 3, 10)),
        ("onecycle-no-momentum", lambda lib: L(lib).OneCycleLR(opt(lib, "Adagrad"), 0.1, 10)),
        ("onecycle-past-the-end", one_cycle_past_end),
        ("plateau-factor", lambda lib: L(lib).ReduceLROnPlateau(opt(lib), factor=1.0)),
        ("plateau-mode", lambda lib: L(lib).ReduceLROnPlateau(opt(lib), mode="minimum")),
        ("plateau-threshold-mode", lambda lib: L(lib).ReduceLROnPlateau(
            opt(lib), threshold_mode="relative")),
        ("plateau-min_lr-count", lambda lib: L(lib).ReduceLROnPlateau(opt(lib), min_lr=[0.1])),
        ("plateau-new-group", plateau_new_group),
        ("sequential-empty", lambda lib: L(lib).SequentialLR(opt(lib), [], [])),
        ("sequential-milestones", lambda lib: (lambda o: L(lib).SequentialLR(
            o, [L(lib).ConstantLR(o), L(lib).ExponentialLR(o, 0.9)], [2, 4]))(opt(lib))),
        ("sequential-plateau", lambda lib: (lambda o: L(lib).SequentialLR(
            o, [L(lib).ConstantLR(o), L(lib).ReduceLROnPlateau(o)], [2]))(opt(lib))),
        ("sequential-not-a-scheduler", lambda lib: (lambda o: L(lib).SequentialLR(
            o, [L(lib).ConstantLR(o), "exp"], [2]))(opt(lib))),
        ("sequential-two-optimizers", seq_two_opts),
        ("chained-empty", lambda lib: L(lib).ChainedScheduler([])),
        ("chained-plateau", lambda lib: (lambda o: L(lib).ChainedScheduler(
            [L(lib).ConstantLR(o), L(lib).ReduceLROnPlateau(o)]))(opt(lib))),
        ("chained-two-optimizers", chain_two_opts),
        ("resume-without-initial_lr", lambda lib: L(lib).LinearLR(opt(lib), last_epoch=3)),
        ("verbose-is-gone", lambda lib: L(lib).LinearLR(opt(lib), verbose=True)),
        ("sequential-step-epoch", lambda lib: (lambda o: L(lib).SequentialLR(
            o, [L(lib).ConstantLR(o)], []).step(3))(opt(lib))),
    ]


BAD = _bad_calls()


@torch_test
@pytest.mark.parametrize("call", [c for _, c in BAD], ids=[n for n, _ in BAD])
def test_errors_match_torch(call: Callable[[Lib], Any]) -> None:
    """The same exception class as torch, and torch's message inside ours (ours may add the
    class name, the value given and what to do)."""
    with pytest.raises(Exception) as theirs:
        call(torch_lib())
    with pytest.raises(type(theirs.value)) as ours:
        call(OURS)
    # args[0]: a KeyError's str() adds quotes; torch's first line says what is wrong
    t_msg, o_msg = str(theirs.value.args[0]).split("\n")[0], str(ours.value.args[0])
    if "expects all schedulers to belong to the same optimizer" in t_msg:
        t_msg = t_msg.split(" has ")[0]  # torch prints its optimizer's repr there
    if type(theirs.value) is TypeError and "unexpected keyword" in t_msg:
        t_msg = "unexpected keyword argument 'verbose'"
    if type(theirs.value) is TypeError and "positional argument" in t_msg:
        t_msg = "positional argument"
    assert t_msg.rstrip(".") in o_msg


def test_public_names() -> None:
    names = {
        "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
        "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
        "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
        "PolynomialLR", "LRScheduler",
    }
    assert names <= set(lr_scheduler.__all__)
    for name in names:
        cls = getattr(lr_scheduler, name)
        assert issubclass(cls, lr_scheduler.LRScheduler)
        assert cls.__module__.startswith("tinygrad_nn.optim._sched_")
    assert issubclass(lr_scheduler._LRScheduler, lr_scheduler.LRScheduler)


RESUMABLE = [
    lambda L, o, e: L.LinearLR(o, 0.2, total_iters=10, last_epoch=e),
    lambda L, o, e: L.PolynomialLR(o, 15, 2.0, last_epoch=e),
    lambda L, o, e: L.ConstantLR(o, 0.5, 8, last_epoch=e),
    lambda L, o, e: L.CosineAnnealingLR(o, 9, 0.001, last_epoch=e),
    lambda L, o, e: L.CosineAnnealingWarmRestarts(o, 4, 2, last_epoch=e),
    lambda L, o, e: L.CyclicLR(o, 0.01, 0.1, 3, last_epoch=e),
    lambda L, o, e: L.OneCycleLR(o, 0.2, 40, last_epoch=e),
]


@torch_test
@pytest.mark.parametrize("make", RESUMABLE,
                         ids=["Linear", "Polynomial", "Constant", "Cosine", "WarmRestarts",
                              "Cyclic", "OneCycle"])
def test_resume_with_last_epoch_matches_torch(make: Callable[[Any, Any, int], Any]) -> None:
    """Old-style resume: a new scheduler built with last_epoch=n on the same optimiser."""
    out = []
    for lib in (OURS, torch_lib()):
        opt, params = make_opt(lib, "SGD", momentum=0.9)
        sched = make(lib[2], opt, -1)
        for _ in range(6):
            train_step(opt, params)
            sched.step()
        resumed = make(lib[2], opt, sched.last_epoch)
        rows = [snapshot(opt)]
        for _ in range(20):
            train_step(opt, params)
            resumed.step()
            rows.append(snapshot(opt))
        out.append(rows)
    np.testing.assert_allclose(out[0], out[1], rtol=1e-12, atol=1e-15)


def test_a_subclass_of_the_base_class() -> None:
    """LRScheduler (and the old name _LRScheduler) as PyTorch users subclass them."""

    class Halving(lr_scheduler._LRScheduler):
        def get_lr(self) -> list[float]:
            return [b * 0.5**self.last_epoch for b in self.base_lrs]

    opt, params = make_opt(OURS)
    sched = Halving(opt)
    for _ in range(3):
        train_step(opt, params)
        sched.step()
    assert sched.get_last_lr() == [lr / 8 for lr in LRS] and sched.last_epoch == 3
    assert sched.base_lrs == list(LRS) and sched.state_dict()["_step_count"] == 4


def test_tracked_optimizer_copies_and_pickles() -> None:
    """The step wrapper a scheduler installs (to warn about the call order) follows copies:
    a deep-copied or unpickled optimiser steps its own parameters, never the original's."""
    import copy
    import pickle

    opt, params = make_opt(OURS, "SGD", momentum=0.9)
    sched = lr_scheduler.StepLR(opt, 3)
    before = [p.detach().numpy().copy() for p in params]
    for clone in (copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))):
        train_step(clone, [g["params"][0] for g in clone.param_groups])
        assert clone._opt_called and not hasattr(opt, "_opt_called")
        for p, b in zip(params, before):
            np.testing.assert_array_equal(p.detach().numpy(), b)
    copied = copy.deepcopy(sched)
    train_step(copied.optimizer, [g["params"][0] for g in copied.optimizer.param_groups])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        copied.step()  # its own optimiser stepped: no order warning
    assert copied.get_last_lr() == list(LRS) and not hasattr(opt, "_opt_called")
