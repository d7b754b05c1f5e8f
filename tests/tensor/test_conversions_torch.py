"""A tensor as a Python number, an index, or in another dtype, against PyTorch: ``item()``,
``int()`` / ``float()`` / ``complex()``, ``__index__``, ``detach_()`` of a view, and Python's
``float`` / ``int`` as dtypes (float64 / int64 in PyTorch, whatever the default dtype)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

Case = Callable[[Any], Any]


def _outcome(case: Case, lib: Any) -> Any:
    """('ok', value) or ('raises', exception class); dtypes by their short name, Tensors as
    lists."""
    try:
        value = case(lib)
    except Exception as e:  # noqa: BLE001 (the exception is the outcome compared)
        return "raises", type(e)
    if isinstance(value, (np.dtype, torch.dtype)):
        return "ok", str(value).rsplit(".", 1)[-1]
    if isinstance(value, (tg.Tensor, torch.Tensor)):
        return "ok", value.tolist()
    return "ok", value


NUMBERS: dict[str, Case] = {
    "item of 2 elements": lambda L: L.ones(2).item(),
    "item of 0 elements": lambda L: L.ones(0).item(),
    "item of 1 element": lambda L: L.ones(1, 1).item(),
    "int of 2 elements": lambda L: int(L.ones(2)),
    "float of 0 elements": lambda L: float(L.ones(0)),
    "float of 1 element": lambda L: float(L.tensor([[2.5]])),
    "int of a float": lambda L: int(L.tensor(-2.7)),
    "complex of a float": lambda L: complex(L.tensor(1.5)),
    "complex of a complex": lambda L: complex(L.tensor(1.5 + 2j)),
    "complex of 2 elements": lambda L: complex(L.ones(2)),
    "float of a real complex": lambda L: float(L.tensor(1.5 + 0j)),
    "float of a complex": lambda L: float(L.tensor(1.5 + 1j)),
    "int of a real complex": lambda L: int(L.tensor(2.5 + 0j)),
    "bool of 2 elements": lambda L: bool(L.ones(2)),
}

INDEXES: dict[str, Case] = {
    "list index by a 0-d int": lambda L: ["a", "b", "c"][L.tensor(2)],
    "list index by a 1-element int": lambda L: ["a", "b", "c"][L.tensor([1])],
    "range bound by a 0-d bool": lambda L: list(range(L.tensor(True))),
    "index by a 2-element int": lambda L: ["a", "b"][L.tensor([0, 1])],
    "index by a float": lambda L: ["a", "b"][L.tensor(1.0)],
    "operator.index of uint8": lambda L: L.tensor(7, dtype=L.uint8).__index__(),
}

DETACH: dict[str, Case] = {
    "detach_ a view of a leaf": lambda L: L.ones(3, requires_grad=True)[:2].detach_(),
    "detach_ a view": lambda L: L.ones(3)[1:].detach_(),
    "detach_ a non-leaf": lambda L: (L.ones(3, requires_grad=True) * 2).detach_().requires_grad,
    "detach_ a leaf": lambda L: L.ones(3, requires_grad=True).detach_().requires_grad,
}

PYTHON_TYPES: dict[str, Case] = {
    "zeros dtype=float": lambda L: L.zeros(2, dtype=float).dtype,
    "zeros dtype=int": lambda L: L.zeros(2, dtype=int).dtype,
    "zeros dtype=bool": lambda L: L.zeros(2, dtype=bool).dtype,
    "tensor dtype=float": lambda L: L.tensor([1, 2], dtype=float).dtype,
    "tensor dtype=complex": lambda L: L.tensor([1, 2], dtype=complex).dtype,
    "full dtype=float": lambda L: L.full((2,), 1, dtype=float).dtype,
    "arange dtype=float": lambda L: L.arange(3, dtype=float).dtype,
    "ones_like dtype=float": lambda L: L.ones_like(L.ones(2), dtype=float).dtype,
    "new_zeros dtype=float": lambda L: L.ones(2).new_zeros(2, dtype=float).dtype,
    "to(float)": lambda L: L.ones(2).to(float).dtype,
    "to(int)": lambda L: L.ones(2).to(int).dtype,
    "sum dtype=float": lambda L: L.ones(2).sum(dtype=float).dtype,
    "type(float)": lambda L: L.ones(2).type(float),
    "type(int)": lambda L: L.ones(2).type(int),
    "float32 default, dtype=float still float64": lambda L: L.zeros(1, dtype=float).dtype,
}

CASES = {**NUMBERS, **INDEXES, **DETACH, **PYTHON_TYPES}


@pytest.mark.parametrize("name", list(CASES))
def test_conversion_as_pytorch(name: str) -> None:
    ours, theirs = _outcome(CASES[name], tg), _outcome(CASES[name], torch)
    if ours[0] == theirs[0] == "raises":  # PyTorch's class, or a subclass of it
        assert issubclass(ours[1], theirs[1]), (ours, theirs)
    else:
        assert ours == theirs


def test_item_error_is_also_a_value_error() -> None:
    """Earlier releases raised ValueError: code that catches it keeps working."""
    with pytest.raises(ValueError, match="a Tensor with 2 elements cannot be converted"):
        tg.ones(2).item()


def test_float_is_float64_under_another_default_dtype() -> None:
    before = tg.get_default_dtype()
    tg.set_default_dtype(tg.float64)
    try:
        assert tg.zeros(1, dtype=float).dtype == tg.float64
        assert tg.zeros(1).dtype == tg.float64
    finally:
        tg.set_default_dtype(before)
    assert tg.zeros(1, dtype=float).dtype == tg.float64 and tg.zeros(1).dtype == tg.float32


def test_dtype_is_the_class_of_every_dtype_as_in_pytorch() -> None:
    """``isinstance(x, torch.dtype)``, as programs test a dtype argument."""
    for lib in (tg, torch):
        assert isinstance(lib.float32, lib.dtype) and isinstance(lib.ones(1).dtype, lib.dtype)
        assert isinstance(lib.long, lib.dtype) and isinstance(lib.bool, lib.dtype)
        assert not isinstance("float32", lib.dtype) and not isinstance(float, lib.dtype)
