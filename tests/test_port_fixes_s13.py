"""``torch.cuda``'s legacy tensor types on a CPU-only library, against PyTorch's CPU build:
the old DCGAN asks ``isinstance(input.data, torch.cuda.FloatTensor)`` to choose its multi-GPU
path (the names were missing: AttributeError)."""

from __future__ import annotations

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
