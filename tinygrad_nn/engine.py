"""Grad mode, the iterative topological walk and the chain rule (no op knowledge).

The graph's vertices are *nodes*: a ``Function`` instance (``ctx``) for every recorded
op, and the leaf Tensors that require grad. A node's ``parents`` holds, per input, the
input's node or ``None`` when that input needs no gradient. The walk never recurses, so
a chain of a million ops back-propagates without ``RecursionError``.
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ._shapes import unbroadcast


class _GradMode:
    enabled = True
    scope: object = None  # the module path being called, recorded on each node (drawing)


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when ops record the graph (the default)."""
    return _mode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Context manager / decorator that turns graph recording on or off."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_mode.enabled)
        _mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.prev.pop()


class no_grad(set_grad_enabled):
    """``with no_grad():`` records nothing (inference, in-place parameter updates)."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """``with enable_grad():`` records again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)


def node_of(t: Any) -> Any:
    """The graph node of a Tensor: its ``ctx`` if it was computed, itself if a leaf."""
    return t._ctx if t._ctx is not None else t


def toposort(root: Any) -> list[Any]:
    """Nodes reachable from ``root``, every node before its parents (iterative DFS)."""
    order: list[Any] = []
    visited: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    push = stack.append
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in visited:
            continue
        visited.add(id(v))
        push((v, True))
        if v._is_fn:
            for p in v.parents:
                if p is not None and id(p) not in visited:
                    push((p, False))
    order.reverse()
    return order


def _run_hooks(hooks: list[Callable[[Any], Any]], g: Any, tensor_cls: type, create: bool) -> Any:
    """Call tensor hooks on gradient ``g``; a hook may return a replacement."""
    gt = g if create else tensor_cls(g)
    for hook in hooks:
        out = hook(gt)
        if out is not None:
            gt = out if isinstance(out, tensor_cls) else tensor_cls(out)
    return gt if create else gt._data


def accumulate_grad(t: Any, g: Any, create: bool, fresh: bool = False) -> None:
    """Add gradient ``g`` into ``t.grad`` (a Tensor) like PyTorch: sum over calls.

    ``fresh``: ``g`` is an array only the engine holds, so it may become ``.grad`` itself.
    """
    tensor_cls = type(t)
    if create:
        gt = g if isinstance(g, tensor_cls) else tensor_cls(g)
        if gt.dtype != t.dtype:
            gt = gt.astype(t.dtype)
        t.grad = gt if t.grad is None else t.grad + gt
        return
    if g.dtype != t.dtype:
        g = g.astype(t.dtype)
    if t.grad is None:
        # otherwise a copy: the engine may hand the same array to several inputs
        keep = fresh and g.flags.c_contiguous and g.flags.writeable
        t.grad = tensor_cls(g if keep else np.array(g, order="C"))  # C-ordered, like the param
    elif t.grad._ctx is not None or t.grad.shape != g.shape:
        t.grad = tensor_cls(t.grad._data + g)
    else:
        t.grad._data += g


def run_backward(
    roots: Sequence[Any],
    seeds: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    tensor_cls: type,
    capture: dict[int, int] | None = None,
) -> list[Any] | None:
    """Apply the chain rule from ``roots`` (Tensors) seeded with ``seeds``.

    Without ``capture`` the gradients accumulate into the leaves' ``.grad``;
    with it (``{id(node): slot}``) they are returned per slot instead (``grad()``).

    Order: every op node has a sequence number from when it was recorded, and an op is
    always recorded after its inputs. So running nodes newest first (a heap keyed on the
    sequence number; leaves last) runs each node after every node that consumed it, i.e.
    once its gradient is complete. A node enters the heap when its first gradient arrives,
    so one pass does both the ordering and the chain rule, and branches that receive no
    gradient are never visited.
    """
    grads: dict[int, Any] = {}
    owned: set[int] = set()  # keys whose pending gradient the engine allocated (safe to add into)
    heap: list[tuple[int, int, Any]] = []
    push, pop = heapq.heappush, heapq.heappop
    for t, s in zip(roots, seeds):
        v = node_of(t)
        key = id(v)
        if key not in grads:
            push(heap, (-v._seq if v._is_fn else 1, key, v))
        _add(grads, owned, key, s, create_graph)
    captured: list[Any] = [None] * (len(capture) if capture else 0)

    with set_grad_enabled(create_graph):
        while heap:
            _, key, v = pop(heap)
            g = grads.pop(key)
            lazy = type(g) is not np.ndarray and isinstance(g, LazyGrad)
            if lazy:
                g = g.dense()
            if not v._is_fn:  # a leaf
                # made dense here, or a buffer the engine summed into: no one else holds it
                fresh = lazy or key in owned
                if v._hooks:
                    g = _run_hooks(v._hooks, g, tensor_cls, create_graph)
                    fresh = False
                if capture is not None:
                    if key in capture:
                        captured[capture[key]] = g
                else:
                    accumulate_grad(v, g, create_graph, fresh)
                continue
            if v._hooks:
                g = _run_hooks(v._hooks, g, tensor_cls, create_graph)
            if v._retained is not None:
                t = v._retained()
                if t is not None and capture is None:
                    accumulate_grad(t, g, create_graph)
            if capture is not None and key in capture:
                captured[capture[key]] = g
            gs = v._backward_node(g, create_graph)
            if not retain_graph:  # free the saved arrays now
                v._saved = None
                v._released = True
            for p, gp, shape in zip(v.parents, gs, v.in_shapes):
                if p is None or gp is None:
                    continue
                if getattr(gp, "shape", None) != shape:  # broadcast, or a bare number
                    gp = v._fit_grad(gp, shape)
                key = id(p)
                if key in grads:
                    _add(grads, owned, key, gp, create_graph)
                else:
                    grads[key] = gp
                    push(heap, (-p._seq if p._is_fn else 1, key, p))
    return captured if capture is not None else None


