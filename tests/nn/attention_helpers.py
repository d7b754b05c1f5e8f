"""Shared helpers of the attention / Transformer torch-comparison tests."""

from __future__ import annotations

from typing import Any

import numpy as np

import tinygrad_nn as tg

TOL = {"rtol": 1e-9, "atol": 1e-11}  # float64 on both sides


def numpy_state(module: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def pair(ours_cls: Any, theirs_cls: Any, *args: Any, **cfg: Any) -> tuple[Any, Any]:
    """A float64 torch module in eval mode and ours with the same weights."""
    theirs = theirs_cls(*args, **cfg).double().eval()
    ours = ours_cls(*args, **cfg).double().eval()
    ours.load_state_dict(numpy_state(theirs))
    return ours, theirs


def inputs(torch: Any, arrays: list[Any]) -> tuple[list[Any], list[Any]]:
    """The same arrays as leaves of both libraries (float arrays require grad)."""
    ours, theirs = [], []
    for a in arrays:
        a = np.asarray(a)
        floating = a.dtype.kind == "f"
        ours.append(tg.tensor(a, requires_grad=floating))
        theirs.append(torch.tensor(a, requires_grad=floating))
    return ours, theirs


def backward_both(torch: Any, out: Any, tout: Any, seed: int = 0) -> None:
    """Back-propagate the same random weighting of the output through both graphs."""
    w = np.random.default_rng(seed).standard_normal(out.shape)
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.from_numpy(w)).sum().backward()


def assert_same(out: Any, tout: Any, **tol: Any) -> None:
    assert tuple(out.shape) == tuple(tout.shape)
    assert str(out.dtype) == str(tout.dtype).replace("torch.", "")
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), **(tol or TOL))


def assert_grads(ours: Any, theirs: Any, pairs: list[tuple[Any, Any]], **tol: Any) -> None:
    """Every parameter's gradient (by name) and every float input's gradient agree."""
    tparams = dict(theirs.named_parameters()) if theirs is not None else {}
    names = [n for n, _ in ours.named_parameters()] if ours is not None else []
    assert names == list(tparams)
    for name, p in (ours.named_parameters() if ours is not None else []):
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), **(tol or TOL),
                                   err_msg=name)
    for i, (a, b) in enumerate(pairs):
        assert (a.grad is None) == (b.grad is None), f"input {i}"
        if b.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **(tol or TOL),
                                       err_msg=f"input {i}")
