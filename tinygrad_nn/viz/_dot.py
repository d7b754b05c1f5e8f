"""DOT text for a walked graph: node styles, labels, module clusters, the Digraph class.

The DOT lines are written directly (not through ``Digraph.node`` calls, ~50x slower), so
a 10,000-op graph turns into DOT text in well under a second.
"""

from __future__ import annotations

import functools
import html
from typing import Any

import numpy as np

# kind -> node attributes. Leaves are boxes, computed values ellipses, ops rounded boxes.
STYLE = {
    "param": 'shape=box style=filled fillcolor="#cfe2f3" color="#3d6fa5"',
    "input": 'shape=box style=filled fillcolor="#fff2cc" color="#bf9000"',
    "const": 'shape=box style=dashed color="#999999" fontcolor="#666666" fontsize=9',
    "tensor": 'shape=ellipse margin="0.02,0.01" color="#aaaaaa" fontcolor="#444444" fontsize=9',
    "point": 'shape=point width=0.08 color="#888888"',
    "output": ('shape=ellipse margin="0.02,0.01" style="filled,bold" fillcolor="#d9ead3" '
               'color="#38761d" penwidth=2'),
    "op": 'shape=box style="rounded,filled" fillcolor="#e8e8e8" color="#666666"',
    "box": 'shape=box3d style=filled fillcolor="#dfe9f3" color="#3d6fa5"',  # a collapsed box
    "cut": 'shape=plaintext fontcolor="#888888"',
    # mark_nonfinite: where a NaN / inf first appears, and what it flowed into
    "nonfinite": 'shape=box style="rounded,filled,bold" fillcolor="#f4cccc" color="#cc0000" '
                 'fontcolor="#990000" penwidth=2',
    "after": 'shape=box style="rounded,filled" fillcolor="#f3f3f3" color="#bbbbbb" '
             'fontcolor="#999999"',
    "bad_leaf": 'shape=box style="filled,bold" fillcolor="#f4cccc" color="#cc0000" penwidth=2',
}
CONST_EDGE = ' [style=dashed color="#999999"]'
_CLUSTER_FILL = ("#f5f8fc", "#eaf1f8", "#dfe9f3", "#d5e1ee")

INSTALL_HINT = (
    "rendering needs Graphviz's `dot` program, which was not found on PATH. Install "
    "Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), `conda install -c conda-forge graphviz` (conda), or the installer from "
    "https://graphviz.org/download/ (Windows; add its bin folder to PATH). The DOT text "
    "is still available as `graph.source`."
)


@functools.cache
def graph_class() -> type:
    """``Digraph`` subclass whose rendering explains how to install Graphviz if it is missing."""
    import graphviz

    class GraphvizNotFound(graphviz.ExecutableNotFound):
        """``dot`` is missing (a ``graphviz.ExecutableNotFound``, hence a RuntimeError)."""

        def __init__(self, cause: Exception) -> None:
            RuntimeError.__init__(self, f"{INSTALL_HINT} (graphviz said: {cause})")

    class Graph(graphviz.Digraph):
        """A ``graphviz.Digraph``: ``.source`` is the DOT text, ``.render(path, format=)``
        writes a file and Jupyter shows it inline; a missing ``dot`` raises
        ``GraphvizNotFound`` naming how to install Graphviz."""

        def render(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                raise GraphvizNotFound(e) from e

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                raise GraphvizNotFound(e) from e

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                              **kwargs: Any) -> dict[str, Any]:
            try:
                return super()._repr_mimebundle_(include, exclude, **kwargs)
            except graphviz.ExecutableNotFound:  # Jupyter without dot: show the text
                return {"text/plain": f"{INSTALL_HINT}\n\n{self.source}"}

    return Graph


def new_graph(body: list[str], rankdir: str, label: str | None) -> Any:
    """A ``Graph`` holding ``body`` (DOT statements) with the house look."""
    graph_attr = {"rankdir": rankdir, "nodesep": "0.2", "ranksep": "0.3",
                  "fontname": "Helvetica", "fontsize": "11"}
    if label:
        graph_attr.update(label=label, labelloc="b", labeljust="l")
    return graph_class()(
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "10", "height": "0.3",
                   "margin": "0.06,0.03"},
        edge_attr={"arrowsize": "0.6", "color": "#555555"},
        body=[f"\t{line}\n" for line in body],
    )


