"""Optimisers and schedulers beside torch's, case by case (a differential probe made tests).

Each optimiser runs 10 steps on float64 parameters of shapes (3, 4), (5,) and () with the same
random gradients fed to both libraries (the 0-d one gets none on two steps, so its state falls
behind and the per-parameter path runs too), for every constructor flag alone and all together
under each ``foreach``: the parameters after every step agree to 1e-12 and the state_dicts
have the same structure and values. Then: parameter groups with their own options,
``add_param_group``, state dicts crossing between the libraries, ``zero_grad``, ``step(closure)``,
the state before the first step, the exception types of invalid arguments, and the schedule
grids (cyclic and one-cycle momentum on SGD, RMSprop and Adam; ReduceLROnPlateau's modes;
``step(epoch)``) that tests/optim/test_lr_scheduler_more.py does not already walk through.
"""

from __future__ import annotations

import copy
import importlib
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

SHAPES: list[tuple[int, ...]] = [(3, 4), (5,), ()]
LIBS = {"torch": torch, "ours": tg}


# -- helpers -----------------------------------------------------------------------------------
def make_params(lib: Any, seed: int = 1) -> list[Any]:
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.standard_normal(s), dtype=lib.float64, requires_grad=True)
            for s in SHAPES]


def grads(step: int, rng: np.random.Generator) -> list[np.ndarray | None]:
    """Random float64 gradients; the 0-d parameter has none on steps 3 and 4."""
    return [None if i == 2 and step in (3, 4) else rng.standard_normal(s)
            for i, s in enumerate(SHAPES)]


def set_grads(pairs: list[tuple[Any, Any]], gs: list[np.ndarray | None]) -> None:
    for (t, o), g in zip(pairs, gs):
        t.grad = None if g is None else torch.tensor(g, dtype=torch.float64)
        o.grad = None if g is None else tg.tensor(g.copy(), dtype=tg.float64)


def as_array(x: Any) -> np.ndarray:
    if isinstance(x, (torch.Tensor, tg.Tensor)):
        return x.detach().numpy()
    return np.asarray(x)


def assert_params_equal(tp: list[Any], op: list[Any], where: str, tol: float = 1e-12) -> None:
    for i, (t, o) in enumerate(zip(tp, op)):
        np.testing.assert_allclose(as_array(o), as_array(t), rtol=tol, atol=tol,
                                   err_msg=f"{where}: parameter {i}")


