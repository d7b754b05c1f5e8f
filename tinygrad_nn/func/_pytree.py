"""Nested containers of values (PyTorch's pytrees): flatten to leaves and back.

Containers are tuples, lists, dicts (insertion order, as PyTorch's; OrderedDict and
defaultdict rebuilt as such) and namedtuples; every other value, None included, is a leaf
(as in torch.utils._pytree). Walks are iterative.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any


class TreeSpec:
    """The shape of a pytree: its container type, keys and children (leaves are None)."""

    __slots__ = ("kind", "keys", "children")

    def __init__(self, kind: type | None, keys: Any, children: list[TreeSpec | None]) -> None:
        self.kind, self.keys, self.children = kind, keys, children

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TreeSpec) and self.kind is other.kind
                and self.keys == other.keys and self.children == other.children)

    def __hash__(self) -> int:
        return hash((self.kind, len(self.children)))

    def __repr__(self) -> str:
        inner = ", ".join("*" if c is None else repr(c) for c in self.children)
        name = getattr(self.kind, "__name__", "leaf")
        return f"TreeSpec({name}, {self.keys!r}, [{inner}])"


def _children(x: Any) -> tuple[type, Any, list[Any]] | None:
    """(container type, keys, children) of a container, None for a leaf."""
    if isinstance(x, defaultdict):
        return type(x), (x.default_factory, list(x)), list(x.values())
    if isinstance(x, dict):
        return type(x), list(x), list(x.values())
    if isinstance(x, tuple) and hasattr(type(x), "_fields"):  # a namedtuple
        return type(x), None, list(x)
    if isinstance(x, (tuple, list)):
        return type(x), None, list(x)
    return None


def tree_flatten(tree: Any) -> tuple[list[Any], TreeSpec | None]:
    """(leaves left to right, spec); the spec of a lone leaf is None."""
    leaves: list[Any] = []
    top = _children(tree)
    if top is None:
        return [tree], None
    root = TreeSpec(top[0], top[1], [])
    stack: list[tuple[TreeSpec, list[Any], int]] = [(root, top[2], 0)]
    while stack:
        spec, kids, i = stack.pop()
        if i == len(kids):
            continue
        stack.append((spec, kids, i + 1))
        sub = _children(kids[i])
        if sub is None:
            leaves.append(kids[i])
            spec.children.append(None)
        else:
            child = TreeSpec(sub[0], sub[1], [])
            spec.children.append(child)
            stack.append((child, sub[2], 0))
    return leaves, root


def tree_unflatten(leaves: list[Any], spec: TreeSpec | None) -> Any:
    """The pytree of shape ``spec`` holding ``leaves`` in order (inverse of tree_flatten)."""
    it = iter(leaves)
    if spec is None:
        return next(it)
    top: list[Any] = []
    stack: list[tuple[TreeSpec, list[Any], list[Any]]] = [(spec, [], top)]
    while stack:  # (a container, its children built so far, where it goes when complete)
        s, built, dest = stack[-1]
        if len(built) == len(s.children):
            stack.pop()
            dest.append(_build(s, built))
            continue
        child = s.children[len(built)]
        if child is None:
            built.append(next(it))
        else:
            stack.append((child, [], built))
    return top[0]


def _build(spec: TreeSpec, kids: list[Any]) -> Any:
    kind: Any = spec.kind
    assert kind is not None
    if issubclass(kind, defaultdict):
        return kind(spec.keys[0], zip(spec.keys[1], kids))
    if issubclass(kind, dict):
        return kind(zip(spec.keys, kids))
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return kind(*kids)
    return kind(kids)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """The same pytree with ``fn`` applied to every leaf."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix: Any, spec: TreeSpec | None,
                     is_leaf: Callable[[Any], bool]) -> list[Any] | None:
    """``prefix`` (a pytree whose leaves satisfy ``is_leaf``, a prefix of ``spec``) spread
    to one entry per leaf of ``spec``; None when it does not fit (vmap's in_dims, out_dims)."""
    out: list[Any] = []
    stack: list[tuple[Any, TreeSpec | None]] = [(prefix, spec)]
    while stack:
        p, s = stack.pop()
        if is_leaf(p):
            out.extend([p] * (_count(s)))
            continue
        sub = _children(p)
        if sub is None or s is None or sub[0] is not s.kind or sub[1] != s.keys \
                or len(sub[2]) != len(s.children):
            return None
        stack.extend(reversed(list(zip(sub[2], s.children))))
    return out


def _count(spec: TreeSpec | None) -> int:
    n, stack = 0, [spec]
    while stack:
        s = stack.pop()
        if s is None:
            n += 1
        else:
            stack.extend(s.children)
    return n
