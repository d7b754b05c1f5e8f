"""Categorical / OneHotCategorical ``param_shape`` against PyTorch (it was a plain tuple; PyTorch
gives a Size, so ``m.param_shape == torch.Size([2])`` and Size methods work)."""

from __future__ import annotations

from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("kind", ["Categorical", "OneHotCategorical"])
@pytest.mark.parametrize("param", ["probs", "logits"])
def test_param_shape_is_a_size(kind: str, param: str) -> None:
    def facts(m: Any) -> tuple[Any, ...]:
        d = getattr(m.distributions, kind)(**{param: m.tensor([[0.3, 0.7], [0.5, 0.5]])})
        shape = d.param_shape
        return (isinstance(shape, m.Size), tuple(shape), shape.numel(), tuple(shape[-1:]),
                isinstance(shape[-1:], m.Size))
    assert facts(tg) == facts(torch)
