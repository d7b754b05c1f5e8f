"""Adafactor, Muon and SparseAdam beside PyTorch 2.13's.

Each optimiser runs 25 steps in both libraries from the same initial weights with the same
random gradients (one 0-d parameter gets none on two steps, so its state falls behind): the
float64 trajectories are equal to the bit, float32 ones within 1e-6 (Adafactor: PyTorch's
float32 norms add in an order not reproduced) or to the bit (Muon). Then: the state_dict
against PyTorch's and across the libraries, parameter groups, and the argument errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tests.optim.test_optim_torch_probe import as_array
from tinygrad_nn.optim.adafactor import _sum_lastdim

torch = pytest.importorskip("torch")

AF_SHAPES: list[tuple[int, ...]] = [(3, 4), (5,), (), (2, 3, 4), (6, 2)]
MUON_SHAPES: list[tuple[int, ...]] = [(3, 4), (6, 2), (4, 4), (5, 3)]


def _pair(shapes: list[tuple[int, ...]], dtype: str, seed: int = 0) -> tuple[list[Any], ...]:
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s) for s in shapes]
    return tuple([lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=True) for a in init]
                 for lib in (torch, tg))


def _grads(shapes: list[tuple[int, ...]], step: int,
           rng: np.random.Generator) -> list[np.ndarray | None]:
    """Random gradients, every third step 30x larger (so clipping and large steps occur);
    a 0-d parameter gets none on steps 3 and 4."""
    scale = 3.0 if step % 3 == 0 else 0.1
    return [None if s == () and step in (3, 4) else scale * rng.standard_normal(s)
            for s in shapes]


def _set_grads(params: list[Any], lib: Any, gs: list[np.ndarray | None], dtype: str) -> None:
    for p, g in zip(params, gs):
        p.grad = None if g is None else lib.tensor(g, dtype=getattr(lib, dtype))


def _run(name: str, kw: Any, shapes: list[tuple[int, ...]], dtype: str = "float64",
         steps: int = 25, groups: list[dict[str, Any]] | None = None
         ) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    """Both trajectories (steps x all parameters, float64) and both optimisers."""
    theirs_p, ours_p = _pair(shapes, dtype)
    opts = []
    for lib, ps in ((torch, theirs_p), (tg, ours_p)):
        arg = ps if groups is None else [{"params": [p], **g} for p, g in zip(ps, groups)]
        opts.append(getattr(lib.optim, name)(arg, **kw))
    rng = np.random.default_rng(1)
    trajs: list[list[np.ndarray]] = [[], []]
    for step in range(steps):
        gs = _grads(shapes, step, rng)
        for (lib, ps), opt, traj in zip(((torch, theirs_p), (tg, ours_p)), opts, trajs):
            _set_grads(ps, lib, gs, dtype)
            opt.step()
            traj.append(np.concatenate([as_array(p).astype(np.float64).ravel() for p in ps]))
    return np.array(trajs[0]), np.array(trajs[1]), opts[0], opts[1]


def _assert_state_equal(theirs: Any, ours: Any) -> None:
    ts, os_ = theirs.state_dict(), ours.state_dict()
    assert set(ts["state"]) == set(os_["state"])
    for i, st in ts["state"].items():
        assert list(st) == list(os_["state"][i])
        for key, value in st.items():
            mine = as_array(os_["state"][i][key])
            assert mine.shape == tuple(value.shape), key
            assert str(mine.dtype) == str(value.dtype).replace("torch.", ""), key
            np.testing.assert_array_equal(mine, value.detach().numpy(), err_msg=key)
    for tg_group, t_group in zip(os_["param_groups"], ts["param_groups"]):
        assert tg_group == t_group


def _continue_from_torch_state(name: str, kw: Any, shapes: list[tuple[int, ...]]) -> None:
    """Our optimiser loaded with PyTorch's state_dict continues PyTorch's trajectory."""
    theirs_p, ours_p = _pair(shapes, "float64")
    theirs = getattr(torch.optim, name)(theirs_p, **kw)
    rng = np.random.default_rng(2)
    for step in range(6):
        _set_grads(theirs_p, torch, _grads(shapes, step, rng), "float64")
        theirs.step()
    sd = theirs.state_dict()
    for p, q in zip(ours_p, theirs_p):
        p.data = tg.tensor(q.detach().numpy().copy())
    ours = getattr(tg.optim, name)(ours_p, **kw)
    ours.load_state_dict({
        "state": {i: {k: tg.tensor(v.numpy().copy()) for k, v in st.items()}
                  for i, st in sd["state"].items()},
        "param_groups": sd["param_groups"]})
    for step in range(6, 12):
        gs = _grads(shapes, step, rng)
        for lib, ps, opt in ((torch, theirs_p, theirs), (tg, ours_p, ours)):
            _set_grads(ps, lib, gs, "float64")
            opt.step()
        for p, q in zip(ours_p, theirs_p):
            np.testing.assert_array_equal(as_array(p), q.detach().numpy())
    _assert_state_equal(theirs, ours)


def _round_trip(name: str, kw: Any, shapes: list[tuple[int, ...]]) -> None:
    """A state_dict saved after 5 steps, loaded into a fresh optimiser over copies of the
    parameters: both continue identically."""
    _, ours_p = _pair(shapes, "float64")
    ours = getattr(tg.optim, name)(ours_p, **kw)
    rng = np.random.default_rng(3)
    for step in range(5):
        _set_grads(ours_p, tg, _grads(shapes, step, rng), "float64")
        ours.step()
    copies = [tg.tensor(as_array(p).copy(), requires_grad=True) for p in ours_p]
    fresh = getattr(tg.optim, name)(copies, **kw)
    fresh.load_state_dict(ours.state_dict())
    for step in range(5, 10):
        gs = _grads(shapes, step, rng)
        for ps, opt in ((ours_p, ours), (copies, fresh)):
            _set_grads(ps, tg, gs, "float64")
            opt.step()
    for p, q in zip(ours_p, copies):
        np.testing.assert_array_equal(as_array(p), as_array(q))


def _errors_match(name: str, params: Any, kw: dict[str, Any]) -> None:
    """Both constructors raise the same exception type with the same message."""
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, name)(params[0], **kw)
    with pytest.raises(type(theirs.value)) as ours:
        getattr(tg.optim, name)(params[1], **kw)
    assert str(ours.value) == str(theirs.value)


# -- Adafactor -------------------------------------------------------------------------------
AF_CASES: list[dict[str, Any]] = [
    dict(),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.05, eps=(1e-4, 1e-2), d=1.5, beta2_decay=-0.5, maximize=True),
    dict(lr=0.3, weight_decay=0.5, foreach=True),
]


@pytest.mark.parametrize("kw", AF_CASES, ids=str)
def test_adafactor_float64_trajectory_is_torchs_to_the_bit(kw: dict[str, Any]) -> None:
    theirs, ours, t_opt, o_opt = _run("Adafactor", kw, AF_SHAPES)
    assert np.abs(theirs[-1] - theirs[0]).max() > 0.05  # (the run moves)
    np.testing.assert_array_equal(ours, theirs)
    _assert_state_equal(t_opt, o_opt)


@pytest.mark.parametrize("kw", AF_CASES[:3], ids=str)
def test_adafactor_float32_trajectory_within_1e6(kw: dict[str, Any]) -> None:
    theirs, ours, _, _ = _run("Adafactor", kw, AF_SHAPES, dtype="float32")
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_adafactor_long_rows_and_columns_are_torchs_to_the_bit() -> None:
    """Sums over hundreds of elements go through PyTorch's cascaded summation order."""
    theirs, ours, _, _ = _run("Adafactor", dict(lr=0.05), [(600, 3), (3, 600)], steps=4)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("n", [1, 3, 4, 17, 64, 255, 256, 1000, 4099])
