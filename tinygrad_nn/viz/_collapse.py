"""``max_scope_depth``: boxes nested deeper than a depth drawn as one node each.

A box is a cluster key (modules, composite calls, steps, outermost first). Every unit
whose key is longer than the depth joins the unit standing for its box at depth + 1
(``cross_entropy``, ``0: Linear(3, 4)``); that unit sits in the box one level up and takes
the inputs its members read from outside the box. Ops whose outputs are the drawing's
outputs stay ops.
"""

from __future__ import annotations

from typing import Any

from ._collect import Unit, Walk, has_ref


def collapse(w: Walk, keys: list[tuple[Any, ...]],
             depth: int) -> tuple[Walk, list[tuple[Any, ...]]]:
    """``w`` and ``keys`` with the boxes deeper than ``depth`` merged into single units."""
    units: list[Unit] = []
    new_keys: list[tuple[Any, ...]] = []
    moved: list[int] = []  # old unit index -> new unit index
    box_unit: dict[tuple[Any, ...], int] = {}
    for u, key in zip(w.units, keys):
        deep = len(key) > depth
        # an output of the whole graph stays an op (in the box's parent), so each output
        # keeps its own node (an LSTM's h_n and c_n)
        box = key[:depth + 1] if deep and not u.is_output else None
        j = box_unit.get(box) if box is not None else None
        if j is None:
            j = len(units)
            if box is not None:
                box_unit[box] = j
            units.append(Unit(u.node, 0, [], False, [], box=box,
                              const_src={} if box is not None else None))
            new_keys.append(key[:depth] if deep else key)
        moved.append(j)
        nu = units[j]
        nu.node = u.node  # a box: its newest member stands for it (its output)
        nu.members.extend(u.members)
        nu.count += u.count
        nu.is_output = nu.is_output or u.is_output
    for u, j in zip(w.units, moved):  # folded loops may feed back: all moves known first
        nu = units[j]
        if nu.box is None:
            nu.inputs = [[(k, moved[r] if k == "op" else r) for k, r in refs]
                         for refs in u.inputs]
            continue
        for slot, refs in enumerate(u.inputs):
            for kind, ref in refs:
                if kind == "op":
                    ref = moved[ref]
                    if ref == j:
                        continue  # computed inside the box
                if not any(has_ref(s, (kind, ref)) for s in nu.inputs):
                    assert nu.const_src is not None
                    nu.const_src[len(nu.inputs)] = (u.members[0], slot)
                    nu.inputs.append([(kind, ref)])
    return Walk(units, w.leaves, w.outputs, w.hidden, w.cut_nodes), new_keys
