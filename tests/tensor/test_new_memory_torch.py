"""Ops whose PyTorch result is new memory give new memory here too: changing the input in
place afterwards leaves the result as it was, and the result can be changed in place.
(NumPy returns views where it can: a repeat by 1s, a padding of 0s, a pixel shuffle by 1.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

CASES: dict[str, tuple[tuple[int, ...], Callable[[Any, Any], Any]]] = {
    "repeat (4, 1)": ((1, 3), lambda lib, x: x.repeat(4, 1)),
    "repeat (1, 3) of a column": ((2, 1), lambda lib, x: x.repeat(1, 3)),
    "repeat (3, 1, 2)": ((1, 1, 2), lambda lib, x: x.repeat(3, 1, 2)),
    "repeat by ones": ((2, 3), lambda lib, x: x.repeat(1, 1)),
    "tile": ((1, 3), lambda lib, x: x.tile((4, 1))),
    "pad by zeros": ((2, 3), lambda lib, x: lib.nn.functional.pad(x, (0, 0))),
    "reflect pad by zeros": ((1, 2, 3), lambda lib, x: lib.nn.functional.pad(
        x, (0, 0), mode="reflect")),
    "replicate pad by zeros": ((1, 2, 3, 3), lambda lib, x: lib.nn.functional.pad(
        x, (0, 0, 0, 0), mode="replicate")),
    "pixel_shuffle by 1": ((1, 4, 2, 2), lambda lib, x: lib.nn.functional.pixel_shuffle(x, 1)),
    "pixel_unshuffle by 1": ((1, 4, 2, 2), lambda lib, x: lib.nn.functional.pixel_unshuffle(
        x, 1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_result_is_new_memory_as_in_torch(case: str) -> None:
    shape, op = CASES[case]
    results = []
    for lib in (torch, tg):
        x = lib.zeros(*shape)
        y = op(lib, x)
        x.add_(1.0)  # the input changes after the op ...
        y.div_(2.0)  # ... and the result can be written
        results.append((float(y.sum()), tuple(y.shape), tuple(y.stride())))
    assert results[1] == results[0]
    assert results[1][0] == 0.0


def test_repeat_gradient_unchanged() -> None:
    a = np.arange(3.0).reshape(1, 3)
    g = []
    for lib in (torch, tg):
        x = lib.tensor(a, requires_grad=True)
        (x.repeat(4, 2) * lib.arange(24.0, dtype=lib.float64).reshape(4, 6)).sum().backward()
        g.append(x.grad.detach().numpy())
    np.testing.assert_allclose(g[1], g[0])
