"""Shared by the nn.utils tests: the same layer built in tinygrad_nn and in torch (float64,
torch's values copied into ours), and comparisons of values, gradients and state_dicts."""

from __future__ import annotations

from typing import Any

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.nn as nn


def pair(name: str, *args: Any, **kw: Any) -> tuple[Any, Any]:
    """``nn.<name>(*args)`` here and in torch, both float64, ours holding torch's values."""
    import torch

    theirs = getattr(torch.nn, name)(*args, **kw).double()
    ours = getattr(nn, name)(*args, **kw).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def copy_state(ours: Any, theirs: Any) -> None:
    """Copy every tensor of torch's state_dict into ours (same keys required)."""
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def close(a: Any, b: Any, tol: float = 1e-10) -> None:
    """Tensor ``a`` (ours) equals torch tensor ``b`` in shape and values."""
    x = a.detach().numpy()
    y = b.detach().numpy()
    assert x.shape == y.shape, (x.shape, y.shape)
    np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


def same_grads(ours: Any, theirs: Any, x: np.ndarray, tol: float = 1e-10) -> None:
    """Run both modules on ``x``, back-propagate the same weighting of the output, and compare
    the outputs and the gradients of every named parameter (same names in the same order)."""
    import torch

    y, ty = ours(tg.tensor(x)), theirs(torch.tensor(x))
    close(y, ty, tol)
    w = np.random.default_rng(3).standard_normal(tuple(ty.shape))
    (y * tg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    names = [k for k, _ in ours.named_parameters()]
    assert names == [k for k, _ in theirs.named_parameters()]
    for (k, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert (p.grad is None) == (tp.grad is None), k
        if tp.grad is not None:
            close(p.grad, tp.grad, tol)
