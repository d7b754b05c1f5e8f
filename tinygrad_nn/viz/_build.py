"""Turn a ``Walk`` into DOT statements: kinds, names, labels, module clusters."""

from __future__ import annotations

import html
from typing import Any

from .._scope import Call
from ..function import scope_levels
from . import _nodes as N
from ._collapse import collapse
from ._collect import Walk
from ._dot import (
    CONST_EDGE,
    STYLE,
    dtype_name,
    fmt_shape,
    index_text,
    new_graph,
    op_label,
    stats,
    tensor_label,
    tooltip,
    with_attr,
    write_clusters,
)
from ._nonfinite import Marks, find
from ._steps import MIN_STEPS, add_steps, band, step_of

STATS_MAX_OPS = 2000  # bigger graphs: tooltip statistics of leaves and outputs only (speed)


class Scopes:
    """Cluster keys from ``node.scope`` (the stack of modules being called, outermost first).

    A key is a tuple of levels ``(id(module), call)``. Calls of a module that contains
    no drawn submodule (a leaf in the scope tree, e.g. an ``LSTMCell`` called once per
    step) get one cluster each, told apart by the identity of the scope tuple that call
    recorded; every other module gets one cluster for all its calls.
    """

    def __init__(self, root: Any, names: dict[int, str]) -> None:
        self.root = root
        self.names = names
        self.modules: dict[int, Any] = {}
        self.inner: set[int] = set()  # modules seen with a submodule below them
        self.calls: dict[int, dict[int, int]] = {}  # module -> {id(scope tuple): call number}

    def trim(self, scope: Any) -> tuple[Any, ...]:
        if not scope:
            return ()
        scope = scope_levels(scope if isinstance(scope, (tuple, list)) else (scope,))
        if self.root is not None:
            for i in range(len(scope) - 1, -1, -1):
                if scope[i] is self.root:  # the drawn module is the whole picture
                    scope = scope[i + 1:]
                    break
        if any(type(m) is Call for m in scope):
            # a library layer's box already names the one composite it calls
            # (CrossEntropyLoss -> cross_entropy, Conv2d -> conv2d)
            scope = tuple(m for i, m in enumerate(scope)
                          if not (type(m) is Call and i and _library_layer(scope[i - 1])))
        return scope

    def observe(self, scope: Any) -> None:
        mods = self.trim(scope)
        for m in mods[:-1]:
            self.inner.add(id(m))
        if mods:
            m = mods[-1]
            self.modules[id(m)] = m
            seen = self.calls.setdefault(id(m), {})
            seen.setdefault(id(scope), len(seen) + 1)
        for m in mods:
            self.modules[id(m)] = m

    def key(self, scope: Any, calls: bool = True) -> tuple[Any, ...]:
        mods = self.trim(scope)
        if not mods:
            return ()
        last = mods[-1]
        tail = id(scope) if calls and id(last) not in self.inner else 0
        if not calls:  # folding: every call of a composite is the same box
            return tuple((_level(m), 0) for m in mods)
        return tuple((id(m), 0) for m in mods[:-1]) + ((id(last), tail),)

    def call_steps(self, key: tuple[Any, ...]) -> tuple[Any, int] | None:
        """A box of one call of a module called at least 3 times (a cell in a loop):
        (the loop's key, ending ``("calls", module)``, and the call number), so the calls
        can be laid out as steps."""
        if not key or not key[-1][1] or key[-1][0] == "step":
            return None
        mid, tail = key[-1]
        seen = self.calls.get(mid, {})
        return (key[:-1] + (("calls", mid),), seen[tail]) if len(seen) >= MIN_STEPS else None

    def label(self, key: tuple[Any, ...], calls: bool) -> str:
        mid, call = key[-1]
        if mid == "step":
            return f"step {call}"
        m = self.modules.get(mid) if isinstance(mid, int) else Call(mid)
        if type(m) is Call:
            return str(m.name)
        text = _short_repr(m)
        name = self.names.get(mid)
        if name:
            text = f"{name}: {text}"
        seen = self.calls.get(mid, {})
        if len(seen) > 1:
            if call and calls:
                text += f"  [call {seen[call]} of {len(seen)}]"
            else:
                text += f"  ×{len(seen)} calls"
        return text


def _library_layer(m: Any) -> bool:
    return type(m).__module__.startswith("tinygrad_nn.nn.")