def assert_same_state_dict(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Same parameter indices, state keys and values; same group keys, values and types."""
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for k, st in theirs["state"].items():
        assert set(ours["state"][k]) == set(st), f"state[{k}]"
        for key, value in st.items():
            np.testing.assert_allclose(as_array(ours["state"][k][key]), as_array(value),
                                       rtol=1e-10, atol=1e-12, err_msg=f"state[{k}][{key!r}]")
    assert len(ours["param_groups"]) == len(theirs["param_groups"])
    for i, (og, tgp) in enumerate(zip(ours["param_groups"], theirs["param_groups"])):
        assert set(og) == set(tgp), f"group {i}: {set(og) ^ set(tgp)}"
        for key, value in tgp.items():
            if isinstance(value, (tuple, list)):
                assert list(og[key]) == list(value), f"group {i}[{key!r}]"
            else:
                assert og[key] == value and type(og[key]) is type(value), f"group {i}[{key!r}]"


def to_torch_state_dict(sd: dict[str, Any]) -> dict[str, Any]:
    """Our state dict with its arrays and counters as torch tensors (torch's layout)."""
    state = {k: {key: torch.tensor(np.asarray(v, dtype=np.float64)) for key, v in st.items()}
             for k, st in sd["state"].items()}
    return {"state": state, "param_groups": copy.deepcopy(sd["param_groups"])}


# -- trajectories ------------------------------------------------------------------------------
GRIDS: dict[str, tuple[dict[str, Any], dict[str, list[Any]]]] = {
    "SGD": ({"lr": 0.1}, {"momentum": [0.9], "dampening": [0.3], "weight_decay": [0.1],
                          "maximize": [True]}),
    "Adam": ({"lr": 0.01}, {"betas": [(0.5, 0.9)], "weight_decay": [0.1], "amsgrad": [True],
                            "maximize": [True], "decoupled_weight_decay": [True]}),
    "AdamW": ({"lr": 0.01}, {"weight_decay": [0, 0.1], "amsgrad": [True], "maximize": [True]}),
    "Adamax": ({"lr": 0.01}, {"betas": [(0.5, 0.9)], "weight_decay": [0.1], "maximize": [True]}),
    "NAdam": ({"lr": 0.01}, {"betas": [(0.5, 0.9)], "weight_decay": [0.1],
                             "momentum_decay": [0.1], "decoupled_weight_decay": [True],
                             "maximize": [True]}),
    "RAdam": ({"lr": 0.01}, {"betas": [(0.5, 0.9)], "weight_decay": [0.1],
                             "decoupled_weight_decay": [True], "maximize": [True]}),
    "RMSprop": ({"lr": 0.01}, {"alpha": [0.5], "weight_decay": [0.1], "momentum": [0.9],
                               "centered": [True], "maximize": [True]}),
    "Rprop": ({"lr": 0.01}, {"etas": [(0.3, 2.0)], "step_sizes": [(1e-3, 0.02)],
                             "maximize": [True]}),
    "ASGD": ({"lr": 0.5}, {"lambd": [0.1], "t0": [3], "alpha": [0.5], "weight_decay": [0.1],
                           "maximize": [True]}),
    "Adagrad": ({"lr": 0.1}, {"lr_decay": [0.1], "weight_decay": [0.1],
                              "initial_accumulator_value": [0.5], "eps": [1e-3],
                              "maximize": [True]}),
    "Adadelta": ({"lr": 0.5}, {"rho": [0.5], "eps": [1e-3], "weight_decay": [0.1],
                               "maximize": [True]}),
}
FUSED = {"SGD", "Adam", "AdamW", "Adagrad"}


def _trajectory_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for name, (base, grid) in GRIDS.items():
        cases.append((name, dict(base)))
        for key, values in grid.items():
            cases += [(name, {**base, key: v}) for v in values]
        every = {**base, **{k: v[-1] for k, v in grid.items()}}
        cases += [(name, {**every, "foreach": f}) for f in (None, True, False)]
        if name in FUSED:
            cases.append((name, {**every, "fused": True}))
    cases += [("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "foreach": f})
              for f in (None, True, False)]
    cases += [("SGD", {"lr": 0.1, "dampening": -0.5, "momentum": 0.5})]  # torch allows it
    return cases


TRAJECTORIES = _trajectory_cases()


@pytest.mark.parametrize(("name", "kw"), TRAJECTORIES,
                         ids=[f"{n}-{kw}" for n, kw in TRAJECTORIES])
def test_trajectory_and_state_dict_match_torch(name: str, kw: dict[str, Any]) -> None:
    tp, op = make_params(torch), make_params(tg)
    t_opt, o_opt = getattr(torch.optim, name)(tp, **kw), getattr(tg.optim, name)(op, **kw)
    rng = np.random.default_rng(2)
    for step in range(10):
        set_grads(list(zip(tp, op)), grads(step, rng))
        t_opt.step()
        o_opt.step()
        assert_params_equal(tp, op, f"step {step}")
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())


# -- groups, add_param_group, state dicts across the libraries ---------------------------------
BASE: dict[str, dict[str, Any]] = {
    "SGD": {"lr": 0.1, "momentum": 0.9}, "Adam": {"lr": 0.01, "amsgrad": True},
    "AdamW": {"lr": 0.01}, "Adamax": {"lr": 0.01}, "NAdam": {"lr": 0.01}, "RAdam": {"lr": 0.01},
    "RMSprop": {"lr": 0.01, "momentum": 0.5, "centered": True}, "Rprop": {"lr": 0.01},
    "ASGD": {"lr": 0.01, "t0": 2}, "Adagrad": {"lr": 0.1, "lr_decay": 0.1},
    "Adadelta": {"lr": 1.0},
}
GROUP2: dict[str, dict[str, Any]] = {
    "SGD": {"lr": 0.05, "nesterov": True, "momentum": 0.5},
    "Adam": {"betas": (0.5, 0.6), "weight_decay": 0.2, "amsgrad": False},
    "AdamW": {"weight_decay": 0.3, "maximize": True},
    "Adamax": {"eps": 1e-3, "weight_decay": 0.1}, "NAdam": {"momentum_decay": 0.2},
    "RAdam": {"decoupled_weight_decay": True, "weight_decay": 0.1},
    "RMSprop": {"alpha": 0.3, "centered": False, "momentum": 0}, "Rprop": {"etas": (0.2, 1.5)},
    "ASGD": {"lambd": 0.1, "weight_decay": 0.1},
    "Adagrad": {"initial_accumulator_value": 1.0},  # torch ignores a group's own value
    "Adadelta": {"rho": 0.3},
}
NAMES = list(BASE)


def two_group_optimizers(name: str, seed: int = 3) -> tuple[Any, Any, list[Any], list[Any]]:
    tp, op = make_params(torch, seed), make_params(tg, seed)
    made = [getattr(lib.optim, name)([{"params": p[:2]}, {"params": p[2:], **GROUP2[name]}],
                                     **BASE[name]) for lib, p in ((torch, tp), (tg, op))]
    return made[0], made[1], tp, op


@pytest.mark.parametrize("name", NAMES)
def test_groups_with_their_own_options_match_torch(name: str) -> None:
    t_opt, o_opt, tp, op = two_group_optimizers(name)
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())
    rng = np.random.default_rng(5)
    for step in range(10):
        set_grads(list(zip(tp, op)), grads(step, rng))
        t_opt.step()
        o_opt.step()
        assert_params_equal(tp, op, f"step {step}")
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())


