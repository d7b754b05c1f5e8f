"""``opt.state[p]['step']`` against PyTorch: a 0-d tensor of the scalar dtype (float32;
float64 under a float64 default dtype; float32 for ``fused``), not requiring grad, counting
the steps in place; in ``state_dict()``; loaded from PyTorch's state dicts (Tensor steps keep
their dtype, numbers from older checkpoints become counters) and through ``tinygrad_nn.save``.

Each case runs the same gradients through both libraries on two parameters (both float64, so
the multi-tensor path runs, or float32 and float64, so the per-parameter one does).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import optim

torch = pytest.importorskip("torch")

# every optimiser that keeps a step in PyTorch, with hyper-parameters that use it
STEPPED: dict[str, dict[str, Any]] = {
    "Adam": {"lr": 0.01, "amsgrad": True},
    "AdamW": {"lr": 0.01},
    "Adamax": {"lr": 0.01},
    "NAdam": {"lr": 0.01, "momentum_decay": 0.1},
    "RAdam": {"lr": 0.01},
    "ASGD": {"lr": 0.1, "t0": 2, "lambd": 0.1},
    "Adagrad": {"lr": 0.1, "lr_decay": 0.1},
    "Adadelta": {"lr": 0.5},
    "RMSprop": {"lr": 0.01, "momentum": 0.5},
    "Rprop": {"lr": 0.01},
}
FUSED = ("Adam", "AdamW", "Adagrad")
SHAPES = [(3, 2), (4,)]


def dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.") if isinstance(t, torch.Tensor) else t.dtype.name


@pytest.fixture(params=["float32", "float64"])
def default_dtype(request: pytest.FixtureRequest) -> Iterator[str]:
    """Both libraries' default dtype set to the parameter, and restored."""
    t_old, o_old = torch.get_default_dtype(), tg.get_default_dtype()
    torch.set_default_dtype(getattr(torch, request.param))
    tg.set_default_dtype(getattr(tg, request.param))
    yield request.param
    torch.set_default_dtype(t_old)
    tg.set_default_dtype(o_old)


def make_pair(dtypes: tuple[str, ...] = ("float64", "float64"), seed: int = 0
              ) -> tuple[list[Any], list[Any]]:
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(d) for s, d in zip(SHAPES, dtypes)]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours = [tg.tensor(a.copy(), requires_grad=True) for a in arrays]
    return theirs, ours


def run_steps(t_opt: Any, o_opt: Any, tp: list[Any], op: list[Any], k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(k):
        for t, o in zip(tp, op):
            g = rng.standard_normal(tuple(t.shape)).astype(dtype_name(t))
            t.grad = torch.tensor(g)
            o.grad = tg.tensor(g.copy())
        t_opt.step()
        o_opt.step()


def assert_same_step(ours: Any, theirs: Any, where: str) -> None:
    """Both Tensors; same dtype, shape, value, requires_grad; ``.item()`` the same number."""
    assert isinstance(theirs, torch.Tensor)
    assert isinstance(ours, tg.Tensor), f"{where}: a {type(ours).__name__}, torch's a Tensor"
    assert dtype_name(ours) == dtype_name(theirs), f"{where}: {ours.dtype} vs {theirs.dtype}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{where}: shape {tuple(ours.shape)}"
    assert ours.requires_grad is theirs.requires_grad is False, where
    got, want = ours.item(), theirs.item()
    assert type(got) is type(want) and got == want, f"{where}: {got!r} vs {want!r}"
    assert int(ours) == int(theirs) and float(ours) == float(theirs), where


def assert_same_params(tp: list[Any], op: list[Any], where: str) -> None:
    """Agreement to rounding (the libraries order a few operations differently)."""
    for i, (t, o) in enumerate(zip(tp, op)):
        tol = 1e-12 if t.dtype == torch.float64 else 1e-6
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol,
                                   err_msg=f"{where}: parameter {i}")


def to_ours(sd: dict[str, Any]) -> dict[str, Any]:
    """A PyTorch state dict with every tensor a tinygrad_nn tensor of the same dtype."""
    state = {k: {key: tg.tensor(v.detach().numpy().copy()) if isinstance(v, torch.Tensor)
                 else v for key, v in st.items()} for k, st in sd["state"].items()}
    return {"state": state, "param_groups": copy.deepcopy(sd["param_groups"])}


@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("float32", "float64")],
                         ids=["multi-tensor", "per-parameter"])
