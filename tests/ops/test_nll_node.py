"""nll_loss (and cross_entropy's second half) is one node, PyTorch's NllLossBackward0: its
name, its one input, and its value and gradients, for every reduction, with and without
class weights and ignored targets, against PyTorch in float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
F, TF = tg.functional, torch.nn.functional


def _run(lib: Any, fn: Any, x: np.ndarray, t: np.ndarray, weight: Any, reduction: str,
         ignore_index: int) -> tuple[Any, ...]:
    xx = lib.tensor(x, requires_grad=True)
    w = None if weight is None else lib.tensor(weight)
    loss = fn(xx, lib.tensor(t), weight=w, reduction=reduction, ignore_index=ignore_index)
    node = loss.grad_fn
    names = [f[0].name() if f[0] is not None else None for f in node.next_functions]
    loss.backward(lib.ones_like(loss))
    return node.name(), len(names), np.asarray(loss.detach().numpy()), xx.grad.numpy()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
def test_nll_loss_is_pytorchs_one_node_with_its_values_and_gradients(
        reduction: str, weighted: bool, ignore: bool) -> None:
    rng = np.random.default_rng(3)
    x = np.log(rng.dirichlet(np.ones(5), size=7))  # log-probabilities (7, 5)
    t = rng.integers(0, 5, 7)
    if ignore:
        t[[1, 4]] = -1
    w = rng.uniform(0.5, 2.0, 5) if weighted else None
    ours = _run(tg, F.nll_loss, x, t, w, reduction, -1)
    theirs = _run(torch, TF.nll_loss, x, t, w, reduction, -1)
    assert ours[:2] == theirs[:2] == ("NllLossBackward0", 1)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-13)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-13, atol=1e-15)


def test_cross_entropy_ends_in_the_nll_node_and_spatial_targets_keep_their_shape() -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 4, 5))  # (N, C, H, W)
    t = rng.integers(0, 3, (2, 4, 5))
    for lib, fn in ((tg, F.cross_entropy), (torch, TF.cross_entropy)):
        loss = fn(lib.tensor(x, requires_grad=True), lib.tensor(t), reduction="none")
        assert tuple(loss.shape) == (2, 4, 5)
    assert F.cross_entropy(tg.tensor(x, requires_grad=True), tg.tensor(t)).grad_fn.name() \
        == "NllLossBackward0"


def test_every_target_ignored_gives_nan_for_the_mean_as_pytorch() -> None:
    x, t = np.log(np.full((3, 2), 0.5)), np.full(3, -100)
    ours = F.nll_loss(tg.tensor(x), tg.tensor(t)).item()
    theirs = TF.nll_loss(torch.tensor(x), torch.tensor(t)).item()
    assert np.isnan(ours) and np.isnan(theirs)
