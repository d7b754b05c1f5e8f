"""A legacy spelling of the old pytorch/examples (REINFORCE before PyTorch 0.4), against
PyTorch: ``Variable(x, volatile=True)`` warns that volatile has no effect (it was silent)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def test_variable_volatile_warns_and_does_nothing_as_torch() -> None:
    def facts(m: Any) -> tuple[Any, ...]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            v = m.autograd.Variable(m.ones(2), volatile=True)
            quiet = m.autograd.Variable(m.ones(2), volatile=False)
        return (v.requires_grad, quiet.requires_grad, [c.category for c in caught],
                ["volatile was removed and now has no effect" in str(c.message) for c in caught])
    assert facts(tg) == facts(torch)
