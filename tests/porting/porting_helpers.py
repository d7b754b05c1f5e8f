"""Run a PyTorch-style program on tinygrad_nn and (when installed) PyTorch with the same weights.

A program is written ONCE as a function of the library module (`program(torch, **kw)`), exactly
as a PyTorch user writes it after `import torch`. It returns a dict with at least `losses` (a list
of Python floats) and `init` (the initial state_dict as NumPy arrays, captured before training),
plus any shapes/dtypes it wants compared.
"""

from __future__ import annotations

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
            assert ours[key] == theirs[key], key


def decreased(losses: list[float]) -> bool:
    """The loss at the end (mean of the last quarter) is clearly below the first two losses."""
    k = max(1, len(losses) // 4)
    return float(np.mean(losses[-k:])) < 0.95 * float(np.mean(losses[:2]))
