"""Find the time steps of a recurrence, so a drawn RNN / LSTM groups each step's ops.

The graph keeps no loop structure, only what the loop left behind: one weight (``W_hh``,
or its transpose) consumed once per step, each use depending on the previous one. So,
per cluster, a node whose consumers form such a chain is the recurrent weight (or a bias
read beside it, GRU's b_hh), and an op belongs to step t when t uses lie on its longest
path of ancestors (step 1 may have no use when the state starts as None; what every use
reads, computed before the loop, is in no step). Ops that join steps far apart (stacking the
outputs) run "after the loop"; an op feeding only step t (the slice x[t]) joins step t.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import _nodes as N
from ._collect import Unit
from ._dot import with_attr

MIN_STEPS = 3  # fewer steps (e.g. tied encoder/decoder weights) are not drawn as a loop
_BUDGET = 50_000  # ops visited per cluster trying candidates (at least 4 are tried)


def add_steps(units: list[Unit], keys: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``keys`` with a ``("step", t)`` level appended for ops inside a detected recurrence."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    out = list(keys)
    for key, idx in groups.items():
        if len(idx) < 2 * MIN_STEPS:
            continue
        for i, t in _steps([units[i].node for i in idx]).items():
            out[idx[i]] = key + (("step", t),)
    return out


def step_of(keys: list[tuple[Any, ...]], units: list[Unit] | None = None,
            calls: Callable[[tuple[Any, ...]], tuple[Any, int] | None] | None = None,
            ) -> list[tuple[Any, int] | None]:
    """Per unit: (the loop's cluster, step number) for ops inside a step box, else None.

    With ``units``, a unit standing for a whole step box (``max_scope_depth``) is that
    step; with ``calls`` (box key -> (module, call number) or None), the ops of a cell
    called once per step (an ``LSTMCell`` in a Python loop) are in the step of their call.
    """
    out: list[tuple[Any, int] | None] = []
    for i, k in enumerate(keys):
        box = units[i].box if units is not None and units[i].box else k
        if box and box[-1][0] == "step":
            out.append((box[:-1], box[-1][1]))
        else:
            out.append(calls(box) if calls is not None and box else None)
    return out


_EDGE = re.compile(r"([OTC])(\d+)\S* -> [OTC](\d+)")
_TENSOR = re.compile(r"O(\d+) -> T(\d+)$")


def band(units: list[Unit], steps: list[tuple[Any, int] | None],
         edges: list[str]) -> tuple[list[str], list[str]]:
    """Lay each loop's step boxes out side by side in time order, across the data flow.

    Returns ``edges`` with the recurrence edges (step t-1 into step t) redrawn, and the
    DOT lines that order the steps.

    Ranked by the recurrence, step t would come after step t-1 along the flow, and every
    edge from outside the loop (the input projection, the transposed weight) or to after
    it (the output ``Stack``) would span up to the whole band: at 100 steps ~40,000
    virtual nodes, and ``dot`` took minutes. Here every step sits on the same ranks:
    a recurrence edge runs back up from the end of step t-1 to where step t reads the
    state, so it is written the other way round (``dir=back``: the arrow still points
    into step t), which asks the ranks for what they are anyway and keeps the edge
    between the two steps (left unconstrained, ``dot`` routes it around the end of the
    band); one whose ends may sit on one rank, and those between a cell's calls, are
    ``constraint=false``. The edges from
    outside the loop then span a rank or two, and 300 steps lay out in seconds.
    The order comes from a row of invisible points above the boxes, on one rank and
    chained left to right (``dot`` keeps no order between clusters, but keeps one between
    plain nodes on a rank), each pointing at the first op of its step that reads nothing
    inside it. ``dot`` places a box under the median of its neighbours above; a step has
    one point more than the inputs every step's first op shares (an ``LSTMStep`` reads the
    projection of x and W_hh: three points), so that median is always one of its own
    points (with one point, a 20-step LSTM came out 1, 12, 2, 3, ...). A second row below
    the boxes, one point after each step's last ops, holds their bottoms (without it a
    20-step compact ``nn.GRU`` came out with steps 1 and 2 swapped). So with
    ``rankdir='TB'`` time runs left to right.
    """
    if not any(steps):
        return edges, []
    depth = [0] * len(units)  # ops from the start of its step, for the ones inside a step
    for i, s in enumerate(steps):
        if s is not None:
            depth[i] = 1 + max((depth[ref] for refs in units[i].inputs for kind, ref in refs
                                if kind == "op" and steps[ref] == s), default=-1)
    out = list(edges)
    loops = set()  # those whose steps feed each other (not a layer called on separate inputs)
    for n, e in enumerate(edges):
        m = _EDGE.match(e)
        if m is None:
            continue
        j, i = int(m.group(2)), int(m.group(3))
        a, b = steps[j], steps[i]
        if a is None or b is None or a[0] != b[0] or a[1] == b[1]:
            continue
        loops.add(a[0])
        # a cell's calls stay unconstrained: drawn backwards, dot laid them out right to left
        calls = bool(a[0]) and a[0][-1][0] == "calls"
        # with tensor nodes (not compact) an op's output sits one rank below the op
        if not calls and 2 * depth[j] + (m.group(1) == "T") > 2 * depth[i]:
            tail, head = e.split(" [")[0].split(" -> ")
            out[n] = with_attr(f"{head} -> {tail}" + e[len(tail) + len(head) + 4:],
                               "dir=back weight=0")
        else:
            out[n] = with_attr(e, "constraint=false")
    starts: dict[Any, dict[int, int]] = {}  # loop -> step -> its first op reading nothing inside
    fed: set[int] = set()  # ops read by a later op of their own step
    for i, s in enumerate(steps):
        if s is not None and s[0] in loops:
            if depth[i] == 0:
                starts.setdefault(s[0], {}).setdefault(s[1], i)
            fed.update(ref for refs in units[i].inputs for kind, ref in refs
                       if kind == "op" and steps[ref] == s)
    # a step's last ops, each as its own node drawn last (its output tensor, when drawn
    # in the box: outputs of the whole graph sit outside the boxes)
    drawn = {m.group(1) for m in map(_TENSOR.match, edges) if m and m.group(1) == m.group(2)}
    ends: dict[Any, dict[int, list[str]]] = {}  # loop -> step -> its last nodes
    shared: dict[Any, int] = {}  # loop -> most inputs from outside it of one step's first op
    for i, s in enumerate(steps):
        if s is None or s[0] not in starts:
            continue
        if starts[s[0]].get(s[1]) == i:
            outside = {(kind, ref if kind == "op" else id(ref)) for refs in units[i].inputs
                       for kind, ref in refs if kind in ("op", "leaf", "cut")
                       and (kind != "op" or steps[ref] is None or steps[ref][0] != s[0])}
            shared[s[0]] = max(shared.get(s[0], 0), len(outside))
        if i not in fed:
            tensor = str(i) in drawn and not units[i].is_output
            ends.setdefault(s[0], {}).setdefault(s[1], []).append(f"{'T' if tensor else 'O'}{i}")
    lines = []
    for k, (loop, first) in enumerate(starts.items()):
        ts = sorted(first)
        # more points per step than inputs every step shares (the projection of x, W_hh):
        # `dot` places a box under the median of its neighbours above, which is then
        # always one of the box's own points
        per = 1 + shared.get(loop, 0)
        lines.extend(_row(f"S{k}_", ts, per))
        lines.extend(f"S{k}_{t}_{j} -> O{first[t]} [style=invis]"
                     for t in ts for j in range(per))
        lines.extend(_row(f"E{k}_", ts, 1))
        lines.extend(f"{n} -> E{k}_{t}_0 [style=invis]" for t in ts for n in ends[loop][t])
    return out, lines


def _row(prefix: str, ts: list[int], per: int) -> list[str]:
    """DOT lines of ``per`` invisible points per step, on one rank, chained in time order."""
    names = [f"{prefix}{t}_{j}" for t in ts for j in range(per)]
    return ["{rank=same " + " ".join(names) + "}",
            *(f'{n} [label="" shape=point style=invis width=0 height=0]' for n in names),
            *(f"{a} -> {b} [style=invis]" for a, b in zip(names, names[1:]))]


def _steps(ops: list[Any]) -> dict[int, int]:
    """Position in ``ops`` (parents first) -> step number, for one cluster's ops."""
    pos = {id(v): i for i, v in enumerate(ops)}
    users: dict[int, list[int]] = {}
    for i, v in enumerate(ops):
        for p in {id(p) for p in N.parents(v) if p is not None}:
            users.setdefault(p, []).append(i)
    # a loop's uses lie steps apart; uses side by side (the slices i, f, o of one
    # sigmoid) are siblings, not steps, so try the most-used, most-spread nodes first;
    # of equals, leaves (parameters) first, then in graph order: never by id(), which
    # made the choice (b_hh or W_hh.T in GRU's addmm) depend on where objects sat in memory
    spread = sorted(((len(u), min(b - a for a, b in zip(u, u[1:])), p not in pos, p)
                     for p, u in users.items() if len(u) >= MIN_STEPS - 1),
                    key=lambda r: r[:3], reverse=True)
    ranked = [(n, p) for n, gap, _, p in spread if gap >= 2]
    best: tuple[int, int, dict[int, int]] = (0, 0, {})
    for n, cand in ranked[:max(4, _BUDGET // len(ops))]:
        if n < best[0]:
            break  # ranked by uses: no later candidate can win
        level = _levels(ops, pos, cand)
        us = users[cand]
        if len({level[i] for i in us}) != n:
            continue  # some use does not follow the previous one: not a loop
        if len({N.op_name(ops[i]) for i in us}) > 1:
            continue  # a loop repeats its op; one value read twice (GRU's n + z*(h - n)) does not
        # the most uses wins; of equals (W_hh and a bias), the weight used first in a
        # step marks where steps begin
        if (n, -us[0]) > best[:2]:
            best = (n, -us[0], _assign(ops, pos, level, us, cand))
    step = best[2]
    return step if max(step.values(), default=0) >= MIN_STEPS else {}


def _levels(ops: list[Any], pos: dict[int, int], cand: int) -> list[int]:
    """For each op, the most uses of ``cand`` on one path of its ancestors (itself included)."""
    level = [0] * len(ops)
    for i, v in enumerate(ops):
        best = 0
        hit = 0
        for p in N.parents(v):
            if p is None:
                continue
            if id(p) == cand:
                hit = 1
            j = pos.get(id(p))
            if j is not None and level[j] > best:
                best = level[j]
        level[i] = best + hit
    return level


def _assign(ops: list[Any], pos: dict[int, int], level: list[int], uses: list[int],
            cand: int) -> dict[int, int]:
    n = len(ops)
    first = uses[0]
    parents = [[j for j in (pos.get(id(p)) for p in N.parents(v) if p is not None) if j is not None]
               for v in ops]
    after = [False] * n
    for i in range(n):
        nonzero = [level[j] for j in parents[i] if level[j]]
        # joining steps far apart (stacking the outputs) means it runs after the loop
        after[i] = any(after[j] for j in parents[i]) or bool(
            nonzero and max(nonzero) - min(nonzero) >= 2)
    # a state computed here before the first use (h0 = None skips W_hh in step 1): the
    # ops only it needs form step 1, and the uses start step 2
    # (an input of the first use read from the same source as the other uses' inputs is
    # step 1's slice x[0] of the projection, not a state)
    # (and one every use reads, computed before the loop, is no state either: with the
    # bias b_hh as the candidate, GRU's W_hh.T in every step's addmm(b_hh, h, W_hh.T))
    per_step = {p for u in uses[1:] for j in parents[u] if id(ops[j]) != cand and level[j] == 0
                for p in parents[j]}
    later = _ancestors(parents, [j for u in uses[1:] for j in parents[u] if level[j] == 0])
    state = [j for j in parents[first] if id(ops[j]) != cand and level[j] == 0
             and j not in later and not per_step.intersection(parents[j])]
    prologue = _ancestors(parents, state)
    if prologue:  # minus what later steps need too (the projection of all of x)
        derived = set(state)
        for i in range(n):
            if any(j in derived for j in parents[i]):
                derived.add(i)
        seeds = [j for i in range(n) if level[i] for j in parents[i] if level[j] == 0
                 and j not in prologue and j not in derived and id(ops[j]) != cand]
        prologue -= _ancestors(parents, seeds)
    offset = 1 if prologue else 0
    step = {i: level[i] + offset for i in range(n) if level[i] and not after[i]}
    step.update((i, 1) for i in prologue)
    for i in range(n):  # ops that only read one step's values (reshaping h_t) join it
        if i not in step and not after[i] and parents[i]:
            ks = {step.get(j) for j in parents[i]}
            if len(ks) == 1 and None not in ks:
                step[i] = ks.pop()  # type: ignore[assignment]
    consumers: list[list[int]] = [[] for _ in ops]
    for i in range(n):
        for j in parents[i]:
            consumers[j].append(i)
    for i in range(n - 1, -1, -1):  # ops that only feed one step (the slice x[t]) join it
        if i not in step and not after[i] and consumers[i]:
            ks = {step.get(c) for c in consumers[i]}
            if len(ks) == 1 and None not in ks:
                step[i] = ks.pop()  # type: ignore[assignment]
    return step


def _ancestors(parents: list[list[int]], seeds: list[int]) -> set[int]:
    """``seeds`` and every op they were computed from (iterative)."""
    seen = set(seeds)
    stack = list(seeds)
    while stack:
        for j in parents[stack.pop()]:
            if j not in seen:
                seen.add(j)
                stack.append(j)
    return seen