class LazyGrad:
    """A gradient kept in a cheaper form than a dense array until the engine needs it.

    The engine sums contributions into one buffer (``add_into``) or merges them
    (``merge``); a node's backward always receives a dense array (``dense``).
    """

    __slots__ = ("shape", "dtype")
    shape: tuple[int, ...]
    dtype: np.dtype

    def dense(self) -> np.ndarray:
        raise NotImplementedError

    def add_into(self, buf: np.ndarray) -> None:
        buf += self.dense()

    def merge(self, other: Any) -> bool:
        return False


class SliceGrad(LazyGrad):
    """Zero except ``g`` at the basic index ``idx``: the adjoint of x[idx].

    Slicing a tensor T times (an RNN reading one time step at a time) would otherwise
    allocate T full-size zero arrays; the engine adds these into one buffer instead.
    """

    __slots__ = ("g", "idx")

    def __init__(self, g: np.ndarray, idx: Any, shape: tuple[int, ...]) -> None:
        self.g, self.idx, self.shape, self.dtype = g, idx, shape, g.dtype

    def dense(self) -> np.ndarray:
        out = np.zeros(self.shape, dtype=self.dtype)
        out[self.idx] = self.g
        return out

    def add_into(self, buf: np.ndarray) -> None:
        buf[self.idx] += self.g


class OuterGrad(LazyGrad):
    """sum_i x_i.T @ g_i kept as pairs: a weight used at T steps (an RNN's W_hh) gets its
    gradient from ONE stacked product instead of T small ones and T additions."""

    __slots__ = ("pairs",)

    def __init__(self, x: np.ndarray, g: np.ndarray) -> None:
        self.pairs = [(x, g)]
        self.shape = (x.shape[1], g.shape[1])
        self.dtype = x.dtype if x.dtype == g.dtype else np.result_type(x, g)

    def dense(self) -> np.ndarray:
        if len(self.pairs) == 1:
            x, g = self.pairs[0]
        else:
            x = np.concatenate([p[0] for p in self.pairs])
            g = np.concatenate([p[1] for p in self.pairs])
        return x.T @ g

    def merge(self, other: Any) -> bool:
        if type(other) is OuterGrad and other.dtype == self.dtype:
            self.pairs.extend(other.pairs)
            return True
        return False


def _dense(g: Any) -> Any:
    return g.dense() if isinstance(g, LazyGrad) else g


def _add(grads: dict[int, Any], owned: set[int], key: int, gp: Any, create: bool) -> None:
    """grads[key] += gp, in place when the engine owns the buffer (never on a shared array)."""
    cur = grads.get(key)
    if cur is None:
        grads[key] = gp
        return
    if create:  # Tensors: recorded, never in place
        grads[key] = cur + _dense(gp)
        return
    if isinstance(cur, LazyGrad):
        if cur.merge(gp):  # cur is the engine's own object (made by the first contribution)
            return
        cur = cur.dense()
        owned.add(key)
    elif key not in owned or cur.dtype != gp.dtype:  # not ours to change: a fresh buffer
        if not isinstance(gp, LazyGrad):
            grads[key] = cur + gp
            owned.add(key)
            return
        cur = cur.astype(np.result_type(cur.dtype, gp.dtype), copy=True)
        owned.add(key)
    if isinstance(gp, LazyGrad):
        gp.add_into(cur)
    else:
        cur += gp
    grads[key] = cur


def fit_grad(gp: Any, shape: tuple[int, ...], who: str) -> Any:
    """Un-broadcast ``gp`` to an input's ``shape``; a shape that cannot be is an error."""
    try:
        out = unbroadcast(gp, shape)
    except (ValueError, TypeError):
        out = None
    if out is None or out.shape != shape:
        raise RuntimeError(
            f"{who}.backward returned a gradient of shape {tuple(gp.shape)} "
            f"for an input of shape {shape}"
        )
    return out


def iter_nodes(root: Any) -> Iterator[Any]:
    """Every node reachable from a Tensor, outputs first (for drawing and inspection)."""
    return iter(toposort(node_of(root)))