@pytest.mark.parametrize("name", list(STEPPED))
def test_step_is_a_scalar_tensor_like_torchs(name: str, dtypes: tuple[str, ...],
                                             default_dtype: str) -> None:
    tp, op = make_pair(dtypes)
    t_opt = getattr(torch.optim, name)(tp, **STEPPED[name])
    o_opt = getattr(optim, name)(op, **STEPPED[name])
    for k in (1, 3):
        run_steps(t_opt, o_opt, tp, op, k, seed=k)
        for i, (t, o) in enumerate(zip(tp, op)):
            assert_same_step(o_opt.state[o]["step"], t_opt.state[t]["step"],
                             f"{name} after more steps: param {i}")
        assert_same_params(tp, op, name)
    # each parameter has its own counter, in both
    assert (o_opt.state[op[0]]["step"] is o_opt.state[op[1]]["step"]) is (
        t_opt.state[tp[0]]["step"] is t_opt.state[tp[1]]["step"])
    assert_same_step(o_opt.state_dict()["state"][0]["step"],
                     t_opt.state_dict()["state"][0]["step"], f"{name} state_dict")


def test_adagrad_has_a_step_before_the_first_update(default_dtype: str) -> None:
    tp, op = make_pair()
    t_opt, o_opt = torch.optim.Adagrad(tp), optim.Adagrad(op)
    assert_same_step(o_opt.state[op[0]]["step"], t_opt.state[tp[0]]["step"], "Adagrad init")
    assert_same_step(o_opt.state_dict()["state"][1]["step"],
                     t_opt.state_dict()["state"][1]["step"], "Adagrad init state_dict")


@pytest.mark.parametrize("name", FUSED)
def test_fused_steps_are_float32(name: str, default_dtype: str) -> None:
    tp, op = make_pair()
    t_opt = getattr(torch.optim, name)(tp, lr=0.01, fused=True)
    o_opt = getattr(optim, name)(op, lr=0.01, fused=True)
    run_steps(t_opt, o_opt, tp, op, 2, seed=1)
    assert_same_step(o_opt.state[op[1]]["step"], t_opt.state[tp[1]]["step"], f"{name} fused")
    # a float64 step loaded into a fused optimiser becomes float32 in both
    sd = t_opt.state_dict()
    sd["state"][0]["step"] = torch.tensor(5.0, dtype=torch.float64)
    t_opt.load_state_dict(sd)
    o_opt.load_state_dict(to_ours(sd))
    assert_same_step(o_opt.state[op[0]]["step"], t_opt.state[tp[0]]["step"], f"{name} loaded")


@pytest.mark.parametrize("name", list(STEPPED))
def test_loading_torchs_state_dict_continues_the_same(name: str, default_dtype: str) -> None:
    tp, op = make_pair()
    t_opt = getattr(torch.optim, name)(tp, **STEPPED[name])
    o_opt = getattr(optim, name)(op, **STEPPED[name])
    run_steps(t_opt, o_opt, tp, op, 3, seed=1)
    sd = t_opt.state_dict()
    # fresh optimisers on copies of the parameters, each loading PyTorch's state dict
    tp2, op2 = make_pair()
    for t, o, t_src in zip(tp2, op2, tp):
        with torch.no_grad():
            t.copy_(t_src)
        o.data = tg.tensor(t_src.detach().numpy().copy())
    t_opt2 = getattr(torch.optim, name)(tp2, **STEPPED[name])
    o_opt2 = getattr(optim, name)(op2, **STEPPED[name])
    t_opt2.load_state_dict(copy.deepcopy(sd))
    o_opt2.load_state_dict(to_ours(sd))
    assert_same_step(o_opt2.state[op2[0]]["step"], t_opt2.state[tp2[0]]["step"], "loaded")
    run_steps(t_opt2, o_opt2, tp2, op2, 3, seed=2)
    assert_same_params(tp2, op2, f"{name} resumed")
    for i, (t, o) in enumerate(zip(tp2, op2)):
        assert_same_step(o_opt2.state[o]["step"], t_opt2.state[t]["step"], f"resumed {i}")
        # every other scalar (NAdam's mu_product, ASGD's eta and mu) has PyTorch's dtype: the
        # parameter's, which load_state_dict casts it to and the steps keep
        for key, value in t_opt2.state[t].items():
            if key != "step" and value.ndim == 0:
                assert str(np.asarray(o_opt2.state[o][key]).dtype) == str(value.dtype)[6:], key


