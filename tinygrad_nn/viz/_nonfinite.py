"""``mark_nonfinite``: find where a NaN or inf first appears in a drawn graph.

The drawing sees the values the graph still holds: leaves and constants the ops saved,
the outputs and retained tensors, and every array an op saved for backward (its output
or its inputs') until ``backward()`` frees them; gradients of leaves and of retained
tensors after ``backward()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _nodes as N
from ._collect import Walk


@dataclass
class Marks:
    """Units (drawn ops) and leaves to colour, and the caption saying why."""

    red_ops: set[int] = field(default_factory=set)
    grey_ops: set[int] = field(default_factory=set)
    red_tensors: set[int] = field(default_factory=set)  # id(Tensor) of leaves / constants
    caption: str = ""


def finite(a: Any) -> bool:
    a = np.asarray(a)
    return a.dtype.kind not in "fc" or bool(np.isfinite(a).all())


def find(w: Walk, held: dict[int, Any], culprit: Any = None) -> Marks:
    """The first op (recording order) with a non-finite output, or else with a non-finite
    gradient, and the ops its NaN / inf flowed into; ``culprit``: the node anomaly mode
    stopped at (an error's ``.node``), marked as such."""
    units = w.units
    unit_of = {id(v): i for i, u in enumerate(units) for v in u.members}
    if culprit is not None and id(culprit) in unit_of:
        return _anomaly_marks(units, unit_of[id(culprit)], held)
    bad_out: set[int] = set()
    bad_in: set[int] = set()
    marks = Marks()
    for i, u in enumerate(units):
        t = _held(held, u.node)
        if t is not None and not finite(N.values(t)):
            bad_out.add(i)
        for v in u.members:
            for node, arr in N.saved_values(v):
                if finite(arr):
                    continue
                if N.is_op(node):
                    if id(node) in unit_of:
                        bad_out.add(unit_of[id(node)])
                else:  # a leaf or a constant holding NaN / inf: the data is the source
                    marks.red_tensors.add(id(node))
                    bad_in.add(i)
    for t in w.leaves:
        if not finite(N.values(t)):
            marks.red_tensors.add(id(t))
    for i, u in enumerate(units):
        if any(kind == "leaf" and id(ref) in marks.red_tensors
               for refs in u.inputs for kind, ref in refs):
            bad_in.add(i)
    tainted = _flow(units, bad_in, forward=True)  # computed from bad data: not a cause
    first = [i for i in bad_out if i not in tainted]
    if first or marks.red_tensors:
        if first:
            c = min(first, key=lambda i: N.seq(units[i].node))
            marks.red_ops.add(c)
            marks.caption = _where("first op with a non-finite output", units[c].node)
        else:
            marks.caption = "red: input data holding NaN / inf"
        marks.grey_ops = (tainted | _flow(units, marks.red_ops, forward=True)) - marks.red_ops
        marks.caption += "; grey: ops computed from it"
        return marks
    # no bad value found: follow the gradients (retained ones, then the leaves')
    bad_grad = [i for i, u in enumerate(units)
                if (t := _held(held, u.node)) is not None
                and N.grad(t) is not None and not finite(N.values(N.grad(t)))]
    for t in w.leaves:
        g = N.grad(t)
        if g is not None and not finite(N.values(g)):
            marks.red_tensors.add(id(t))
            bad_grad += [i for i, u in enumerate(units)
                         if any(kind == "leaf" and ref is t for refs in u.inputs
                                for kind, ref in refs)]
    if not bad_grad:
        marks.caption = "no NaN / inf found in the values and gradients the graph holds"
        return marks
    c = max(bad_grad, key=lambda i: N.seq(units[i].node))  # backward runs newest first
    marks.red_ops.add(c)
    marks.caption = (_where("first op (in backward order) passing a non-finite gradient",
                            units[c].node) + "; grey: ops its gradient flowed into")
    marks.grey_ops = _flow(units, {c}, forward=False) - {c}
    return marks


def _anomaly_marks(units: list[Any], c: int, held: dict[int, Any]) -> Marks:
    """Anomaly mode's culprit: an op whose output (forward check) or whose gradient
    (backward) was not finite; grey: where that value would have flowed."""
    v = units[c].node
    t = _held(held, v)
    forward = t is not None and not finite(N.values(t))
    marks = Marks(red_ops={c})
    what = "output" if forward else "gradient"
    marks.caption = _where(f"the op anomaly mode stopped at (non-finite {what})", v)
    marks.grey_ops = _flow(units, {c}, forward=forward) - {c}
    marks.caption += "; grey: ops its " + ("output flowed into" if forward else
                                           "gradient would flow into")
    return marks


def _held(held: dict[int, Any], v: Any) -> Any:
    t = held.get(id(v))
    return N.output_tensor(v) if t is None else t


def _where(what: str, v: Any) -> str:
    at = N.created_at(v)
    return f"red: {what}, {N.op_name(v)}" + (f" (created at {at})" if at else "")


def _flow(units: list[Any], start: set[int], forward: bool) -> set[int]:
    """Units reachable from ``start`` along the data (forward) or against it."""
    if forward:
        out = set(start)
        for i, u in enumerate(units):  # parents come first
            if any(kind == "op" and ref in out for refs in u.inputs for kind, ref in refs):
                out.add(i)
        return out
    out = set(start)
    for i in range(len(units) - 1, -1, -1):
        if i in out:
            out.update(ref for refs in units[i].inputs for kind, ref in refs if kind == "op")
    return out