def dot_string(s: str) -> str:
    """A quoted DOT string (backslashes and quotes escaped)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tooltip(rows: list[str]) -> str:
    """A ``tooltip`` attribute: shown when hovering the node in an SVG."""
    return "tooltip=" + dot_string("\n".join(r for r in rows if r)).replace("\n", "\\n")


def stats(name: str | None, shape: Any, dtype: Any, values: Any, grad: Any,
          where: str | None) -> list[str]:
    """Tooltip rows of a tensor: name, shape and dtype, min / max / mean, gradient norm,
    where it was created (only what is known)."""
    rows = [name or "", f"{fmt_shape(tuple(shape))} {dtype_name(dtype)}"]
    if values is not None and values.size and values.dtype.kind in "biuf":
        lo, hi = values.min(), values.max()  # NaN propagates: finite ends, finite array
        if not (np.isfinite(lo) and np.isfinite(hi)):
            ok = values[np.isfinite(values)]
            rows.append(f"{values.size - ok.size} of {values.size} values NaN / inf")
            lo, hi = (ok.min(), ok.max()) if ok.size else (None, None)
        else:
            ok = values
        if lo is not None:
            rows.append(f"min {float(lo):.4g}  max {float(hi):.4g}  mean {float(ok.mean()):.4g}")
    if grad is not None:
        g = np.asarray(grad, dtype=np.float64)
        rows.append(f"grad norm {float(np.sqrt(np.sum(g * g))):.4g}")
    if where:
        rows.append(f"created at {where}")
    return rows


def fmt_shape(shape: tuple[int, ...]) -> str:
    return "scalar" if shape == () else "(" + ", ".join(map(str, shape)) + ")"


def tensor_label(name: str | None, shape: tuple[int, ...] | None, dtype: Any, grad: Any,
                 show_grads: bool, values: np.ndarray | None, max_values: int = 16,
                 extra: str = "", no_grad: str = "None") -> str:
    """An HTML-like label: bold name, shape and dtype, gradient summary, values or range."""
    rows = []
    if name:
        rows.append(f"<b>{html.escape(name)}</b>{extra}")
    elif extra:
        rows.append(extra.strip())
    if shape is not None:
        dt = f" {dtype_name(dtype)}" if dtype is not None else ""
        rows.append(_small(f"{fmt_shape(shape)}{dt}"))
    if show_grads:
        if grad is None:
            rows.append(f'<font point-size="9" color="#990000">grad: {no_grad}</font>')
        else:
            g = np.asarray(grad, dtype=np.float64)
            norm = float(np.sqrt(np.sum(g * g)))
            rows.append(f'<font point-size="9" color="#990000">grad {fmt_shape(g.shape)}'
                        f" ‖g‖={norm:.3g}</font>")
    if values is not None and values.size <= max_values:
        text = np.array2string(values, precision=3, separator=", ", max_line_width=36,
                               suppress_small=True)
        lines = "<br/>".join(html.escape(line) for line in text.splitlines())
        rows.append(f'<font face="Courier" point-size="9">{lines}</font>')
    elif values is not None and values.size and values.dtype.kind in "biuf":
        rows.append(_small(f"values in [{values.min():.3g}, {values.max():.3g}]"))
    if not rows:
        return '""'
    return "<" + "<br/>".join(rows) + ">"


@functools.lru_cache(maxsize=64)
def dtype_name(dtype: Any) -> str:
    return str(dtype)  # NumPy builds this string slowly; a 10^4-node graph asks 10^4 times


def index_text(idx: Any) -> str:
    """``[..., 4:8]``: an index as written in code (arrays by their shape)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    parts = []
    for i in items:
        if isinstance(i, slice):
            a, b, c = ("" if x is None else str(x) for x in (i.start, i.stop, i.step))
            parts.append(f"{a}:{b}" + (f":{c}" if c else ""))
        elif i is Ellipsis:
            parts.append("...")
        elif isinstance(i, np.ndarray) or hasattr(i, "shape") and hasattr(i, "dtype"):
            kind = "mask" if np.asarray(i).dtype.kind == "b" else "idx"
            parts.append(f"{kind}{fmt_shape(i.shape)}")
        else:
            parts.append(str(i))
    text = "[" + ", ".join(parts) + "]"
    return text if len(text) <= 40 else text[:37] + "...]"


