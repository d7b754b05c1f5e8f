"""The node protocol, the one graph walk and the chain rule (no op knowledge).

In the order the code runs: what the walk needs from a recorded op (``Node``) and from a
leaf (``Leaf``); how gradients add up (``LazyGrad``); ``walk``, the one iterative walk
behind ``backward``, ``grad()`` and drawing (``iter_nodes``). Nothing recurses: a chain of
a million ops is fine. The switches ``Function.apply`` reads while recording (grad mode,
anomaly mode) are ``grad_mode.py``'s.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from .grad_mode import _mode, set_grad_enabled

_ndarray = np.ndarray  # (bound once: a cached global where compiled, see _compiled.py)


class Node:
    """What the walk needs from a recorded op (``Function`` implements it): ``parents[i]``
    is input i's node (a ``Node``, a ``Leaf``, or None: no gradient); ``seq`` grows with
    recording order, so parents have smaller numbers; ``run_backward`` gives one gradient
    per parent as (parent, gradient) pairs at the inputs' shapes (None parents and None
    gradients left out), and with ``release`` frees its saved values after (``release()``
    alone does that too)."""

    __slots__ = ()
    # (C fields where compiled: engine.pxd; slots of ``Function`` as Python)
    seq: int
    hooks: list[Callable[[Any], Any]] | None
    retained: Callable[[], Leaf | None] | None  # the output tensor, kept by retain_grad()

    @property
    def parents(self) -> tuple[Node | Leaf | None, ...]:
        raise NotImplementedError

    @property
    def metadata(self) -> dict[str, Any]:  # what recorders attach (scope, traceback_)
        raise NotImplementedError

    def name(self) -> str:
        raise NotImplementedError

    def run_backward(self, g: Any, create: bool, release: bool) -> list[tuple[Any, Any]]:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class Leaf(Protocol):
    """A tensor created by the user that requires grad: where gradients end up."""

    _hooks: list[Callable[[Any], Any]] | None

    def _accumulate_grad(self, g: Any, create: bool, fresh: bool) -> None: ...


class LazyGrad:
    """The accumulation protocol: a gradient in a cheaper form than a dense array. Ops
    return them (the concrete forms live beside those ops); later contributions may
    ``merge`` into one, and backward and leaves get its ``dense()`` form, a new array (or a
    Tensor under create_graph, where nothing merges)."""

    __slots__ = ("shape", "dtype")
    shape: tuple[int, ...]
    dtype: np.dtype

    def dense(self) -> Any:
        raise NotImplementedError

    def merge(self, other: Any) -> bool:
        return False


def _dense(g: Any) -> Any:
    return g.dense() if isinstance(g, LazyGrad) else g


def _sum(cur: Any, g: Any, create: bool) -> Any:
    """A pending gradient plus one more contribution (never in place: arrays may be shared)."""
    if not create and isinstance(cur, LazyGrad) and cur.merge(g):
        return cur
    return _dense(cur) + _dense(g)


def walk(
    roots: Sequence[Node | Leaf],
    seeds: Sequence[Any],
    visit: Callable[[Any, Any, bool], Sequence[tuple[Any, Any]]] | None = None,
    create: bool = False,
    release: bool = False,
    capture: dict[int, int] | None = None,
    needed: set[int] | None = None,
) -> list[Any]:
    """The one graph walk: each reachable node once, with ``g`` its summed gradient, after
    every node that consumed it.

    Op nodes run newest first (a heap of ``-seq`` ints; leaves last); an op is recorded
    after its inputs, so a node runs once its gradient is complete. A node enters the heap
    when its first gradient arrives, so branches that receive no gradient are never visited.

    With ``visit``, the walk calls ``visit(node, g, fresh)`` (``fresh``: only the engine
    holds ``g``), which returns the (parent, gradient) pairs to pass on (drawing's
    ``iter_nodes``). Without, the walk is the chain rule (``backward``, ``grad()``): a node's
    hooks and ``retain_grad``, then its ``run_backward``; a leaf's hooks, then its
    ``.grad``; or, with ``capture`` ({id(node): slot}), the gradients of those nodes are
    returned per slot instead of touching ``.grad``. (No callback per node: this loop is
    the hot path of every backward.)

    With ``capture``, only what lies on a path to a captured node runs, as in PyTorch: no
    other node's backward or hooks, no other leaf's hooks, and a captured node's own
    backward only when another captured node lies below it: ``needed``, the set
    ``_needed(roots, capture)`` that ``run_backward`` works out for its pass record too.
    """
    captured: list[Any] = [None] * (len(capture) if capture else 0)
    grads: dict[int, Any] = {}  # pending gradients, by key: -seq for a node, id for a leaf
    waiting: dict[int, Any] = {}  # the node or leaf of each key
    heap: list[int] = []
    leaves: list[int] = []
    push, pop = heapq.heappush, heapq.heappop
    pairs: Sequence[tuple[Any, Any]] = list(zip(roots, seeds))
    while True:
        if needed is not None:
            pairs = [pg for pg in pairs if id(pg[0]) in needed]
        # a chain's fast path: one gradient for a node newer than every pending one and with
        # none pending itself is that node's whole gradient, and it runs next (no heap, no dicts)
        if len(pairs) == 1 and isinstance(v := pairs[0][0], Node) and (
                (key := -_seq(v)) not in grads and (not heap or key < heap[0])):
            g = pairs[0][1]
        else:
            for p, gp in pairs:
                node = isinstance(p, Node)
                key = -_seq(p) if node else id(p)
                if key in grads:
                    grads[key] = _sum(grads[key], gp, create)
                    continue
                grads[key] = gp
                waiting[key] = p
                push(heap, key) if node else leaves.append(key)
            if heap:
                key = pop(heap)
            elif leaves:
                key = leaves.pop()
            else:
                return captured
            g = grads.pop(key)
            v = waiting.pop(key)
        fresh = type(g) is not _ndarray and isinstance(g, LazyGrad)
        if fresh:
            g = g.dense()
        if visit is not None:
            pairs = visit(v, g, fresh)
        elif key < 0:  # an op node (seq >= 1)
            op: Node = v  # (typed: where compiled, its fields are C fields)
            if op.hooks:
                g = run_hooks(op.hooks, g)
            if capture is None:
                if op.retained is not None and (t := op.retained()) is not None:
                    t._accumulate_grad(g, create, False)
            elif id(v) in capture:
                captured[capture[id(v)]] = g
                if needed is not None and not any(
                        p is not None and id(p) in needed for p in op.parents):
                    pairs = ()  # nothing captured below it: its backward is not needed
                    continue
            pairs = op.run_backward(g, create, release)
        else:  # a leaf
            if v._hooks:
                g, fresh = run_hooks(v._hooks, g), False
            if capture is None:
                v._accumulate_grad(g, create, fresh)
            elif id(v) in capture:
                captured[capture[id(v)]] = g
            pairs = ()


def _needed(roots: Sequence[Any], targets: dict[int, int] | None) -> set[int]:
    """The ids of the nodes and leaves on some path from ``roots`` down to a node or leaf
    whose id is in ``targets``: what ``grad()`` and ``backward(inputs=...)`` must run
    (PyTorch's engine runs nothing else); with ``targets`` None, of every node and leaf
    reachable from ``roots`` (what a plain ``backward()`` runs). One iterative depth-first
    pass, parents before the node that consumed them (a node is needed when it is a target
    or a parent is)."""
    needed: set[int] = set()
    seen: set[int] = set()
    stack: list[Any] = [(r, None) for r in roots]  # (v, None): to visit; (v, parents): to decide
    while stack:
        v, parents = stack.pop()
        if parents is not None:
            k = id(v)
            if targets is None or k in targets:
                needed.add(k)
            else:
                for p in parents:
                    if p is not None and id(p) in needed:
                        needed.add(k)
                        break
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        parents = v.parents if isinstance(v, Node) else ()
        stack.append((v, parents))
        for p in parents:
            if p is not None and id(p) not in seen:
                stack.append((p, None))
    return needed


def _seq(node: Node) -> int:
    """``node.seq`` (where compiled, a C function reading the C field: engine.pxd)."""
    return node.seq


def run_hooks(hooks: list[Callable[[Any], Any]], g: Any) -> Any:
    """Gradient ``g`` through tensor hooks; each may return a replacement."""
    for hook in hooks:
        g = h if (h := hook(g)) is not None else g
    return g


def run_backward(
    roots: Sequence[Node | Leaf],
    seeds: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: dict[int, int] | None = None,
) -> list[Any] | None:
    """The chain rule from ``roots`` (nodes) seeded with ``seeds``: gradients accumulate
    into the leaves' ``.grad``, or with ``capture`` ({id(node): slot}) are returned per slot.
    While it runs, ``current_pass()`` describes it (nested passes restore the outer one)."""
    needed = _needed(roots, capture) if capture else None
    outer, tracking = _current[0], _mode.tracking
    _current[0] = BackwardPass(next(_pass_ids), roots, needed)
    # what a create_graph backward records stays visible to the cyclic GC (function._untrack)
    _mode.tracking = tracking or create_graph
    try:
        with set_grad_enabled(create_graph):
            captured = walk(roots, seeds, None, create_graph, not retain_graph, capture,
                            needed)
    finally:
        _current[0], _mode.tracking = outer, tracking
    return captured if capture is not None else None


class BackwardPass:
    """The backward pass running now, for hooks that must tell passes apart or know what a
    pass will reach (``autograd.graph.register_multi_grad_hook``; PyTorch's graph task):
    ``id``, unique per pass, and ``will_run(v)``, whether it runs node or leaf ``v``."""

    __slots__ = ("id", "_roots", "_runs")

    def __init__(self, id: int, roots: Sequence[Any], needed: set[int] | None) -> None:
        self.id, self._roots, self._runs = id, roots, needed

    def will_run(self, v: Any) -> bool:
        """True when this pass runs ``v`` (a node, or a leaf Tensor): it lies on a path
        to an input of ``grad()`` / ``backward(inputs=...)``, or, for a plain backward,
        it is reachable from the roots (worked out at the first question)."""
        if self._runs is None:
            self._runs = _needed(self._roots, None)
        return id(v) in self._runs


_current: list[BackwardPass | None] = [None]
_pass_ids = itertools.count(1)


def current_pass() -> BackwardPass | None:
    """The backward pass running now (None outside backward)."""
    return _current[0]


def iter_nodes(*roots: Any) -> Iterator[Node | Leaf]:
    """Every node reachable from ``roots`` (nodes, or Tensors: their ``grad_fn`` or a leaf
    itself), consumers first: backward's walk with a dummy gradient for every parent."""
    roots = tuple(r.grad_fn if getattr(r, "grad_fn", None) is not None else r for r in roots)
    order: list[Any] = []

    def visit(v: Any, g: Any, fresh: bool) -> Sequence[tuple[Any, Any]]:
        order.append(v)
        return [(p, 0) for p in v.parents if p is not None] if isinstance(v, Node) else ()

    walk(roots, [0] * len(roots), visit, create=True)
    return iter(order)
