"""``with device(...)``: PyTorch's default-device block (the CPU only here)."""

from __future__ import annotations

import pytest

import tinygrad_nn as tg


def test_a_cpu_device_block_runs_and_gives_the_device() -> None:
    with tg.device("cpu") as d:
        layer = tg.nn.Linear(2, 2)
        x = tg.zeros(2)
    assert d == tg.device("cpu") and layer.weight.device == x.device == d
    torch = pytest.importorskip("torch")
    with torch.device("cpu") as td:
        assert repr(td) == repr(d)


@pytest.mark.parametrize("name", ["cuda", "cuda:1", "meta", "mps"])
def test_another_device_block_is_refused_naming_the_device(name: str) -> None:
    with pytest.raises(RuntimeError, match=f"CPU only.*{name}"), tg.device(name):
        tg.zeros(1)  # never reached
