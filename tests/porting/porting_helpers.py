"""Run a PyTorch-style program on tinygrad_nn and (when installed) PyTorch with the same weights.

A program is written ONCE as a function of the library module (`program(torch, **kw)`), exactly
as a PyTorch user writes it after `import torch`. It returns a dict with at least `losses` (a list
of Python floats) and `init` (the initial state_dict as NumPy arrays, captured before training),
plus any shapes/dtypes it wants compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn

Program = Callable[..., dict[str, Any]]


def dtype_name(dtype: Any) -> str:
    """'float32' for torch.float32, tinygrad_nn.float32 and np.float32 alike."""
    return str(dtype).rsplit(".", 1)[-1]


def state_arrays(model: Any) -> dict[str, np.ndarray]:
    """The model's state_dict as NumPy copies (works for both libraries)."""
    return {k: np.array(v.detach().cpu().numpy()) for k, v in model.state_dict().items()}


def load_arrays(torch: Any, model: Any, init: dict[str, np.ndarray] | None) -> None:
    """Give `model` the weights `init` (from the other library's run); nothing when None."""
    if init is not None:
        model.load_state_dict({k: torch.tensor(v) for k, v in init.items()})


def run_ours(program: Program, **kw: Any) -> dict[str, Any]:
    """The program on tinygrad_nn."""
    return program(tinygrad_nn, **kw)


def compare_with_torch(program: Program, rtol: float = 2e-3, atol: float = 1e-4,
                       **kw: Any) -> None:
    """Same program on both libraries, deterministic mode, same initial weights: same results."""
    torch = pytest.importorskip("torch")
    ours = program(tinygrad_nn, deterministic=True, **kw)
    theirs = program(torch, deterministic=True, init=ours["init"], **kw)
    assert ours.keys() == theirs.keys()
    for key in ours:
        if key == "init":
            continue
        if key == "losses":
            np.testing.assert_allclose(ours[key], theirs[key], rtol=rtol, atol=atol)
        else:
            assert_same(ours[key], theirs[key], key)


def assert_same(ours: Any, theirs: Any, path: str = "result") -> None:
    """Equal structure and values; floats to a relative 1e-4 (float32 sums differ in order)."""
    if isinstance(ours, dict):
        assert isinstance(theirs, dict) and ours.keys() == theirs.keys(), path
        for key in ours:
            assert_same(ours[key], theirs[key], f"{path}[{key!r}]")
    elif isinstance(ours, (list, tuple)):
        assert isinstance(theirs, (list, tuple)) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(ours, float) and not isinstance(theirs, bool):
        assert math.isclose(ours, theirs, rel_tol=1e-4, abs_tol=1e-6), (path, ours, theirs)
    else:
        assert ours == theirs and type(ours) is type(theirs), (path, ours, theirs)


def decreased(losses: list[float]) -> bool:
    """The loss at the end (mean of the last quarter) is clearly below the first two losses."""
    k = max(1, len(losses) // 4)
    return float(np.mean(losses[-k:])) < 0.95 * float(np.mean(losses[:2]))