@pytest.mark.parametrize("name", NAMES)
def test_add_param_group_mid_run_matches_torch(name: str) -> None:
    tp, op = make_params(torch, 3), make_params(tg, 3)
    t_opt = getattr(torch.optim, name)(tp[:2], **BASE[name])
    o_opt = getattr(tg.optim, name)(op[:2], **BASE[name])
    rng = np.random.default_rng(6)
    for step in range(10):
        if step == 4:
            t_opt.add_param_group({"params": [tp[2]], **GROUP2[name]})
            o_opt.add_param_group({"params": [op[2]], **GROUP2[name]})
            assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())
        gs = grads(step, rng)
        set_grads(list(zip(tp, op)), gs if step >= 4 else [gs[0], gs[1], None])
        t_opt.step()
        o_opt.step()
        assert_params_equal(tp, op, f"step {step}")
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())


@pytest.mark.parametrize("direction", ["torch-to-ours", "ours-to-torch"])
@pytest.mark.parametrize("name", NAMES)
def test_state_dict_loads_across_the_libraries(name: str, direction: str) -> None:
    """5 steps in both; fresh optimisers (other hyper-parameters) load one library's state
    dict; the next 5 steps of both agree."""
    t_opt, o_opt, tp, op = two_group_optimizers(name)
    rng = np.random.default_rng(7)
    for step in range(5):
        set_grads(list(zip(tp, op)), grads(step, rng))
        t_opt.step()
        o_opt.step()
    tp2 = [p.detach().clone().requires_grad_() for p in tp]
    op2 = [tg.tensor(p.detach().numpy().copy(), requires_grad=True) for p in op]
    t2 = getattr(torch.optim, name)([{"params": tp2[:2]}, {"params": tp2[2:]}], lr=0.5)
    o2 = getattr(tg.optim, name)([{"params": op2[:2]}, {"params": op2[2:]}], lr=0.5)
    if direction == "torch-to-ours":
        o2.load_state_dict(t_opt.state_dict())
        t2.load_state_dict(t_opt.state_dict())
    else:
        t2.load_state_dict(to_torch_state_dict(o_opt.state_dict()))
        o2.load_state_dict(o_opt.state_dict())
    assert_same_state_dict(o2.state_dict(), t2.state_dict())
    for step in range(5, 10):
        set_grads(list(zip(tp2, op2)), grads(step, rng))
        t2.step()
        o2.step()
        assert_params_equal(tp2, op2, f"step {step}", tol=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_named_parameters_state_dict_matches_torch(name: str) -> None:
    tp, op = make_params(torch, 3), make_params(tg, 3)
    t_opt = getattr(torch.optim, name)(list(zip("abc", tp)), **BASE[name])
    o_opt = getattr(tg.optim, name)(list(zip("abc", op)), **BASE[name])
    rng = np.random.default_rng(5)
    for step in range(4):
        set_grads(list(zip(tp, op)), grads(step, rng))
        t_opt.step()
        o_opt.step()
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())
    o_again = getattr(tg.optim, name)(list(zip("abc", op)), **BASE[name])
    o_again.load_state_dict(t_opt.state_dict())
    assert_same_state_dict(o_again.state_dict(), t_opt.state_dict())


@pytest.mark.parametrize("name", NAMES)
def test_state_before_the_first_step_matches_torch(name: str) -> None:
    """opt.state[p] of a parameter not yet updated is {} (a defaultdict), except Adagrad's,
    made at construction; the state_dict then lists what torch's lists."""
    tp, op = make_params(torch, 3), make_params(tg, 3)
    t_opt = getattr(torch.optim, name)(tp, **BASE[name])
    o_opt = getattr(tg.optim, name)(op, **BASE[name])
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())
    assert sorted(o_opt.state[op[0]]) == sorted(t_opt.state[tp[0]])
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())


