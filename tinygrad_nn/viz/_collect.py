"""Walk the recorded graph into drawing units: which ops, leaves and constants to draw.

A *unit* is one drawn op node. Without folding it is one graph node; with folding it is a
class of ops that did the same computation (same op, shapes, module and k-hop ancestry,
e.g. one LSTM gate across all time steps), drawn once with a count. The ops come from the
engine's one graph walk (``iter_nodes``) in recording order; every loop here is iterative
(rule 7): graphs of 10^5 ops are fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engine import iter_nodes
from . import _nodes as N


@dataclass
class Unit:
    """One drawn op node (a class of identical ops when folded)."""

    node: Any  # the representative graph node (a Function instance)
    count: int = 1  # how many graph nodes it stands for
    members: list[Any] = field(default_factory=list)
    is_output: bool = False
    # input slot -> kind, ref: ("op", unit index) | ("leaf", Tensor) | ("const", shape)
    #                          | ("cut", hidden parent node)
    inputs: list[list[tuple[str, Any]]] = field(default_factory=list)
    box: tuple[Any, ...] | None = None  # max_scope_depth: the box this unit stands for
    const_src: dict[int, tuple[Any, int]] | None = None  # a box's input -> (member, slot)


@dataclass
class Walk:
    """Everything the DOT writer needs, inputs first (the order the program ran)."""

    units: list[Unit]  # every unit after the units it consumes
    leaves: list[Any]  # leaf Tensors (requires grad) feeding drawn ops, first use first
    outputs: list[Any]  # output Tensors in the order given
    hidden: int  # ops not drawn because of max_depth / max_ops
    cut_nodes: list[Any]  # hidden ops whose outputs feed drawn ops (drawn as "...")


def walk(outputs: list[Any], max_depth: int | None, max_ops: int | None,
         fold: int, scope_key: Any, names: dict[int, str] | None = None) -> Walk:
    """Collect the drawing units reachable from ``outputs`` (Tensors).

    ``names`` (``id(node)`` -> name): differently named ops never fold together, so
    distinct outputs (an LSTM's ``h_n`` and ``c_n``) stay apart.
    """
    roots = [N.node_of(t) for t in outputs if t.requires_grad]
    ops = [v for v in reversed(list(iter_nodes(*roots))) if N.is_op(v)]  # oldest first
    depth: dict[int, int] = {id(v): 0 for v in roots}
    for v in reversed(ops):  # consumers first, so a node's depth is final when reached
        d = depth[id(v)] + 1
        for p in N.parents(v):
            if p is not None and N.is_op(p) and depth.get(id(p), d + 1) > d:
                depth[id(p)] = d
    kept = ops
    if max_depth is not None:
        kept = [v for v in kept if depth[id(v)] < max_depth]
    if max_ops is not None and len(kept) > max_ops:
        rank = {id(v): i for i, v in enumerate(ops)}
        kept = sorted(kept, key=lambda v: (depth[id(v)], rank[id(v)]))[:max_ops]
        chosen = {id(v) for v in kept}
        kept = [v for v in ops if id(v) in chosen]
    kept_ids = {id(v) for v in kept}

    cls = _fold_classes(kept, kept_ids, fold, scope_key, names or {}) if fold else None
    units: list[Unit] = []
    unit_of: dict[int, int] = {}  # id(node) -> unit index
    unit_of_class: dict[int, int] = {}  # fold class -> unit index
    for v in kept:
        key = cls[id(v)] if cls is not None else id(v)
        i = unit_of_class.get(key)
        if i is None:
            i = unit_of_class[key] = len(units)
            units.append(Unit(v, 0, [], False, [[] for _ in N.parents(v)]))
        u = units[i]
        u.count += 1
        u.members.append(v)
        unit_of[id(v)] = i
    root_ids = {id(v) for v in roots}
    leaves: list[Any] = []
    seen_leaf: set[int] = set()
    cut_nodes: list[Any] = []
    seen_cut: set[int] = set()
    for u in units:
        for v in u.members:
            if id(v) in root_ids:
                u.is_output = True
            for slot, (p, shape) in enumerate(zip(N.parents(v), N.in_shapes(v))):
                if p is None:
                    if shape is None:  # an omitted input (None, as LSTMLayer's h0): not drawn
                        continue
                    ref: tuple[str, Any] = ("const", shape)
                elif not N.is_op(p):
                    ref = ("leaf", p)
                    if id(p) not in seen_leaf:
                        seen_leaf.add(id(p))
                        leaves.append(p)
                elif id(p) in kept_ids:
                    ref = ("op", unit_of[id(p)])
                else:
                    ref = ("cut", p)
                    if id(p) not in seen_cut:
                        seen_cut.add(id(p))
                        cut_nodes.append(p)
                if not has_ref(u.inputs[slot], ref):
                    u.inputs[slot].append(ref)
    for t in outputs:  # an output that is itself a leaf is drawn as a leaf
        if t.requires_grad and N.is_leaf(t) and id(t) not in seen_leaf:
            seen_leaf.add(id(t))
            leaves.append(t)
    return Walk(units, leaves, list(outputs), len(ops) - len(kept), cut_nodes)


def has_ref(refs: list[tuple[str, Any]], ref: tuple[str, Any]) -> bool:
    kind, r = ref
    return any(k == kind and (x is r if kind in ("leaf", "cut") else x == r) for k, x in refs)


def _fold_classes(kept: list[Any], kept_ids: set[int], k: int, scope_key: Any,
                  names: dict[int, str]) -> dict[int, int]:
    """Class ids of ops: equal when op, shapes, module and k hops of ancestry are equal.

    A bounded Weisfeiler-Lehman refinement over parents: an RNN's time steps use the
    same parameters, so after k rounds step t and step t' land in one class (only the
    first k ops after the initial state stay apart); layers with their own parameters
    never merge.
    """
    local: dict[int, tuple[Any, ...]] = {}
    for v in kept:
        slots: list[tuple[Any, ...]] = []
        for p, shape in zip(N.parents(v), N.in_shapes(v)):
            if p is None:
                slots.append(("c", shape))
            elif not N.is_op(p):
                slots.append(("l", id(p)))
            elif id(p) in kept_ids:
                slots.append(("o",))
            else:
                slots.append(("x",))
        name = names.get(id(v)) or N.out_name(v)
        local[id(v)] = (N.op_name(v), N.out_shape(v), str(N.out_dtype(v)), name,
                        scope_key(N.scope(v), calls=False), tuple(slots), N.options(v))
    intern: dict[Any, int] = {}
    sig = {i: intern.setdefault(lab, len(intern)) for i, lab in local.items()}
    for _ in range(k):
        intern = {}
        new = {}
        for v in kept:
            ps = tuple(sig[id(p)] if p is not None and id(p) in sig else -1 for p in N.parents(v))
            new[id(v)] = intern.setdefault((local[id(v)], ps), len(intern))
        if len(set(new.values())) == len(set(sig.values())):
            sig = new
            break  # stable partition: more rounds change nothing
        sig = new
    return sig
