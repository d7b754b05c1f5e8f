"""Optimiser state as PyTorch keeps it: Tensors, updated in place, and ``state_dict`` holding them.

``opt.state[p]['exp_avg']`` (and every state entry shaped like a parameter) is a Tensor that
stays the same object across steps and shows each step's update; a write into it changes the
next update; ``opt.state_dict()['state'][i]`` is ``opt.state[p]`` itself, so later steps show in
it; ``load_state_dict`` makes the loaded entries Tensors of their own. Both update paths are
covered: the multi-tensor one (a group of two float64 parameters) and the per-parameter one
(one parameter, a 0-d one, a complex one). The tests that run PyTorch beside it skip without it.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

# (name, constructor options): every optimiser with state shaped like its parameters
CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
    ("Adagrad", dict(lr=0.1)),
    ("Adadelta", dict(lr=0.5)),
    ("ASGD", dict(lr=0.01, t0=1)),
    ("Rprop", dict(lr=0.01)),
]
IDS = [name for name, _ in CASES]
SHAPES = {"group": [(3, 4), (5,)], "one": [(3, 4)], "0-d": [()]}


def make(lib: Any, name: str, opts: dict[str, Any], shapes: list[tuple[int, ...]],
         dtype: Any = None) -> tuple[list[Any], Any]:
    rng = np.random.default_rng(0)
    dtype = lib.float64 if dtype is None else dtype
    ps = [lib.tensor(rng.standard_normal(s), dtype=dtype, requires_grad=True) for s in shapes]
    return ps, getattr(lib.optim, name)(ps, **opts)


def step(lib: Any, ps: list[Any], opt: Any, k: int) -> None:
    rng = np.random.default_rng(100 + k)
    for p in ps:
        g = rng.standard_normal(tuple(p.shape))
        if p.dtype == lib.complex128:
            g = g + 1j * rng.standard_normal(tuple(p.shape))
        p.grad = lib.tensor(g, dtype=p.dtype)
    opt.step()


def shaped_entries(state: dict[str, Any], p: Any) -> dict[str, Any]:
    """The state's tensors shaped like ``p`` (not the step counter, a 0-d tensor of its own;
    nor NAdam's and ASGD's scalars, NumPy scalars here, 0-d tensors in PyTorch)."""
    return {k: v for k, v in state.items()
            if k != "step" and hasattr(v, "requires_grad") and tuple(v.shape) == tuple(p.shape)}


@pytest.mark.parametrize("where", list(SHAPES))
@pytest.mark.parametrize(("name", "opts"), CASES, ids=IDS)
def test_state_entries_are_tensors_that_live_across_steps(name: str, opts: dict[str, Any],
                                                           where: str) -> None:
    ps, opt = make(tg, name, opts, SHAPES[where])
    step(tg, ps, opt, 0)
    held = {i: dict(opt.state[p]) for i, p in enumerate(ps)}
    for p in ps:
        arrays = [k for k, v in opt.state[p].items() if isinstance(v, np.ndarray)]
        assert arrays == [], f"{name}: state entries {arrays} are NumPy arrays, not Tensors"
        assert shaped_entries(opt.state[p], p), f"{name}: no state entry shaped like p"
    for k in range(1, 4):
        before = {i: {key: v.numpy().copy() for key, v in shaped_entries(held[i], p).items()}
                  for i, p in enumerate(ps)}
        step(tg, ps, opt, k)
        for i, p in enumerate(ps):
            moved = []
            for key, old in before[i].items():
                now = opt.state[p][key]
                assert now is held[i][key], f"{name}: state[{key!r}] is a new object"
                assert isinstance(now, tg.Tensor) and not now.requires_grad
                moved.append(not np.array_equal(now.numpy(), old))
            # (the held tensors show the step: AMSGrad's maximum may rest, the moments move)
            assert any(moved), f"{name}: the held state tensors did not see step {k}"


@pytest.mark.parametrize(("name", "opts"), CASES, ids=IDS)
def test_state_dict_holds_the_live_state(name: str, opts: dict[str, Any]) -> None:
    ps, opt = make(tg, name, opts, SHAPES["group"])
    step(tg, ps, opt, 0)
    sd = opt.state_dict()
    for i, p in enumerate(ps):
        assert sd["state"][i] is opt.state[p]
    kept = copy.deepcopy(sd)  # the way to keep a snapshot, as with PyTorch
    step(tg, ps, opt, 1)
    for i, p in enumerate(ps):
        for key, v in shaped_entries(opt.state[p], p).items():
            assert sd["state"][i][key] is v
            assert not np.array_equal(kept["state"][i][key].numpy(), v.numpy())


@pytest.mark.parametrize("where", ["group", "one"])
@pytest.mark.parametrize(("name", "opts"), CASES, ids=IDS)
def test_loaded_state_is_tensors_of_its_own(name: str, opts: dict[str, Any], where: str) -> None:
    """Loaded, the entries are Tensors, copies of the given ones (PyTorch keeps the given
    tensor when its dtype already fits: a deliberate difference, so that two optimisers never
    update one buffer), and the trajectory continues as the original's."""
    ps, opt = make(tg, name, opts, SHAPES[where])
    for k in range(2):
        step(tg, ps, opt, k)
    qs = [tg.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    opt2 = getattr(tg.optim, name)(qs, **opts)
    opt2.load_state_dict(opt.state_dict())
    for p, q in zip(ps, qs):
        for key, v in shaped_entries(opt.state[p], p).items():
            mine = opt2.state[q][key]
            assert isinstance(mine, tg.Tensor) and mine is not v
            assert not np.shares_memory(mine.numpy(), v.numpy())
    for k in range(2, 5):
        step(tg, ps, opt, k)
        step(tg, qs, opt2, k)
        for p, q in zip(ps, qs):  # (loaded, NAdam's and ASGD's float32 scalars are float64,
            # the parameters' dtype, as PyTorch's load casts them: the last bits may differ)
            np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-9)