@pytest.mark.parametrize("set_to_none", [True, False])
@pytest.mark.parametrize("name", NAMES)
def test_zero_grad_then_step_matches_torch(name: str, set_to_none: bool) -> None:
    tp, op = make_params(torch, 3), make_params(tg, 3)
    t_opt = getattr(torch.optim, name)(tp, **BASE[name])
    o_opt = getattr(tg.optim, name)(op, **BASE[name])
    set_grads(list(zip(tp, op)), [np.ones(s) for s in SHAPES])
    t_opt.step()
    o_opt.step()
    t_opt.zero_grad(set_to_none=set_to_none)
    o_opt.zero_grad(set_to_none=set_to_none)
    for t, o in zip(tp, op):
        assert (o.grad is None) == (t.grad is None)
        if t.grad is not None:
            np.testing.assert_array_equal(as_array(o.grad), as_array(t.grad))
    t_opt.step()  # without gradients (skipped) or with zero ones (a step of the state)
    o_opt.step()
    assert_params_equal(tp, op, "after zero_grad")
    assert_same_state_dict(o_opt.state_dict(), t_opt.state_dict())


@pytest.mark.parametrize("name", NAMES)
def test_step_returns_the_closures_loss(name: str) -> None:
    tp, op = make_params(torch, 3), make_params(tg, 3)
    t_opt = getattr(torch.optim, name)(tp, **BASE[name])
    o_opt = getattr(tg.optim, name)(op, **BASE[name])

    def closure(opt: Any, ps: list[Any]) -> Callable[[], Any]:
        def run() -> Any:
            opt.zero_grad()
            loss = (ps[0] ** 2).sum() + (ps[1] ** 2).sum() + (ps[2] ** 2).sum()
            loss.backward()
            return loss
        return run

    for step in range(3):
        lt, lo = t_opt.step(closure(t_opt, tp)), o_opt.step(closure(o_opt, op))
        assert lo.item() == pytest.approx(lt.item(), rel=1e-12)
        assert_params_equal(tp, op, f"step {step}")
    assert o_opt.step() is None and t_opt.step() is None


# -- invalid arguments -------------------------------------------------------------------------
def _bad_arguments() -> list[tuple[str, dict[str, Any]]]:
    nan = float("nan")
    eps = {"Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta"}
    betas = {"Adam", "AdamW", "Adamax", "NAdam", "RAdam"}
    out: list[tuple[str, dict[str, Any]]] = []
    for n in NAMES:
        out += [(n, {"lr": -0.1}), (n, {"lr": "a"}), (n, {"lr": None}), (n, {"lr": True})]
        if n != "SGD":  # (torch's SGD takes a NaN lr and weight decay; ours refuses them)
            out += [(n, {"lr": nan})]
        if n != "Rprop":
            out += [(n, {"weight_decay": -0.1}), (n, {"weight_decay": "x"})]
            out += [(n, {"weight_decay": nan})] if n != "SGD" else []
        if n in eps:
            out += [(n, {"eps": -1e-8}), (n, {"eps": nan})]
        if n in betas:
            out += [(n, {"betas": b}) for b in
                    [(1.0, 0.9), (0.9, 1.0), (-0.1, 0.9), (0.9, -0.1), (0.9,), 0.9, (nan, 0.9),
                     [0.5, 0.6]]]
        if n in FUSED:
            out += [(n, {"foreach": True, "fused": True})]
    out += [
        ("SGD", {"momentum": -0.1}), ("SGD", {"nesterov": True}), ("SGD", {"dampening": -0.1}),
        ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
        ("RMSprop", {"alpha": -0.1}), ("RMSprop", {"momentum": -0.1}),
        ("Rprop", {"etas": (1.5, 1.2)}), ("Rprop", {"etas": (0.5, 0.9)}),
        ("Rprop", {"etas": (0.0, 1.2)}), ("Rprop", {"etas": (0.5,)}),
        ("Adagrad", {"lr_decay": -0.1}), ("Adagrad", {"initial_accumulator_value": -0.1}),
        ("Adadelta", {"rho": -0.1}), ("Adadelta", {"rho": 1.1}),
        ("NAdam", {"momentum_decay": -0.1}), ("Adam", {"fused": True, "differentiable": True}),
    ]
    return out


BAD_ARGUMENTS = _bad_arguments()


def outcome(call: Callable[[], Any]) -> BaseException | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return e
    return None


def assert_same_outcome(call: Callable[[Any], Any]) -> None:
    """Both succeed, or ours raises an instance of torch's exception class."""
    theirs, ours = outcome(lambda: call(torch)), outcome(lambda: call(tg))
    if theirs is None:
        assert ours is None, f"torch accepts it, ours raised {ours!r}"
    else:
        assert isinstance(ours, type(theirs)), f"torch raised {theirs!r}, ours {ours!r}"


@pytest.mark.parametrize(("name", "kw"), BAD_ARGUMENTS,
                         ids=[f"{n}-{kw}" for n, kw in BAD_ARGUMENTS])
