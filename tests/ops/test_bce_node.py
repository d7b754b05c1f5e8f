"""binary_cross_entropy as PyTorch records it: one node with the weight and the reduction
inside, the same input checks, and the same first and second derivatives (float64)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
pytestmark = pytest.mark.torch
RNG = np.random.default_rng(13)
REDUCTIONS = ["mean", "sum", "none"]
WEIGHTS = ["none", "full", "row"]  # no weight, one per element, one per column (broadcast)


def _weight(kind: str, shape: tuple[int, ...]) -> Any:
    return None if kind == "none" else RNG.uniform(0.5, 2.0, shape if kind == "full" else
                                                   shape[-1:])


def _graph(root: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """(name, names of next_functions) per node, in the order a walk from the root meets them."""
    out, todo = [], [root]
    while todo:
        node = todo.pop()
        nxt = tuple(None if n is None else n.name() for n, _ in node.next_functions)
        out.append((node.name(), nxt))
        todo.extend(n for n, _ in node.next_functions if n is not None)
    return out


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", WEIGHTS)
@pytest.mark.parametrize("target_grad", [False, True])
def test_graph_matches_pytorch(reduction: str, kind: str, target_grad: bool) -> None:
    p, y, w = RNG.uniform(0.1, 0.9, (3, 4)), RNG.uniform(0, 1, (3, 4)), _weight(kind, (3, 4))
    ours = F.binary_cross_entropy(tg.tensor(p, requires_grad=True),
                                  tg.tensor(y, requires_grad=target_grad),
                                  weight=None if w is None else tg.tensor(w),
                                  reduction=reduction)
    theirs = TF.binary_cross_entropy(torch.tensor(p, requires_grad=True),
                                     torch.tensor(y, requires_grad=target_grad),
                                     weight=None if w is None else torch.tensor(w),
                                     reduction=reduction)
    assert _graph(ours.grad_fn) == _graph(theirs.grad_fn)
    assert ours.shape == tuple(theirs.shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", WEIGHTS)
def test_first_and_second_derivatives_match_pytorch(reduction: str, kind: str) -> None:
    shape = (2, 5)
    p, y, w = RNG.uniform(0.05, 0.95, shape), RNG.uniform(0, 1, shape), _weight(kind, shape)
    u = RNG.standard_normal(shape)  # direction of the Hessian-vector products

    def run(lib: Any, F_: Any, grad: Any) -> list[np.ndarray]:
        pt = lib.tensor(p, requires_grad=True)
        yt = lib.tensor(y, requires_grad=True)
        loss = F_.binary_cross_entropy(pt, yt, weight=None if w is None else lib.tensor(w),
                                       reduction=reduction)
        s = loss.sum() if reduction == "none" else loss
        gp, gy = grad([s], [pt, yt], create_graph=True)
        d = (gp * lib.tensor(u)).sum() + (gy * lib.tensor(u)).sum()
        hp, hy = grad([d], [pt, yt])
        return [np.asarray(v.detach().numpy()) for v in (loss, gp, gy, hp, hy)]

    ours = run(tg, F, tg.autograd.grad)
    theirs = run(torch, TF, torch.autograd.grad)
    for name, a, b in zip(["loss", "dp", "dy", "Hp u", "Hy u"], ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("bad", [[0.5, np.nan], [0.2, 1.5], [-0.1, 0.0]])
def test_inputs_outside_the_unit_interval_or_nan_are_refused_as_by_pytorch(bad: Any) -> None:
    bad, y = np.array(bad), np.array([1.0, 0.0])
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        TF.binary_cross_entropy(torch.tensor(bad), torch.tensor(y))
    expect = "NaN" if np.isnan(bad).any() else str(bad.max() if bad.max() > 1 else bad.min())
    with pytest.raises(RuntimeError, match=rf"between 0 and 1 \(probabilities\), got .*{expect}"):
        F.binary_cross_entropy(tg.tensor(bad), tg.tensor(y))  # PyTorch's type
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.binary_cross_entropy(tg.tensor(bad), tg.tensor(y))  # and the earlier contract's


def test_probabilities_0_and_1_are_clamped_without_warnings() -> None:
    p, y = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    pt = tg.tensor(p, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # log 0 is silenced where it happens
        loss = F.binary_cross_entropy(pt, tg.tensor(y), reduction="sum")
        loss.backward()
    tp = torch.tensor(p, requires_grad=True)
    tloss = TF.binary_cross_entropy(tp, torch.tensor(y), reduction="sum")
    tloss.backward()
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-12)
    # (PyTorch's clamp 1e-12 of (1 - p) p is rounded through float32: 1e12 differs at 4e-9)
    np.testing.assert_allclose(pt.grad.numpy(), tp.grad.numpy(), rtol=1e-8)


def test_weight_follows_the_input_dtype_and_never_gets_a_gradient() -> None:
    p, y = np.array([0.3, 0.6], np.float32), np.array([1.0, 0.0], np.float32)
    w = np.array([1.0, 2.0])  # float64 weight, float32 input: a float32 loss, as PyTorch
    loss = F.binary_cross_entropy(tg.tensor(p), tg.tensor(y), weight=tg.tensor(w))
    tloss = TF.binary_cross_entropy(torch.tensor(p), torch.tensor(y), weight=torch.tensor(w))
    assert loss.dtype == tg.float32 and tloss.dtype == torch.float32
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-6)
    wt = tg.tensor(w, requires_grad=True)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        F.binary_cross_entropy(tg.tensor(p), tg.tensor(y), weight=wt)
    with tg.no_grad():  # nothing is recorded: the weight may require grad
        F.binary_cross_entropy(tg.tensor(p), tg.tensor(y), weight=wt)


def test_a_weight_that_does_not_broadcast_to_the_input_is_refused() -> None:
    p, y = tg.tensor([0.3, 0.6]), tg.tensor([1.0, 0.0])
    with pytest.raises(ValueError, match=r"weight of shape \(3, 2\) .* shape \(2,\)"):
        F.binary_cross_entropy(p, y, weight=np.ones((3, 2)))
    with pytest.raises(ValueError, match="reduction must be one of .* 'avg'"):
        F.binary_cross_entropy(p, y, reduction="avg")


def test_empty_input_gives_pytorchs_mean_and_sum() -> None:
    p = tg.tensor(np.zeros((0, 3)), requires_grad=True)
    assert np.isnan(F.binary_cross_entropy(p, tg.tensor(np.zeros((0, 3)))).item())
    loss = F.binary_cross_entropy(p, tg.tensor(np.zeros((0, 3))), reduction="sum")
    loss.backward()
    assert loss.item() == 0.0 and p.grad.shape == (0, 3)