def op_label(name: str, count: int, out_shape: tuple[int, ...] | None, detail: str = "",
             note: str | None = None) -> str:
    text = f"<b>{html.escape(name)}</b>"
    if detail:
        text += f" {html.escape(detail)}"
    if count > 1:
        text += f" ×{count}"
    if note:  # a fused op's math, one line per line
        lines = "<br/>".join(html.escape(line) for line in note.splitlines())
        text += f'<br/><font point-size="9">{lines}</font>'
    if out_shape is not None:
        text += f'<br/><font point-size="9">→ {fmt_shape(out_shape)}</font>'
    return "<" + text + ">"


def with_attr(edge: str, attrs: str) -> str:
    """A DOT edge statement with more attributes."""
    if edge.endswith("]"):
        return edge[:-1] + " " + attrs + "]"
    return f"{edge} [{attrs}]"


def write_clusters(root: list[str], clusters: dict[Any, list[str]],
                   labels: dict[Any, str]) -> list[str]:
    """Nest cluster bodies by key prefix (a key is a tuple of levels), iteratively."""
    children: dict[Any, list[Any]] = {}
    for key in clusters:
        for n in range(1, len(key) + 1):
            pre = key[:n]
            parent = key[: n - 1]
            kids = children.setdefault(parent, [])
            if pre not in kids:
                kids.append(pre)
    index = {key: i for i, key in enumerate(sorted(set(children) | set(clusters), key=len))}
    out: list[str] = list(root)
    stack: list[tuple[Any, bool]] = [(k, False) for k in reversed(children.get((), []))]
    while stack:
        key, done = stack.pop()
        if done:
            out.append("}")
            continue
        fill = _CLUSTER_FILL[(len(key) - 1) % len(_CLUSTER_FILL)]
        out.append(f"subgraph cluster_{index[key]} {{")
        out.append(f"label={dot_string(labels.get(key, ''))} labeljust=l fontsize=10 "
                   f'style="rounded,filled" fillcolor="{fill}" color="#8fa8c8"')
        out.extend(clusters.get(key, ()))
        stack.append((key, True))
        stack.extend((k, False) for k in reversed(children.get(key, [])))
    return out


def legend(rankdir: str = "LR") -> Any:
    """A small graph that explains the drawing's node styles (for docs and notebooks)."""
    body = [
        f'p [label=<<b>parameter</b><br/>{_small("leaf, requires grad")}> {STYLE["param"]}]',
        f'i [label=<<b>input</b><br/>{_small("leaf, not a parameter")}> {STYLE["input"]}]',
        f'c [label=<constant<br/>{_small("needs no grad")}> {STYLE["const"]}]',
        f'o [label=<<b>Op</b>> {STYLE["op"]}]',
        f't [label=<intermediate<br/>(shape) dtype> {STYLE["tensor"]}]',
        f'o2 [label=<<b>Op</b>> {STYLE["op"]}]',
        f'y [label=<<b>output</b>> {STYLE["output"]}]',
        "p -> o", "i -> o", "c -> o" + CONST_EDGE, "o -> t", "t -> o2", "o2 -> y",
        "subgraph cluster_0 {",
        'label="module name: Module(config)" labeljust=l fontsize=10 '
        f'style="rounded,filled" fillcolor="{_CLUSTER_FILL[0]}" color="#8fa8c8"',
        f'm [label=<<b>Op</b> ×N> {STYLE["op"]}]',
        "}",
        f'x [label="… earlier ops" {STYLE["cut"]}]',
        "x -> m",
    ]
    return new_graph(body, rankdir, None)


def _small(text: str) -> str:
    return f'<font point-size="9">{html.escape(text)}</font>'
