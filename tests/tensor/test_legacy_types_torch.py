"""PyTorch's legacy tensor types (``FloatTensor`` ...) as types: constructing, ``isinstance``,
``x.type(FloatTensor)`` / ``x.type('torch.DoubleTensor')`` casts, and ``x.type()`` naming
the legacy type (the idioms of older PyTorch programs such as PyTorch-GAN's)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
         "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]


def _lib(name: str) -> Any:
    return torch if name == "torch" else tg


@pytest.mark.parametrize("name", NAMES)
def test_legacy_type_isinstance_cast_and_name(name: str) -> None:
    results = []
    for lib in (torch, tg):
        cls = getattr(lib, name)
        x = lib.ones(2, 3)
        y = x.type(cls)
        z = x.type(f"torch.{name}")
        results.append((isinstance(x, cls), isinstance(y, cls), str(y.dtype).split(".")[-1],
                        str(z.dtype).split(".")[-1], y.type().split(".")[-1],
                        str(cls.dtype).split(".")[-1], isinstance(cls, type),
                        y.detach().numpy().tolist()))
    assert results[1] == results[0]


@pytest.mark.parametrize("lib_name", ["torch", "tg"])
def test_legacy_constructors_and_errors(lib_name: str) -> None:
    lib = _lib(lib_name)
    assert tuple(lib.FloatTensor(2, 3).shape) == (2, 3)
    np.testing.assert_array_equal(lib.LongTensor([1, 2]).numpy(), [1, 2])
    assert str(lib.LongTensor([1, 2]).dtype).endswith("int64")
    assert lib.ones(2).type() in ("torch.FloatTensor", "tinygrad_nn.FloatTensor")
    with pytest.raises(ValueError, match="invalid type: 'torch.Foo'"):
        lib.ones(2).type("torch.Foo")
