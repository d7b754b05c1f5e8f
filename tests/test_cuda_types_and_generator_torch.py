"""``torch.cuda``'s legacy tensor types on a CPU-only library, against PyTorch's CPU build:
the old DCGAN asks ``isinstance(input.data, torch.cuda.FloatTensor)`` to choose its multi-GPU
path (the names were missing: AttributeError)."""

from __future__ import annotations

from typing import Any

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
         "CharTensor", "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", NAMES)
def test_no_tensor_is_a_cuda_tensor_as_on_torch_cpu(name: str) -> None:
    for m in (tg, torch):
        kind = getattr(m.cuda, name)
        assert not isinstance(m.ones(2), kind) and not isinstance(m.ones(2).data, kind)
        assert not isinstance(m.ones(2).long(), kind) and not isinstance(3, kind)
        assert kind.is_cuda and kind.__name__ == name
    ours, theirs = getattr(tg.cuda, name).dtype, getattr(torch.cuda, name).dtype
    assert str(ours).rsplit(".", 1)[-1] == str(theirs).rsplit(".", 1)[-1]


@pytest.mark.parametrize("name", NAMES)
def test_making_a_cuda_tensor_raises_type_error_as_torch_cpu(name: str) -> None:
    for m in (tg, torch):
        with pytest.raises(TypeError, match=f"cuda.{name} not available"):
            getattr(m.cuda, name)(2)


def test_manual_seed_returns_the_default_generator_as_torch() -> None:
    """``torch.manual_seed(s)`` returns the default Generator (it returned NumPy's generator,
    so ``random_split(..., generator=torch.manual_seed(42))`` and ``.initial_seed()`` failed)."""
    def facts(m: Any) -> tuple[Any, ...]:
        g = m.manual_seed(3)
        same = g.manual_seed(5) is g
        return (isinstance(g, m.Generator), g.initial_seed(), same, m.initial_seed(),
                [len(s) for s in m.utils.data.random_split(range(10), [7, 3],
                                                           generator=m.manual_seed(42))],
                tuple(m.randn(2, generator=m.manual_seed(1)).shape))
    assert facts(tg) == facts(torch)


def test_the_default_generator_drives_the_global_draws() -> None:
    """Seeding through the returned generator reseeds the library's draws, as torch's."""
    g = tg.manual_seed(0)
    first = tg.rand(3).tolist()
    g.manual_seed(0)
    assert tg.rand(3).tolist() == first
    splits = [tg.utils.data.random_split(range(10), [7, 3], generator=tg.manual_seed(42))[1]
              .indices for _ in range(2)]
    assert splits[0] == splits[1]


def test_random_default_generator_is_what_manual_seed_returns_as_torch() -> None:
    for m in (tg, torch):
        assert m.manual_seed(1) is m.random.default_generator


def test_top_level_default_generator_is_what_manual_seed_returns_as_torch() -> None:
    for m in (tg, torch):
        assert m.manual_seed(5) is m.default_generator
        assert m.default_generator.initial_seed() == 5