def test_constructor_arguments_raise_torchs_exception_type(name: str, kw: dict[str, Any]) -> None:
    assert_same_outcome(lambda lib: getattr(lib.optim, name)(make_params(lib), **kw))


def _structural(name: str) -> list[tuple[str, Callable[[Any], Any]]]:
    def opt(lib: Any, params: Any, **kw: Any) -> Any:
        return getattr(lib.optim, name)(params, **kw)

    def add(group: Callable[[list[Any]], Any]) -> Callable[[Any], Any]:
        def call(lib: Any) -> None:
            p = make_params(lib)
            opt(lib, p[:2]).add_param_group(group(p))
        return call

    def step_with(grad_shape: tuple[int, ...], **kw: Any) -> Callable[[Any], Any]:
        def call(lib: Any) -> None:
            p = make_params(lib)
            o = opt(lib, p[:1], **kw)
            p[0].grad = lib.ones(*grad_shape, dtype=lib.float64)
            o.step()
        return call

    def load(groups: bool) -> Callable[[Any], Any]:
        def call(lib: Any) -> None:
            p = make_params(lib)
            other = opt(lib, [{"params": p[:1]}, {"params": p[1:2]}] if groups else p[:1])
            other.load_state_dict(opt(lib, p[:2]).state_dict())
        return call

    cases = [
        ("empty-list", lambda lib: opt(lib, [])),
        ("a-single-tensor", lambda lib: opt(lib, make_params(lib)[0])),
        ("two-groups-share", lambda lib: (lambda p: opt(lib, [{"params": p[:2]},
                                                              {"params": p[1:]}]))(
            make_params(lib))),
        ("non-leaf", lambda lib: opt(lib, [make_params(lib)[0] * 2])),
        ("not-tensors", lambda lib: opt(lib, [1.0, 2.0])),
        ("an-int", lambda lib: opt(lib, 5)),
        ("group-without-params", lambda lib: opt(lib, [{"lr": 0.1}])),
        ("empty-group", lambda lib: opt(lib, [{"params": make_params(lib)}, {"params": []}])),
        ("add-overlapping-group", add(lambda p: {"params": p[1:]})),
        ("add-a-non-dict", add(lambda p: p[2:])),
        ("add-a-tensor-as-params", add(lambda p: {"params": p[2]})),
        ("add-a-set-as-params", add(lambda p: {"params": set(p[2:])})),
        ("add-an-empty-group", add(lambda p: {"params": []})),
        ("grad-of-another-shape", step_with((4, 3))),
        ("differentiable-step", step_with((3, 4), differentiable=True)),
        ("load-other-group-count", load(groups=True)),
        ("load-other-group-size", load(groups=False)),
        ("load-without-param_groups", lambda lib: opt(lib, make_params(lib)).load_state_dict(
            {"state": {}})),
        ("unknown-keyword", lambda lib: opt(lib, make_params(lib), bogus=1)),
    ]
    if name not in ("SGD", "Adagrad"):
        cases.append(("capturable-step", step_with((3, 4), capturable=True)))
    return cases


STRUCTURAL = [(n, label, call) for n in NAMES for label, call in _structural(n)]


@pytest.mark.parametrize(("name", "label", "call"), STRUCTURAL,
                         ids=[f"{n}-{label}" for n, label, _ in STRUCTURAL])
def test_structural_mistakes_raise_torchs_exception_type(
        name: str, label: str, call: Callable[[Any], Any]) -> None:
    assert_same_outcome(call)


@pytest.mark.parametrize("kw", [{"line_search_fn": "bogus"}, {"lr": -1.0}, {"lr": "a"}],
                         ids=["line_search_fn", "negative-lr", "str-lr"])
def test_lbfgs_arguments_raise_torchs_exception_type(kw: dict[str, Any]) -> None:
    def call(lib: Any) -> None:
        p = make_params(lib)[:1]
        opt = lib.optim.LBFGS(p, **kw)

        def closure() -> Any:
            opt.zero_grad()
            loss = (p[0] ** 2).sum()
            loss.backward()
            return loss

        opt.step(closure)

    assert_same_outcome(call)


# -- schedulers --------------------------------------------------------------------------------
def make_opt(lib: Any, kind: str) -> Any:
    groups = [{"params": [lib.zeros(2, dtype=lib.float64, requires_grad=True)], "lr": lr}
              for lr in (0.1, 0.05)]
    if kind == "sgd":
        return lib.optim.SGD(groups, momentum=0.9)
    if kind == "sgd0":
        return lib.optim.SGD(groups)
    if kind == "adam":
        return lib.optim.Adam(groups)
    return lib.optim.RMSprop(groups, momentum=0.5)


