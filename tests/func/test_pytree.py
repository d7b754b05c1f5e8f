"""The pytrees behind torch.func's structures: the same leaves and order as
torch.utils._pytree, round trips, and in_dims/out_dims prefixes."""

from __future__ import annotations

from collections import OrderedDict, defaultdict, namedtuple
from typing import Any

import pytest

from tinygrad_nn.func._pytree import broadcast_prefix, tree_flatten, tree_map, tree_unflatten

Pair = namedtuple("Pair", "a b")
TREES: list[Any] = [
    3,
    None,
    (1, 2),
    [],
    {"b": 1, "a": (2, None, [3, Pair(4, {"z": 5})]), "c": 6},
    OrderedDict([("y", [1, (2,)]), ("x", 3)]),
    ((((1,),),), 2),
    defaultdict(list, {"k": [1, 2], "j": 3}),
]


@pytest.mark.parametrize("tree", TREES, ids=repr)
def test_round_trip_and_types(tree: Any) -> None:
    leaves, spec = tree_flatten(tree)
    back = tree_unflatten(leaves, spec)
    assert back == tree and type(back) is type(tree)
    assert tree_unflatten(leaves, tree_flatten(back)[1]) == tree


@pytest.mark.parametrize("tree", TREES, ids=repr)
def test_leaves_as_torch(tree: Any) -> None:
    pytree = pytest.importorskip("torch.utils._pytree")
    assert tree_flatten(tree)[0] == pytree.tree_flatten(tree)[0]


def test_tree_map_and_specs() -> None:
    tree = {"a": (1, 2), "b": [3]}
    assert tree_map(lambda x: x * 10, tree) == {"a": (10, 20), "b": [30]}
    assert tree_flatten(tree)[1] == tree_flatten({"a": (5, 6), "b": [7]})[1]
    assert tree_flatten(tree)[1] != tree_flatten({"a": [5, 6], "b": [7]})[1]
    assert tree_flatten(tree)[1] != tree_flatten({"b": [7], "a": (5, 6)})[1]


def test_deep_trees_need_no_recursion() -> None:
    tree: Any = 0
    for _ in range(5000):
        tree = (tree,)
    leaves, spec = tree_flatten(tree)
    assert leaves == [0] and tree_unflatten([1], spec) is not None


def test_broadcast_prefix() -> None:
    spec = tree_flatten((7, {"w": 1, "b": 2}, [3, 4]))[1]

    def is_dim(x: Any) -> bool:
        return x is None or isinstance(x, int)

    assert broadcast_prefix(0, spec, is_dim) == [0] * 5
    assert broadcast_prefix((None, {"w": 1, "b": None}, 0), spec, is_dim) == [
        None, 1, None, 0, 0]
    assert broadcast_prefix((None, 0), spec, is_dim) is None  # too short
    assert broadcast_prefix((None, {"w": 1}, 0), spec, is_dim) is None  # other keys