def test_complex_parameter_state_is_a_complex_tensor() -> None:
    ps, opt = make(tg, "Adam", dict(lr=0.01), [(3,)], dtype=tg.complex128)
    step(tg, ps, opt, 0)
    m = opt.state[ps[0]]["exp_avg"]
    assert isinstance(m, tg.Tensor) and m.dtype == tg.complex128
    before = m.numpy().copy()
    step(tg, ps, opt, 1)
    assert opt.state[ps[0]]["exp_avg"] is m and not np.array_equal(m.numpy(), before)


def test_lbfgs_state_holds_tensors() -> None:
    w = tg.tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    opt = tg.optim.LBFGS([w], lr=0.5)

    def closure() -> Any:
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    for _ in range(2):
        opt.step(closure)
    st = opt.state[w]
    for key in ("d", "prev_flat_grad"):
        assert isinstance(st[key], tg.Tensor), key
    assert all(isinstance(x, tg.Tensor) for x in st["old_dirs"] + st["old_stps"])


# -- beside PyTorch -------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["group", "one"])
@pytest.mark.parametrize(("name", "opts"), CASES, ids=IDS)
def test_state_like_torch(name: str, opts: dict[str, Any], where: str) -> None:
    """The same entries are Tensors as in PyTorch, with the same values; a write into a
    state tensor between steps changes the trajectory as it changes PyTorch's."""
    torch = pytest.importorskip("torch")
    libs = {"torch": torch, "ours": tg}
    runs = {k: make(lib, name, opts, SHAPES[where]) for k, lib in libs.items()}
    for k in range(2):
        for key, lib in libs.items():
            step(lib, *runs[key], k)
    (tps, topt), (ops, oopt) = runs["torch"], runs["ours"]
    for tp, op in zip(tps, ops):
        theirs, ours = shaped_entries(topt.state[tp], tp), shaped_entries(oopt.state[op], op)
        assert sorted(ours) == sorted(theirs)
        for key, t in theirs.items():
            assert isinstance(ours[key], tg.Tensor) and torch.is_tensor(t)
            np.testing.assert_allclose(ours[key].numpy(), t.detach().numpy(), rtol=1e-12,
                                       atol=1e-14, err_msg=key)
        with torch.no_grad():  # a user's write into the state, then more steps
            for key in theirs:
                topt.state[tp][key].mul_(0.5)
        with tg.no_grad():
            for key in ours:
                oopt.state[op][key].mul_(0.5)
    for k in range(2, 5):
        for key, lib in libs.items():
            step(lib, *runs[key], k)
    for tp, op in zip(tps, ops):
        np.testing.assert_allclose(op.detach().numpy(), tp.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)
