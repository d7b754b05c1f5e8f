"""Multi-tensor (flat-buffer) optimiser steps: same numbers as the per-parameter loop and as
PyTorch, through p.data = t, load_state_dict, missing gradients and zero_grad(False)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from tests.optim.test_optim import B0, CASES, W0, X, Y, loss_fn
from tinygrad_nn import optim, tensor
from tinygrad_nn.tensor import Tensor

torch = pytest.importorskip("torch")


def _per_param(cls: type) -> type:
    """The same optimiser with the multi-tensor path switched off."""
    return type(cls.__name__, (cls,), {"_flat_group": lambda self, *a: None})


def _pair() -> tuple[Tensor, Tensor]:
    return tensor(W0.copy(), requires_grad=True), tensor(B0.copy(), requires_grad=True)


def _run(cls: type, kw: dict[str, Any], steps: int = 6) -> np.ndarray:
    w, b = _pair()
    opt = cls([w, b], **kw)
    sign = -1.0 if kw.get("maximize") else 1.0
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (sign * loss_fn(w, b, X, Y)).backward()
        opt.step()
        out.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(out)


@pytest.mark.parametrize("name, kw", CASES)
def test_flat_update_is_bitwise_the_per_parameter_update(name: str, kw: dict[str, Any]) -> None:
    cls = getattr(optim, name)
    np.testing.assert_array_equal(_run(cls, kw), _run(_per_param(cls), kw))


def _torch_pair() -> tuple[Any, Any]:
    return (torch.tensor(W0.copy(), requires_grad=True),
            torch.tensor(B0.copy(), requires_grad=True))


def _grad_step(opt: Any, w: Any, b: Any, x: Any, y: Any, only_w: bool = False) -> None:
    opt.zero_grad()
    loss = loss_fn(w, b, x, y)
    if only_w:  # b gets no gradient this step: the group cannot take the flat path
        loss = (((x @ w).tanh() - y) ** 2).mean()
    loss.backward()
    opt.step()


@pytest.mark.parametrize("name, kw", [("Adam", dict(lr=0.05, weight_decay=0.1)),
                                      ("SGD", dict(lr=0.05, momentum=0.9)),
                                      ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True))])
def test_data_assignment_state_load_and_missing_grads_follow_torch(name: str,
                                                                    kw: dict[str, Any]) -> None:
    w, b = _pair()
    tw, tb = _torch_pair()
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    ours, theirs = getattr(optim, name)([w, b], **kw), getattr(torch.optim, name)([tw, tb], **kw)
    for only_w in (False, False, True, False, True, False):
        _grad_step(ours, w, b, X, Y, only_w)
        _grad_step(theirs, tw, tb, x, y, only_w)
    new = 0.3 * np.ones_like(W0)
    w.data = tensor(new.copy())  # the parameter's array is replaced: nothing may go stale
    tw.data = torch.tensor(new.copy())
    snapshot = copy.deepcopy(ours.state_dict())  # (the live state, as PyTorch's: copied)
    for _ in range(3):
        _grad_step(ours, w, b, X, Y)
        _grad_step(theirs, tw, tb, x, y)
    ours.load_state_dict(snapshot)  # back to older state: the flat buffers must be rebuilt
    theirs_sd = theirs.state_dict()
    theirs_sd["state"] = {k: {n: torch.tensor(float(v)) if n == "step"
                              else torch.from_numpy(v.numpy().copy()) if isinstance(v, Tensor)
                              else v
                              for n, v in s.items()} for k, s in snapshot["state"].items()}
    theirs.load_state_dict(theirs_sd)
    for _ in range(3):
        _grad_step(ours, w, b, X, Y)
        _grad_step(theirs, tw, tb, x, y)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=0, atol=1e-13)
    np.testing.assert_allclose(b.detach().numpy(), tb.detach().numpy(), rtol=0, atol=1e-13)


def test_state_entries_are_live_views_and_user_views_of_params_see_updates() -> None:
    w, b = _pair()
    # a NumPy view the user keeps: PyTorch's optimisers update it in place
    held = w.detach().numpy()
    opt = optim.Adam([w, b], lr=0.1)
    for _ in range(3):
        _grad_step(opt, w, b, X, Y)
    m = opt.state[w]["exp_avg"]
    before = m.numpy().copy()
    _grad_step(opt, w, b, X, Y)
    assert opt.state[w]["exp_avg"] is m, "one state Tensor for the optimiser's life"
    assert not np.array_equal(m.numpy(), before), "the state entry follows later steps"
    assert np.shares_memory(held, w.detach().numpy()) and np.array_equal(held, w.detach().numpy())
    assert opt.state[w]["step"] == opt.state[b]["step"] == 4


def test_mixed_dtypes_take_the_per_parameter_path() -> None:
    w = tensor(W0.astype(np.float32), requires_grad=True)
    b = tensor(B0.copy(), requires_grad=True)
    tw = torch.tensor(W0.astype(np.float32), requires_grad=True)
    tb = torch.tensor(B0.copy(), requires_grad=True)
    ours, theirs = optim.Adam([w, b], lr=0.1), torch.optim.Adam([tw, tb], lr=0.1)
    for _ in range(3):
        for opt, p, q in ((ours, w, b), (theirs, tw, tb)):
            opt.zero_grad()
            ((p * p).sum() + (q * q * q).sum()).backward()
            opt.step()
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), tb.detach().numpy(), rtol=0, atol=1e-15)


@pytest.mark.parametrize("owner", ["optimizer", "module"])
def test_zero_grad_in_place_reuses_the_gradient_buffer(owner: str) -> None:
    import tinygrad_nn.nn as nn

    model = nn.Linear(3, 2).double()
    tmodel = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        tmodel.weight.copy_(torch.from_numpy(model.weight.detach().numpy()))
        tmodel.bias.copy_(torch.from_numpy(model.bias.detach().numpy()))
    ours = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.9)
    zero = ours.zero_grad if owner == "optimizer" else model.zero_grad
    buffers = None
    for _ in range(4):
        zero(set_to_none=False)
        theirs.zero_grad(set_to_none=False)
        ((model(tensor(X)) - tensor(Y)) ** 2).mean().backward()
        ((tmodel(torch.from_numpy(X)) - torch.from_numpy(Y)) ** 2).mean().backward()
        arrays = [p.grad.numpy() for p in model.parameters()]
        if buffers is not None:
            assert all(a is b or np.shares_memory(a, b) for a, b in zip(arrays, buffers))
        buffers = arrays
        np.testing.assert_allclose(model.weight.grad.numpy(), tmodel.weight.grad.numpy(),
                                   rtol=0, atol=1e-14)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(model.weight.detach().numpy(), tmodel.weight.detach().numpy(),
                               atol=1e-14)
    zero()  # PyTorch's default: set_to_none=True
    assert all(p.grad is None for p in model.parameters())