def test_sum_in_torchs_order(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.standard_normal((2, n)) * rng.random((2, n)) * 100.0
    np.testing.assert_array_equal(_sum_lastdim(x), torch.from_numpy(x).sum(-1).numpy())


def test_adafactor_param_groups() -> None:
    groups = [dict(lr=0.1), dict(weight_decay=0.2), dict(eps=(1e-5, 1e-3)),
              dict(d=2.0, maximize=True), dict(beta2_decay=-0.6)]
    theirs, ours, t_opt, o_opt = _run("Adafactor", dict(lr=0.02), AF_SHAPES, groups=groups)
    np.testing.assert_array_equal(ours, theirs)
    _assert_state_equal(t_opt, o_opt)


def test_adafactor_state_dict_crosses_from_torch_and_round_trips() -> None:
    _continue_from_torch_state("Adafactor", dict(lr=0.05, weight_decay=0.1), AF_SHAPES)
    _round_trip("Adafactor", dict(lr=0.05), AF_SHAPES)


def test_adafactor_refuses_a_wrongly_shaped_factor() -> None:
    _, ours_p = _pair([(3, 4)], "float64")
    opt = tg.optim.Adafactor(ours_p)
    sd = {"state": {0: {"step": tg.tensor(1.0), "row_var": np.zeros((1, 4)),
                        "col_var": np.zeros((1, 4))}},
          "param_groups": opt.state_dict()["param_groups"]}
    with pytest.raises(ValueError, match="row_var"):
        opt.load_state_dict(sd)


@pytest.mark.parametrize("kw", [dict(lr=-1.0), dict(beta2_decay=0.1), dict(eps=(-1.0, 1e-3)),
                                dict(eps=(None, -1.0)), dict(d=0.5), dict(weight_decay=-0.1)],
                         ids=str)
def test_adafactor_argument_errors_are_torchs(kw: dict[str, Any]) -> None:
    _errors_match("Adafactor", _pair([(2, 2)], "float64"), kw)


def test_adafactor_refuses_complex_parameters_at_step() -> None:
    for lib in (torch, tg):
        z = lib.zeros(2, dtype=lib.complex128, requires_grad=True)
        opt = lib.optim.Adafactor([z])
        opt.step()  # (no gradient: nothing to refuse)
        z.grad = lib.ones(2, dtype=lib.complex128)
        with pytest.raises(RuntimeError, match="Adafactor does not support complex"):
            opt.step()


# -- Muon ------------------------------------------------------------------------------------
MUON_CASES: list[dict[str, Any]] = [
    dict(lr=0.02),
    dict(lr=0.05, nesterov=False, momentum=0.9, weight_decay=0.01),
    dict(lr=0.02, adjust_lr_fn="match_rms_adamw", ns_steps=3, eps=1e-3),
    dict(lr=0.02, adjust_lr_fn="original", momentum=0.0, ns_coefficients=(2.0, -1.5, 0.5)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", MUON_CASES, ids=str)
def test_muon_trajectory_is_torchs_to_the_bit(kw: dict[str, Any], dtype: str) -> None:
    theirs, ours, t_opt, o_opt = _run("Muon", kw, MUON_SHAPES, dtype=dtype)
    assert np.abs(theirs[-1] - theirs[0]).max() > 0.05
    np.testing.assert_array_equal(ours, theirs)
    _assert_state_equal(t_opt, o_opt)


def test_muon_param_groups_and_state_dicts() -> None:
    groups = [dict(lr=0.05), dict(nesterov=False), dict(weight_decay=0.3),
              dict(adjust_lr_fn="match_rms_adamw")]
    theirs, ours, _, _ = _run("Muon", dict(lr=0.02), MUON_SHAPES, groups=groups)
    np.testing.assert_array_equal(ours, theirs)
    _continue_from_torch_state("Muon", dict(lr=0.03), MUON_SHAPES)
    _round_trip("Muon", dict(lr=0.03, nesterov=False), MUON_SHAPES)


@pytest.mark.parametrize("kw", [dict(lr=-1.0), dict(momentum=-0.5), dict(weight_decay=-1.0),
                                dict(adjust_lr_fn="sqrt")], ids=str)
def test_muon_argument_errors_are_torchs(kw: dict[str, Any]) -> None:
    _errors_match("Muon", _pair([(2, 3)], "float64"), kw)


def test_muon_refuses_what_torch_refuses() -> None:
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        tg.optim.Muon([tg.zeros(3, requires_grad=True)])
    for kw, message in ((dict(ns_steps=100), "Number of steps must be less than 100"),
                        (dict(ns_coefficients=(1.0, 2.0)), "exactly 3 values")):
        for lib in (torch, tg):
            w = lib.zeros(3, 4, requires_grad=True)
            opt = lib.optim.Muon([w], **kw)
            w.grad = lib.ones(3, 4)
            with pytest.raises(ValueError, match=message):
                opt.step()
    for lib in (torch, tg):  # a 1-D parameter added later fails at step, on its gradient
        opt = lib.optim.Muon([lib.zeros(2, 2, requires_grad=True)])
        b = lib.zeros(3, requires_grad=True)
        opt.add_param_group({"params": [b]})
        b.grad = lib.ones(3)
        with pytest.raises(ValueError, match="Param gradient must be a 2D matrix"):
            opt.step()


# -- SparseAdam ------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(lr=0.0), dict(eps=0.0), dict(betas=(1.0, 0.9)),
                                dict(betas=(0.9, -0.1))], ids=str)
def test_sparse_adam_argument_errors_are_torchs(kw: dict[str, Any]) -> None:
    _errors_match("SparseAdam", _pair([(4, 2)], "float64"), kw)


def test_sparse_adam_refuses_complex_parameters_as_torch() -> None:
    params = [[lib.zeros(2, requires_grad=True), lib.zeros(2, dtype=lib.complex64,
                                                            requires_grad=True)]
              for lib in (torch, tg)]
    _errors_match("SparseAdam", params, {})


def test_sparse_adam_refuses_dense_gradients_as_torch() -> None:
    """PyTorch's error for a dense gradient; with no gradient, step returns the closure's
    value and changes nothing, as PyTorch's."""
    for lib in (torch, tg):
        lin = lib.nn.Linear(3, 2)
        opt = lib.optim.SparseAdam(lin.parameters())
        assert opt.step(lambda: 7.0) == 7.0
        assert not opt.state
        lin(lib.ones(1, 3)).sum().backward()
        with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
            opt.step()
    assert tg.optim.SparseAdam([tg.zeros(2, requires_grad=True)]).state_dict()[
        "param_groups"] == torch.optim.SparseAdam(
        [torch.zeros(2, requires_grad=True)]).state_dict()["param_groups"]


def test_sparse_adam_with_a_sparse_embedding_is_the_known_gap() -> None:
    """tinygrad_nn's Embedding(sparse=True) gives a dense gradient (no sparse layout), so
    SparseAdam refuses it where PyTorch's steps: the documented difference, asserted so a
    change on either side is noticed."""
    t_emb = torch.nn.Embedding(5, 3, sparse=True)
    t_emb(torch.tensor([1, 2])).sum().backward()
    assert t_emb.weight.grad.is_sparse
    torch.optim.SparseAdam(t_emb.parameters()).step()
    emb = tg.nn.Embedding(5, 3, sparse=True)
    emb(tg.tensor([1, 2])).sum().backward()
    assert not emb.weight.grad.is_sparse
    with pytest.raises(RuntimeError, match="does not support dense gradients"):
        tg.optim.SparseAdam(emb.parameters()).step()