def snapshot(opt: Any, sched: Any) -> list[float]:
    out = [float(x) for x in sched.get_last_lr()] + [float(sched.last_epoch)]
    for g in opt.param_groups:
        out.append(g["lr"])
        out += [g["momentum"]] if "momentum" in g else list(g["betas"])
    return out


MakeSched = Callable[[Any, Any], Any]


def run_schedule(lib: Any, make: MakeSched, kind: str, inputs: list[Any] | None,
                 steps: int = 30) -> tuple[list[list[float]], list[str], int]:
    opt = make_opt(lib, kind)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched = make(lib.optim.lr_scheduler, opt)
        rows = [snapshot(opt, sched)]
        for i in range(steps):
            opt.step()
            sched.step() if inputs is None else sched.step(inputs[i])
            rows.append(snapshot(opt, sched))
    return rows, sorted(sched.state_dict()), len(caught)


def _schedule_cases() -> list[tuple[str, MakeSched, str, list[Any] | None]]:
    cases: list[tuple[str, MakeSched, str, list[Any] | None]] = []
    for mode in ("triangular", "triangular2", "exp_range"):
        for kind in ("sgd", "adam", "rmsprop"):
            cases.append((f"Cyclic-{mode}-{kind}", lambda L, o, m=mode: L.CyclicLR(
                o, 0.01, 0.1, step_size_up=4, mode=m, gamma=0.9), kind, None))
        cases.append((f"Cyclic-{mode}-lists", lambda L, o, m=mode: L.CyclicLR(
            o, [0.01, 0.02], [0.1, 0.2], 3, 5, mode=m, gamma=0.95, base_momentum=[0.7, 0.75],
            max_momentum=0.95), "sgd", None))
    for strategy in ("cos", "linear"):
        for three in (False, True):
            for kind in ("sgd", "adam", "rmsprop"):
                cases.append((f"OneCycle-{strategy}-3phase={three}-{kind}",
                              lambda L, o, s=strategy, t=three: L.OneCycleLR(
                                  o, 0.1, total_steps=31, anneal_strategy=s, three_phase=t),
                              kind, None))
    cases += [
        ("OneCycle-epochs", lambda L, o: L.OneCycleLR(
            o, [0.1, 0.2], epochs=3, steps_per_epoch=11, pct_start=0.4, div_factor=10,
            final_div_factor=100), "sgd", None),
        ("OneCycle-momentum-lists", lambda L, o: L.OneCycleLR(
            o, 0.1, total_steps=31, base_momentum=[0.8, 0.7], max_momentum=[0.9, 0.95]), "sgd",
         None),
        ("OneCycle-pct0", lambda L, o: L.OneCycleLR(o, 0.1, total_steps=31, pct_start=0.0),
         "sgd", None),
    ]
    metrics = {
        "flat": [1.0] * 30,
        "down-then-flat": [1.0 / (i + 1) for i in range(8)] + [0.125] * 22,
        "tiny-gains": [1.0 - 1e-5 * i for i in range(30)],
        "up": [0.1 * i for i in range(30)],
    }
    options: list[dict[str, Any]] = [
        {"patience": 2, "cooldown": 2},
        {"patience": 0, "factor": 0.5, "min_lr": [0.05, 0.001]},
        {"patience": 1, "threshold": 0.1, "eps": 1e-3, "min_lr": 0.02},
    ]
    for label, values in metrics.items():
        for mode in ("min", "max"):
            for threshold_mode in ("rel", "abs"):
                for i, kw in enumerate(options):
                    cases.append((f"Plateau-{label}-{mode}-{threshold_mode}-{i}",
                                  lambda L, o, m=mode, t=threshold_mode, k=kw:
                                  L.ReduceLROnPlateau(o, mode=m, threshold_mode=t, **k),
                                  "sgd", values))
    cases += [
        ("CAWR-fractional-epochs", lambda L, o: L.CosineAnnealingWarmRestarts(o, 3, 2, 0.01),
         "sgd", [0.5 * i for i in range(1, 31)]),
        ("CAWR-fractional-epochs-T1", lambda L, o: L.CosineAnnealingWarmRestarts(o, 5), "sgd",
         [0.1 + 0.37 * i for i in range(30)]),
        ("CAWR-jumping-epochs", lambda L, o: L.CosineAnnealingWarmRestarts(o, 4, 3), "sgd",
         [i * 2 % 17 for i in range(30)]),
    ]
    jumps = [(i * 3) % 13 for i in range(30)]
    for label, make in [
        ("StepLR", lambda L, o: L.StepLR(o, 3, 0.5)),
        ("MultiStepLR", lambda L, o: L.MultiStepLR(o, [2, 5], 0.3)),
        ("ExponentialLR", lambda L, o: L.ExponentialLR(o, 0.9)),
        ("CosineAnnealingLR", lambda L, o: L.CosineAnnealingLR(o, 10)),
        ("LinearLR", lambda L, o: L.LinearLR(o, 0.2, 0.9, 7)),
        ("ConstantLR", lambda L, o: L.ConstantLR(o, 0.5, 4)),
        ("PolynomialLR", lambda L, o: L.PolynomialLR(o, 10, 2.0)),
        ("MultiplicativeLR", lambda L, o: L.MultiplicativeLR(o, lambda e: 0.9)),
        ("CyclicLR", lambda L, o: L.CyclicLR(o, 0.01, 0.1, 3)),
    ]:
        cases.append((f"{label}-step(epoch)", make, "sgd", jumps))
    return cases


