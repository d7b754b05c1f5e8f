"""default_collate and default_convert side by side with torch.utils.data's: the types
(a tinygrad_nn Tensor where torch gives a torch.Tensor), dtypes, values, containers and errors."""

from __future__ import annotations

import collections
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")
Pair = namedtuple("Pair", ["a", "b"])


class Tagged(list):  # a list subclass with an attribute: kept by PyTorch's shallow copy
    tag = "t"


def describe(x: Any, lib: Any) -> Any:
    """A library-neutral description: container types, dtype names, shapes and values; a
    tensor must be ``lib``'s own Tensor class."""
    if isinstance(x, (torch.Tensor, tg.Tensor)):
        assert type(x) is lib.Tensor, f"{type(x)} is not {lib.__name__}.Tensor"
        return ("tensor", str(x.dtype).removeprefix("torch."), tuple(x.shape), x.tolist())
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.tolist())
    if isinstance(x, np.generic):
        return ("numpy scalar", str(x.dtype), x.item())
    if isinstance(x, collections.abc.Mapping):
        return (type(x).__name__, [(k, describe(v, lib)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, getattr(x, "tag", None), [describe(v, lib) for v in x])
    return (type(x).__name__, x)


def outcome(fn: Callable[[Any], Any], arg: Any, lib: Any) -> Any:
    try:
        return describe(fn(arg), lib)
    except Exception as exc:  # compared with torch's: type and message
        return ("raises", type(exc).__name__, str(exc))


def both(make: Callable[[Any], Any], ours: Callable[[Any], Any],
         theirs: Callable[[Any], Any]) -> tuple[Any, Any]:
    return outcome(ours, make(tg), tg), outcome(theirs, make(torch), torch)


COLLATE: dict[str, Callable[[Any], Any]] = {
    "floats -> float64": lambda m: [1.0, 2.5],
    "ints -> int64": lambda m: [1, 2],
    "bools -> bool": lambda m: [True, False],
    "int then float -> default float": lambda m: [1, 2.5],
    "float then int -> float64": lambda m: [1.5, 2],
    "bool then int -> int64": lambda m: [True, 2],
    "bool then float": lambda m: [True, 1.5],
    "numpy float32 scalars": lambda m: [np.float32(1), np.float32(2)],
    "numpy int32 and float32 scalars": lambda m: [np.int32(1), np.float32(2)],
    "numpy float32 scalar and a float": lambda m: [np.float32(1), 2.5],
    "numpy float32 and float64 scalars": lambda m: [np.float32(1), np.float64(2)],
    "numpy float16 scalar and an int": lambda m: [np.float16(1), 2],
    "numpy int64 and int32 scalars": lambda m: [np.int64(1), np.int32(2)],
    "numpy bool scalars": lambda m: [np.bool_(True), np.bool_(False)],
    "numpy uint8 scalars": lambda m: [np.uint8(1), np.uint8(200)],
    "numpy float64 scalars (float subclass)": lambda m: [np.float64(1), np.float64(2)],
    "numpy arrays": lambda m: [np.ones((2, 3)), np.zeros((2, 3))],
    "numpy int32 arrays": lambda m: [np.arange(3, dtype=np.int32)] * 2,
    "numpy 0-d arrays": lambda m: [np.array(1.0, np.float32), np.array(2.0, np.float32)],
    "numpy arrays of two dtypes": lambda m: [np.ones(2, np.float32), np.ones(2)],
    "numpy arrays of unequal shapes": lambda m: [np.ones(2), np.ones(3)],
    "numpy object array": lambda m: [np.array([1, None])] * 2,
    "numpy string array": lambda m: [np.array(["a"])] * 2,
    "numpy datetime64 scalar": lambda m: [np.datetime64("2020-01-01")] * 2,
    "numpy str_": lambda m: [np.str_("a"), np.str_("b")],
    "0-d tensors": lambda m: [m.tensor(1.0), m.tensor(2.0)],
    "int tensors": lambda m: [m.tensor([1, 2]), m.tensor([3, 4])],
    "tensors of unequal shapes": lambda m: [m.ones(2), m.ones(3)],
    "tensors of unequal 2-d shapes": lambda m: [m.ones(2, 3), m.ones(2, 3), m.ones(2, 4)],
    "tensors of unequal ranks": lambda m: [m.ones(2), m.ones(2, 1)],
    "strings": lambda m: ["a", "b"],
    "bytes": lambda m: [b"a", b"b"],
    "None": lambda m: [None, None],
    "objects": lambda m: [Pair] * 2,
    "dicts": lambda m: [{"x": 1.0, "y": np.ones(2, np.float32)},
                        {"x": 2.0, "y": np.zeros(2, np.float32)}],
    "OrderedDicts": lambda m: [collections.OrderedDict(b=1, a=2)] * 2,
    "defaultdicts": lambda m: [collections.defaultdict(list, a=1),
                               collections.defaultdict(list, a=2)],
    "namedtuples": lambda m: [Pair(1, "x"), Pair(2, "y")],
    "tuples (transposed, strings kept)": lambda m: [("a", 1, 0.5), ("b", 2, 1.5)],
    "lists (transposed)": lambda m: [[1, 2.0], [3, 4.0]],
    "list subclass": lambda m: [Tagged([1, 2]), Tagged([3, 4])],
    "lists of unequal sizes": lambda m: [[1, 2], [3]],
    "ranges": lambda m: [range(2), range(2)],
    "nested": lambda m: [{"x": [np.ones(2), (1, "s")], "y": Pair(m.ones(1), 2.0)}] * 2,
}


@pytest.mark.parametrize("name", list(COLLATE))
def test_default_collate_matches_torch(name: str) -> None:
    ours, theirs = both(COLLATE[name], tg.data.default_collate,
                        torch.utils.data.default_collate)
    assert ours == theirs


CONVERT: dict[str, Callable[[Any], Any]] = {
    "int": lambda m: 1,
    "float": lambda m: 1.5,
    "bool": lambda m: True,
    "numpy float32 scalar": lambda m: np.float32(1),
    "numpy int64 scalar": lambda m: np.int64(3),
    "numpy bool scalar": lambda m: np.bool_(True),
    "numpy array": lambda m: np.ones(2, np.float32),
    "numpy 0-d array": lambda m: np.array(2),
    "numpy str_": lambda m: np.str_("a"),
    "numpy string array": lambda m: np.array(["a"]),
    "numpy object array": lambda m: np.array([1, None]),
    "str": lambda m: "a",
    "bytes": lambda m: b"a",
    "None": lambda m: None,
    "tensor": lambda m: m.ones(2),
    "dict": lambda m: {"a": np.float64(1), "b": [np.ones(1), 2]},
    "defaultdict": lambda m: collections.defaultdict(list, a=np.int32(1)),
    "namedtuple": lambda m: Pair(np.float32(1), 2),
    "tuple -> list": lambda m: (np.float32(1), "s"),
    "list subclass": lambda m: Tagged([np.int8(1), 2.0]),
    "range -> list": lambda m: range(3),
}


@pytest.mark.parametrize("name", list(CONVERT))
def test_default_convert_matches_torch(name: str) -> None:
    ours, theirs = both(CONVERT[name], tg.data.default_convert,
                        torch.utils.data.default_convert)
    assert ours == theirs


def test_default_convert_shares_the_array_memory_as_torch_as_tensor() -> None:
    x = np.zeros(3, np.float32)
    t = tg.data.default_convert(x)
    x[0] = 5
    assert t.tolist() == [5.0, 0.0, 0.0]


def test_default_collate_of_tensors_keeps_the_graph() -> None:
    w = tg.ones(2, requires_grad=True)
    batch = tg.data.default_collate([w * 2, w * 3])
    batch.sum().backward()
    assert w.grad is not None and w.grad.tolist() == [5.0, 5.0]