def _level(m: Any) -> Any:
    """A scope level's key when calls are not told apart: a composite by its name."""
    return m.name if type(m) is Call else id(m)


def _short_repr(m: Any) -> str:
    """``Conv2d(1, 8, kernel_size=(3, 3))``: the class and its one-line configuration."""
    extra = getattr(m, "extra_repr", None)
    text = type(m).__name__
    if callable(extra):
        try:
            er = str(extra())
        except Exception:  # a broken extra_repr must not break drawing
            er = ""
        if er and "\n" not in er:
            text += f"({er})"
    return text if len(text) <= 80 else text[:77] + "..."


def _common_prefix(keys: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    first = keys[0]
    n = len(first)
    for k in keys[1:]:
        n = min(n, len(k))
        for i in range(n):
            if k[i] != first[i]:
                n = i
                break
    return first[:n]


def build(w: Walk, *, names: dict[int, str], held: dict[int, Any], param_ids: set[int] | None,
          scopes: Scopes, show_shapes: bool, show_grads: bool, max_values: int, compact: bool,
          show_constants: bool, folded: bool, steps: bool, rankdir: str | None,
          mark_nonfinite: bool = False, culprit: Any = None,
          max_scope_depth: int | None = None) -> Any:
    """The ``Graph`` for walk ``w`` (see ``draw_graph`` for the options).

    ``names`` and ``held`` map ``id(node)`` to a tensor's name and to a Tensor still
    held (outputs, tensors named in ``params``) whose values can be shown.
    """
    for u in w.units:  # oldest first, so calls are numbered in order
        for v in u.members:
            scopes.observe(N.scope(v))
    keys = [scopes.key(N.scope(u.node), calls=not folded) for u in w.units]
    if steps and not folded:
        keys = add_steps(w.units, keys)
    if max_scope_depth is not None:
        w, keys = collapse(w, keys, max_scope_depth)
    d = _Writer(names, held, show_shapes, show_grads, max_values)
    d.box_label = lambda box: scopes.label(box, calls=not folded)
    d.steps = step_of(keys, w.units, scopes.call_steps)
    if len(w.units) <= STATS_MAX_OPS or mark_nonfinite:
        d.known = {id(node): arr for u in w.units for v in u.members[:1]
                   for node, arr in N.saved_values(v)}
    if mark_nonfinite:
        d.marks = find(w, held, culprit)
    for key in keys:  # clusters in the order their ops ran
        if key:
            d.clusters.setdefault(key, [])
    d.leaves(w, keys, param_ids)
    d.units(w, keys, compact, show_constants)
    d.loose_ends(w)
    labels: dict[tuple[Any, ...], str] = {}
    for key in d.clusters:
        for k in range(1, len(key) + 1):
            labels.setdefault(key[:k], scopes.label(key[:k], calls=not folded))
    edges = d.edges
    if folded:  # one edge per pair of classes, labelled with its multiplicity
        counts: dict[str, int] = {}
        for e in edges:
            counts[e] = counts.get(e, 0) + 1
        edges = [e if c == 1 else with_attr(e, f'label="×{c}" fontsize=8')
                 for e, c in counts.items()]
    notes = [f"… {w.hidden} earlier op(s) not drawn (max_depth / max_ops)" if w.hidden else "",
             d.marks.caption if d.marks else ""]
    note = "\n".join(n for n in notes if n) or None
    edges, rows = band(w.units, d.steps, edges)
    if rankdir is None:  # the steps run across the flow: left to right when it runs down
        rankdir = "TB" if rows else "LR"
    return new_graph(write_clusters(d.root, d.clusters, labels) + edges + rows, rankdir, note)


class _Writer:
    """Collects node lines (per cluster key) and edge lines."""

    def __init__(self, names: dict[int, str], held: dict[int, Any], show_shapes: bool,
                 show_grads: bool, max_values: int) -> None:
        self.names, self.held = names, held
        self.show_shapes, self.show_grads, self.max_values = show_shapes, show_grads, max_values
        self.root: list[str] = []
        self.clusters: dict[tuple[Any, ...], list[str]] = {}
        self.edges: list[str] = []
        self.leaf_id: dict[int, str] = {}
        self.drawn_t: set[int] = set()  # units whose output tensor has its own node
        self.steps: list[tuple[Any, int] | None] = []  # per unit: (loop, step) or None
        self.marks: Marks | None = None  # mark_nonfinite's findings
        self.known: dict[int, Any] = {}  # id(node) -> its array, saved by an op for backward
        self.box_label: Any = str  # a collapsed box's key -> its label

    def tip(self, name: str | None, shape: Any, dtype: Any, t: Any, where: str | None = None,
            arr: Any = None) -> str:
        """The hover text of a tensor node (statistics only of values still held)."""
        return tooltip(stats(name, shape, dtype, arr if t is None else N.values(t),
                             None if t is None else N.grad(t), where))

    def leaf_style(self, t: Any, kind: str) -> str:
        bad = self.marks is not None and id(t) in self.marks.red_tensors
        return STYLE["bad_leaf"] if bad else STYLE[kind]

    def put(self, key: tuple[Any, ...], line: str) -> None:
        (self.clusters.setdefault(key, []) if key else self.root).append(line)

    def label(self, name: str | None, shape: Any, dtype: Any, t: Any, grads: bool,
              no_grad: str = "None", extra: str = "") -> str:
        show = self.show_shapes
        return tensor_label(name, shape if show else None, dtype if show else None,
                            None if t is None else N.grad(t), grads,
                            None if t is None or not self.max_values else N.values(t),
                            self.max_values, extra, no_grad)

    def leaves(self, w: Walk, keys: list[tuple[Any, ...]], param_ids: set[int] | None) -> None:
        """Parameters sit in the deepest module cluster all their consumers share."""
        homes: dict[int, list[tuple[Any, ...]]] = {}
        for u, key in zip(w.units, keys):
            for refs in u.inputs:
                for kind, ref in refs:
                    if kind == "leaf":
                        homes.setdefault(id(ref), []).append(key)
        outs = {id(t) for t in w.outputs}
        for i, t in enumerate(w.leaves):
            self.leaf_id[id(t)] = f"L{i}"
            kind = "param" if param_ids is None or id(t) in param_ids else "input"
            name = self.names.get(id(t)) or t.name
            label = self.label(name, t.shape, t.dtype, t, self.show_grads)
            home = _common_prefix(homes[id(t)]) if kind == "param" and id(t) in homes else ()
            style = self.leaf_style(t, "output" if id(t) in outs else kind)
            self.put(home, f"L{i} [label={label} {self.tip(name, t.shape, t.dtype, t)} {style}]")

    def units(self, w: Walk, keys: list[tuple[Any, ...]], compact: bool,
              show_constants: bool) -> None:
        cut_index = {id(p): j for j, p in enumerate(w.cut_nodes)}
        named = [self.names.get(id(u.node)) or N.out_name(u.node) for u in w.units]
        # folded units can feed units drawn before them (the loop's back edge): decide first
        self.drawn_t = {i for i, u in enumerate(w.units)
                        if u.is_output or u.box is None and (not compact or named[i])}
        for i, (u, key) in enumerate(zip(w.units, keys)):
            v = u.node
            shape = N.out_shape(v) if compact and self.show_shapes else None
            if u.box is not None:  # max_scope_depth: a whole box as one node
                name = self.box_label(u.box)
                label = op_label(name, 1, shape, f"({u.count} ops)")
                tip = tooltip([f"{name}: {u.count} ops", ", ".join(sorted(
                    {N.op_name(m) for m in u.members[:1000]}))])
                style = STYLE["box"]
            else:
                label, tip = self.op_text(u, shape)
                style = STYLE["op"]
            if self.marks is not None:
                if i in self.marks.red_ops:
                    style = STYLE["nonfinite"]
                elif i in self.marks.grey_ops:
                    style = STYLE["after"]
            self.put(key, f"O{i} [label={label} {tip} {style}]")
            consts: dict[int, dict[int, Any]] = {}
            if i in self.drawn_t:
                self.tensor_node(i, u, key, named[i])
            for slot, refs in enumerate(u.inputs):
                for kind, ref in refs:
                    if kind == "op":
                        self.edges.append(f"{'T' if ref in self.drawn_t else 'O'}{ref} -> O{i}")
                    elif kind == "leaf":
                        self.edges.append(f"{self.leaf_id[id(ref)]} -> O{i}")
                    elif kind == "cut":
                        self.edges.append(f"K{cut_index[id(ref)]} -> O{i}")
                    elif show_constants:
                        cv, cslot = (v, slot) if u.const_src is None else u.const_src[slot]
                        if id(cv) not in consts:
                            consts[id(cv)] = _const_slots(cv)
                        c = consts[id(cv)].get(cslot)
                        name = (c is not None and (self.names.get(id(c)) or c.name)
                                or N.input_name(cv, cslot))
                        if u.box is not None and not name:
                            continue  # a box's unnamed constants are its internals
                        text = f"<b>{html.escape(name)}</b>" if name else (
                            "scalar" if ref == () else "constant")
                        if ref != () and self.show_shapes:
                            text += f"<br/>{fmt_shape(ref)}"
                        tip = self.tip(name or "constant", ref, "" if c is None else c.dtype, c)
                        self.put(key, f"C{i}_{slot} [label=<{text}> {tip} "
                                      f"{self.leaf_style(c, 'const')}]")
                        self.edges.append(f"C{i}_{slot} -> O{i}{CONST_EDGE}")

    def op_text(self, u: Any, shape: Any) -> tuple[str, str]:
        """The label and tooltip of an op node (a fold class of them)."""
        v = u.node
        detail = ""
        if N.index(v) is not None:  # GetItem: show the index, unless folded ones differ
            texts = {index_text(N.index(m)) for m in u.members[:1000]}
            detail = texts.pop() if len(texts) == 1 else "[…]"
        label = op_label(N.op_name(v), u.count, shape, detail, N.note(v))
        where = N.created_at(v)
        tip = tooltip([N.op_name(v) + (f" ×{u.count}" if u.count > 1 else ""),
                       f"→ {fmt_shape(N.out_shape(v))} {dtype_name(N.out_dtype(v))}",
                       f"created at {where}" if where else ""])
        return label, tip

    def tensor_node(self, i: int, u: Any, key: tuple[Any, ...], name: str | None) -> None:
        """The output tensor of unit ``i``; outputs of the whole graph stay outside clusters."""
        v = u.node
        self.edges.append(f"O{i} -> T{i}")
        if not self.show_shapes and not name and not u.is_output:
            self.put(key, f'T{i} [label="" {STYLE["point"]}]')
            return
        t = self.held.get(id(v))
        if t is None:
            t = N.output_tensor(v)
        label = self.label(
            name or ("output" if u.is_output else None), N.out_shape(v), N.out_dtype(v),
            t if u.count == 1 else None, self.show_grads and (t is not None or u.is_output),
            no_grad="not retained", extra=f" ×{u.count}" if u.count > 1 else "",
        )
        one = u.count == 1
        tip = self.tip(name or ("output" if u.is_output else None), N.out_shape(v),
                       N.out_dtype(v), t if one else None, N.created_at(v),
                       self.known.get(id(v)) if one else None)
        if u.is_output:
            self.root.append(f"T{i} [label={label} {tip} {STYLE['output']}]")
        else:
            self.put(key, f"T{i} [label={label} {tip} {STYLE['tensor']}]")

    def loose_ends(self, w: Walk) -> None:
        """Outputs with no graph, and the "…" in front of tensors whose op was cut off."""
        for j, t in enumerate(w.outputs):
            if not t.requires_grad:
                name = (self.names.get(id(t)) or t.name or "output") + " (no graph)"
                label = self.label(name, t.shape, t.dtype, t, False)
                self.root.append(f"N{j} [label={label} {STYLE['output']}]")
        for j, p in enumerate(w.cut_nodes):
            self.root.append(f'X{j} [label="…" {STYLE["cut"]}]')
            label = self.label(self.names.get(id(p)) or N.out_name(p), N.out_shape(p),
                               N.out_dtype(p), None, False)
            self.root.append(f"K{j} [label={label} {STYLE['tensor']}]")
            self.edges.append(f"X{j} -> K{j}")


def _const_slots(v: Any) -> dict[int, Any]:
    """Input slot -> the constant Tensor fed there, for the constants the op saved."""
    consts = N.const_inputs(v)
    out: dict[int, Any] = {}
    if not consts:
        return out
    for slot, (p, shape) in enumerate(zip(N.parents(v), N.in_shapes(v))):
        for j, c in enumerate(consts):
            if p is None and shape is not None and c.shape == tuple(shape):
                out[slot] = consts.pop(j)
                break
    return out
