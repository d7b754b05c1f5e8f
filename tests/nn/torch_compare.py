"""Shared checks of the torch-comparison tests: same values, gradients and second
derivatives; the same exception type for the same bad call. torch is imported inside the
checks: the test modules skip themselves (``importorskip``) when it is missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F

TOL64 = {"rtol": 1e-10, "atol": 1e-10}


def assert_same(f_ours: Callable[..., Any], f_torch: Callable[..., Any],
                arrays: list[np.ndarray], tol: dict[str, float] = TOL64,
                second: bool = False) -> None:
    """Same output (shape, dtype, values) and gradient of every input for one random output
    weighting v; with ``second``, also d/d(inputs) of <grad_x, cos(x)> (a Hessian-vector
    product through the recorded gradient graph)."""
    import torch

    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = f_ours(*ours), f_torch(*theirs)
    assert y.shape == tuple(ty.shape) and y.dtype == arrays[0].dtype
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **tol)
    v = np.random.default_rng(1).standard_normal(y.shape).astype(arrays[0].dtype)
    gs = tg.autograd.grad((y * tg.tensor(v)).sum(), ours, create_graph=second)
    tgs = torch.autograd.grad((ty * torch.tensor(v)).sum(), theirs, create_graph=second)
    for i, (a, b) in enumerate(zip(gs, tgs)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol,
                                   err_msg=f"grad {i}")
    if second:
        u = np.cos(arrays[0])
        hs = tg.autograd.grad((gs[0] * tg.tensor(u)).sum(), ours, allow_unused=True)
        ths = torch.autograd.grad((tgs[0] * torch.tensor(u)).sum(), theirs, allow_unused=True)
        for i, (a, b) in enumerate(zip(hs, ths)):
            if b is None:
                assert a is None or not a.numpy().any()
            else:
                np.testing.assert_allclose(a.numpy(), b.numpy(), **tol, err_msg=f"second {i}")


def raises_like_torch(call: Callable[[Any, Any], Any]) -> None:
    """call(F, tensor) raises the exception type PyTorch's call(torch F, torch.tensor) does,
    with a message."""
    import torch

    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch.tensor)
    with pytest.raises(type(theirs.value)) as ours:
        call(F, tg.tensor)
    assert str(ours.value)


def outcome(fn: Callable[[], Any]) -> tuple[str, str]:
    """(exception type name, message) of calling fn, or ("no error", ""): compare a call on
    each library to check the same error with the same text."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (whatever each library raises is the result)
        return type(e).__name__, str(e)
    return "no error", ""