SCHEDULES = _schedule_cases()


@pytest.mark.parametrize(("label", "make", "kind", "inputs"), SCHEDULES,
                         ids=[c[0] for c in SCHEDULES])
def test_schedule_matches_torch(label: str, make: MakeSched, kind: str,
                                inputs: list[Any] | None) -> None:
    """get_last_lr(), last_epoch and each group's lr and momentum (or betas) after each of
    30 steps; the state_dict's keys; the number of warnings."""
    theirs, t_keys, t_warned = run_schedule(torch, make, kind, inputs)
    ours, o_keys, o_warned = run_schedule(tg, make, kind, inputs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15, err_msg=label)
    assert o_keys == t_keys
    assert o_warned == t_warned


@pytest.mark.parametrize("make", [
    lambda L, o: L.CosineAnnealingLR(o, 0),
    lambda L, o: L.StepLR(o, 0),
    lambda L, o: L.StepLR(o, "2"),
    lambda L, o: L.CosineAnnealingWarmRestarts(o, 0),
    lambda L, o: L.CosineAnnealingWarmRestarts(o, 2, 0),
], ids=["cosine-T_max-0", "step-size-0", "step-size-str", "restarts-T_0-0", "restarts-T_mult-0"])
def test_schedule_periods_raise_torchs_exception_type(make: MakeSched) -> None:
    """Where torch fails by dividing by the period (ZeroDivisionError) or computing with a
    string (TypeError), at construction or at the next steps, ours raises that type."""
    def call(lib: Any) -> None:
        opt = make_opt(lib, "sgd")
        sched = make(lib.optim.lr_scheduler, opt)
        for _ in range(3):
            opt.step()
            sched.step()

    assert_same_outcome(call)


# -- hooks -------------------------------------------------------------------------------------
def hook_events(lib: Any, name: str, variant: str) -> list[tuple[Any, ...]]:
    """What the step, state_dict and load_state_dict hooks see, in order."""
    params = make_params(lib)
    opt = getattr(lib.optim, name)(params, lr=0.1)
    log: list[tuple[Any, ...]] = []

    def closure() -> Any:
        opt.zero_grad()
        loss = (params[0] ** 2).sum() + (params[1] ** 2).sum() + (params[2] ** 2).sum()
        loss.backward()
        return loss

    def sd_post(o: Any, sd: dict[str, Any]) -> None:
        log.append(("sd-post", sorted(sd)))
        sd["extra"] = 1

    def load_pre(o: Any, sd: dict[str, Any]) -> None:
        log.append(("load-pre", sorted(sd)))
        sd.pop("extra")
        sd.pop("replaced")

    module = importlib.import_module(f"{lib.__name__}.optim.optimizer")
    handles = [
        opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", len(a), sorted(k)))),
        opt.register_step_post_hook(lambda o, a, k: log.append(("post", len(a), sorted(k)))),
        module.register_optimizer_step_pre_hook(lambda o, a, k: log.append(("global-pre",))),
        module.register_optimizer_step_post_hook(lambda o, a, k: log.append(("global-post",))),
        opt.register_state_dict_pre_hook(lambda o: log.append(("sd-pre",))),
        opt.register_state_dict_pre_hook(lambda o: log.append(("sd-pre-first",)), prepend=True),
        opt.register_state_dict_post_hook(sd_post),
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "replaced": True}),
        opt.register_load_state_dict_pre_hook(load_pre),
        opt.register_load_state_dict_post_hook(lambda o: log.append(("load-post",))),
    ]
    try:
        if variant == "new-args":
            handles.append(opt.register_step_pre_hook(lambda o, a, k: ((a[0], closure), {})))
            log.append(("loss", round(float(opt.step()), 9)))
        elif variant == "bad-return":
            handles.append(opt.register_step_pre_hook(lambda o, a, k: 5))
            opt.step(closure)
        else:
            opt.step(closure)
            opt.step(closure=closure)
            sd = opt.state_dict()
            log.append(("keys", sorted(sd)))
            opt.load_state_dict(sd)
            for h in handles[:4]:
                h.remove()
            opt.step(closure)
            log.append(("removed",))
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        log.append(("raised", type(e).__name__))
    finally:
        for h in handles:
            h.remove()
    return log


