"""``StepLR`` takes any positive number as ``step_size``, as PyTorch's does (the transformer
tutorial writes ``StepLR(optimizer, 1.0, gamma=0.95)``)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("step_size", [1.0, 2.5, 3])
def test_steplr_number_step_size_as_torch(step_size: float) -> None:
    lrs = []
    for lib in (torch, tg):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size, gamma=0.5)
        seq = []
        for _ in range(8):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr()[0])
        lrs.append(seq)
    np.testing.assert_allclose(lrs[1], lrs[0], rtol=1e-15)


@pytest.mark.parametrize("bad", [0, -1.0, "2", True])
def test_steplr_refuses_a_non_positive_or_non_number(bad: object) -> None:
    opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match="step_size must be a positive number"):
        tg.optim.lr_scheduler.StepLR(opt, bad)  # type: ignore[arg-type]