@pytest.mark.parametrize("step", [4, 4.0, "float64", "int64", "shape (1,)"])
@pytest.mark.parametrize("name", ["Adam", "NAdam", "Adagrad"])
def test_loaded_step_kinds_follow_torch(name: str, step: Any) -> None:
    """A number (an older checkpoint's) becomes a counter of the scalar dtype; a Tensor keeps
    its dtype and shape; counting and the bias corrections go on from it in both."""
    tp, op = make_pair()
    t_opt = getattr(torch.optim, name)(tp, lr=0.01)
    o_opt = getattr(optim, name)(op, lr=0.01)
    run_steps(t_opt, o_opt, tp, op, 1, seed=1)
    sd = t_opt.state_dict()
    if isinstance(step, str):
        shape, dtype = ((1,), "float32") if step == "shape (1,)" else ((), step)
        t_step = torch.full(shape, 4, dtype=getattr(torch, dtype))
        o_step: Any = tg.tensor(np.full(shape, 4, dtype=dtype))
    else:
        t_step = o_step = step
    ours = to_ours(sd)
    for k in (0, 1):
        sd["state"][k]["step"] = t_step.clone() if isinstance(t_step, torch.Tensor) else t_step
        ours["state"][k]["step"] = o_step
    t_opt.load_state_dict(sd)
    o_opt.load_state_dict(ours)
    assert_same_step(o_opt.state[op[0]]["step"], t_opt.state[tp[0]]["step"], "loaded")
    run_steps(t_opt, o_opt, tp, op, 2, seed=2)
    assert_same_step(o_opt.state[op[1]]["step"], t_opt.state[tp[1]]["step"], "continued")
    assert_same_params(tp, op, f"{name} from step {step!r}")
    if isinstance(o_step, tg.Tensor):  # the caller's tensor is not counted on
        assert o_step.item() == 4


def test_counting_is_in_place_and_stops_where_float32_does() -> None:
    """A reference to the counter sees later steps; user code may add to it; float32 stops
    counting at 2**24, as PyTorch's."""
    tp, op = make_pair()
    t_opt, o_opt = torch.optim.Adam(tp, lr=0.01), optim.Adam(op, lr=0.01)
    run_steps(t_opt, o_opt, tp, op, 1, seed=1)
    t_held, o_held = t_opt.state[tp[0]]["step"], o_opt.state[op[0]]["step"]
    run_steps(t_opt, o_opt, tp, op, 2, seed=2)
    assert_same_step(o_held, t_held, "held reference")
    for t, o in zip(tp, op):  # user code counting on the state, PyTorch style
        t_opt.state[t]["step"] += 10
        o_opt.state[o]["step"] += 10
    run_steps(t_opt, o_opt, tp, op, 1, seed=3)
    assert_same_step(o_opt.state[op[1]]["step"], t_opt.state[tp[1]]["step"], "after += 10")
    assert_same_params(tp, op, "after += 10")
    for t, o in zip(tp, op):
        t_opt.state[t]["step"].fill_(2.0**24)
        o_opt.state[o]["step"].fill_(2.0**24)
    run_steps(t_opt, o_opt, tp, op, 1, seed=4)
    assert_same_step(o_opt.state[op[0]]["step"], t_opt.state[tp[0]]["step"], "at 2**24")


@pytest.mark.parametrize("name", ["Adam", "ASGD", "NAdam"])
def test_checkpoint_file_keeps_the_step_tensor(name: str, tmp_path: Any,
                                               default_dtype: str) -> None:
    tp, op = make_pair()
    t_opt = getattr(torch.optim, name)(tp, **STEPPED[name])
    o_opt = getattr(optim, name)(op, **STEPPED[name])
    run_steps(t_opt, o_opt, tp, op, 3, seed=1)
    path = tmp_path / "opt.h5"
    tg.save(o_opt.state_dict(), path)
    loaded = tg.load(path)
    assert_same_step(loaded["state"][0]["step"], t_opt.state_dict()["state"][0]["step"],
                     "saved and loaded")
    o_opt.load_state_dict(loaded)
    # PyTorch resumed the same way: its state dict loaded back (loading casts NAdam's
    # mu_product and ASGD's eta, mu to the parameters' dtype, in both libraries)
    t_opt.load_state_dict(copy.deepcopy(t_opt.state_dict()))
    run_steps(t_opt, o_opt, tp, op, 2, seed=2)
    assert_same_step(o_opt.state[op[1]]["step"], t_opt.state[tp[1]]["step"], "resumed")
    assert_same_params(tp, op, f"{name} resumed from a file")


def test_state_dict_step_is_the_live_counter() -> None:
    """As PyTorch's, state_dict() holds the live state: the counter in a state dict kept
    moves with later steps (a deepcopy does not)."""
    tp, op = make_pair()
    t_opt, o_opt = torch.optim.RMSprop(tp), optim.RMSprop(op)
    run_steps(t_opt, o_opt, tp, op, 2, seed=1)
    t_sd, o_sd = t_opt.state_dict(), o_opt.state_dict()
    t_kept, o_kept = copy.deepcopy(t_sd), copy.deepcopy(o_sd)
    run_steps(t_opt, o_opt, tp, op, 1, seed=2)
    assert o_sd["state"][0]["step"].item() == t_sd["state"][0]["step"].item() == 3
    assert o_kept["state"][0]["step"].item() == t_kept["state"][0]["step"].item() == 2
