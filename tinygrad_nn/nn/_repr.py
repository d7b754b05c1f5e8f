"""Module.__repr__: the tree printed like PyTorch, iteratively (deep models print fine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A Module; not imported, because module.py imports this file (imports point one way).
Module = Any


# A module's repr is built bottom-up as a "rope": a list of (depth, prefix, part) where a
# part is a line or a child's rope; one iterative pass flattens it, so a deep tree costs
# time linear in its size (re-indenting strings level by level would be quadratic).
def _rope(m: Module, kids: dict[int, list[Any]], base: Callable[..., str]) -> list[Any]:
    if type(m).__repr__ is not base:  # a user's own __repr__
        return [(0, "", line) for line in repr(m).split("\n")]
    extra = m.extra_repr()
    extra_lines = extra.split("\n") if extra else []
    children = [(k, c) for k, c in m._modules.items() if c is not None]
    if getattr(m, "_compress_repr", False):  # ModuleList: (0-2): 3 x Linear(...)
        blocks: list[list[Any]] = []
        for i, (_, c) in enumerate(children):
            text = _flatten(kids[id(c)])
            if blocks and blocks[-1][2] == text:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, text, kids[id(c)]])
        child_parts = [(1, f"({a}): " if a == b else f"({a}-{b}): {b - a + 1} x ", r)
                       for a, b, _, r in blocks]
    else:
        child_parts = [(1, f"({k}): ", kids[id(c)]) for k, c in children]
    name = m._get_name() + "("
    if not child_parts and len(extra_lines) <= 1:
        return [(0, "", name + (extra_lines[0] if extra_lines else "") + ")")]
    return [(0, "", name), *[(1, "", line) for line in extra_lines], *child_parts, (0, "", ")")]


def _flatten(rope: list[Any]) -> str:
    lines: list[str] = []
    stack: list[tuple[int, str, Any]] = [(0, "", rope)]
    while stack:
        depth, prefix, part = stack.pop()
        if isinstance(part, str):
            lines.append("  " * depth + prefix + part)
            continue
        # the prefix "(name): " goes before a rope's first item, which is always a line
        items = [(depth + d, (prefix if i == 0 else "") + p, x) for i, (d, p, x) in enumerate(part)]
        stack.extend(reversed(items))
    return "\n".join(lines)


def render(root: Module, base: Callable[..., str]) -> str:
    """PyTorch's module tree repr, built without recursion; ``base`` is Module.__repr__
    (a subclass overriding it prints its own text)."""
    kids: dict[int, list[Any]] = {}
    stack: list[tuple[Module, bool]] = [(root, False)]
    while stack:
        m, done = stack.pop()
        if done:
            kids[id(m)] = _rope(m, kids, base)
        elif id(m) not in kids:
            stack.append((m, True))
            if type(m).__repr__ is base:
                stack.extend((c, False) for c in m._modules.values()
                             if c is not None and id(c) not in kids)
    return _flatten(kids[id(root)])