@pytest.mark.parametrize("variant", ["plain", "new-args", "bad-return"])
@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad", "LBFGS"])
def test_hooks_see_what_torchs_see(name: str, variant: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (LBFGS's float(loss) of a tensor needing grad)
        assert hook_events(tg, name, variant) == hook_events(torch, name, variant)


@pytest.mark.parametrize("name", [*NAMES, "LBFGS"])
def test_public_methods_exist_as_in_torch(name: str) -> None:
    theirs = {n for n in dir(getattr(torch.optim, name)) if not n.startswith("_")}
    ours = {n for n in dir(getattr(tg.optim, name)) if not n.startswith("_")}
    assert theirs <= ours, sorted(theirs - ours)


@pytest.mark.parametrize("lib", [torch, tg], ids=["torch", "ours"])
def test_hooks_are_not_copied(lib: Any) -> None:
    """A deep copy starts without the original's hooks (torch's __getstate__ drops them)."""
    params = make_params(lib)
    opt = lib.optim.SGD(params, lr=0.1)
    seen: list[int] = []
    opt.register_step_post_hook(lambda o, a, k: seen.append(1))
    clone = copy.deepcopy(opt)
    for p in params:
        p.grad = lib.ones_like(p)
    clone.step()
    opt.step()
    assert seen == [1]


# -- complex parameters ------------------------------------------------------------------------
COMPLEX_SHAPES: list[tuple[int, ...]] = [(3, 2), (4,), ()]
COMPLEX_CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1, "nesterov": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("Rprop", {"lr": 0.01}),
    ("ASGD", {"lr": 0.01, "t0": 2}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("Adadelta", {"lr": 1.0, "weight_decay": 0.1}),
]


@pytest.mark.parametrize(("name", "kw"), COMPLEX_CASES,
                         ids=[f"{n}-{kw}" for n, kw in COMPLEX_CASES])
def test_complex_parameters_update_per_component_as_torch(name: str, kw: dict[str, Any]) -> None:
    """torch updates a complex parameter through view_as_real (each of re, im on its own);
    its state stays complex, shaped like the parameter."""
    rng = np.random.default_rng(1)
    start = [rng.standard_normal(s) + 1j * rng.standard_normal(s) for s in COMPLEX_SHAPES]
    tp = [torch.tensor(a, requires_grad=True) for a in start]
    op = [tg.tensor(a.copy(), requires_grad=True) for a in start]
    t_opt, o_opt = getattr(torch.optim, name)(tp, **kw), getattr(tg.optim, name)(op, **kw)
    for step in range(6):
        for i, (t, o) in enumerate(zip(tp, op)):
            g = rng.standard_normal(COMPLEX_SHAPES[i]) + 1j * rng.standard_normal(
                COMPLEX_SHAPES[i])
            t.grad = None if i == 2 and step == 2 else torch.tensor(g)
            o.grad = None if i == 2 and step == 2 else tg.tensor(g.copy())
        t_opt.step()
        o_opt.step()
        assert_params_equal(tp, op, f"step {step}")
    theirs, ours = t_opt.state_dict()["state"], o_opt.state_dict()["state"]
    for k, st in theirs.items():
        for key, value in st.items():
            if key != "step" and value.dim() > 0:
                assert ours[k][key].dtype == value.numpy().dtype, f"state[{k}][{key!r}]"
                np.testing.assert_allclose(ours[k][key], value.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_with_a_complex_parameter_follows_torch(line_search_fn: str | None) -> None:
    """LBFGS flattens a complex gradient as its (re, im) pairs, as torch's view_as_real."""
    out = []
    for lib in (torch, tg):
        p = lib.tensor(np.array([1 + 1j, 2 - 1j, 0.5j]), requires_grad=True)
        w = lib.tensor(np.array([0.3, -0.2]), requires_grad=True)
        opt = lib.optim.LBFGS([p, w], lr=0.5, line_search_fn=line_search_fn, history_size=3,
                              max_iter=8)

        def closure(opt: Any = opt, p: Any = p, w: Any = w) -> Any:
            opt.zero_grad()
            loss = ((p.abs() ** 2).sum() + 0.1 * (p.abs() ** 4).sum() + (w ** 4).sum()
                    + (w * p.abs()[:2]).sum())
            loss.backward()
            return loss

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(3):
                opt.step(closure)
        out.append([as_array(p), as_array(w), as_array(opt.state[p]["d"])])
    for ours, theirs in zip(out[1], out[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)
