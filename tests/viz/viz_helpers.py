"""Shared by the viz tests: a small reader for the DOT text a drawing writes, a logistic
regression graph to draw, and the op count of a folded drawing."""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

import numpy as np

from tinygrad_nn import Tensor, tensor
from tinygrad_nn.viz._dot import STYLE


# -- a small reader for the DOT text the drawing writes ------------------------------------
class Dot:
    """Nodes (id -> kind, text, enclosing cluster labels) and edges of a drawing's source."""

    def __init__(self, graph: Any) -> None:
        self.source = graph.source
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[tuple[str, str, str]] = []
        stack: list[str] = []
        lines = self.source.splitlines()
        for k, line in enumerate(lines):
            line = line.strip()
            if line.startswith("subgraph cluster_"):
                label = re.match(r'label="((?:[^"\\]|\\.)*)"', lines[k + 1].strip())
                assert label is not None
                stack.append(label.group(1).replace('\\"', '"'))
            elif line == "}" and stack:
                stack.pop()
            elif m := re.match(r"^(\w+) -> (\w+)(?: \[(.*)\])?$", line):
                self.edges.append((m.group(1), m.group(2), m.group(3) or ""))
            elif (m := re.match(r"^(\w+) \[label=(.*)\]$", line)) and m.group(1) not in (
                    "graph", "node", "edge"):
                kind = next((k for k, st in STYLE.items() if line.endswith(st + "]")), None)
                raw = m.group(2)[: -len(STYLE[kind]) - 1] if kind else m.group(2)
                tip = re.search(r' tooltip="((?:[^"\\]|\\.)*)"$', raw)
                if tip:  # the hover text, kept apart from the label
                    raw = raw[: tip.start()]
                raw = raw[1:-1]  # <html label> or "text"
                text = html.unescape(re.sub(r"<[^>]*>", " ", raw))
                self.nodes[m.group(1)] = {"kind": kind, "text": " ".join(text.split()),
                                          "clusters": tuple(stack),
                                          "tooltip": tip.group(1).split("\\n") if tip else None}

    def kinds(self) -> Counter[str]:
        return Counter(n["kind"] for n in self.nodes.values())

    def ops(self) -> Counter[str]:
        return Counter(n["text"].split()[0] for n in self.nodes.values() if n["kind"] == "op")

    def find(self, text: str) -> list[str]:
        return [i for i, n in self.nodes.items() if text in n["text"]]

    def cluster_labels(self) -> list[str]:
        return re.findall(r'subgraph cluster_\d+ \{\n\s*label="((?:[^"\\]|\\.)*)"', self.source)


def logistic(n: int = 5) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    rng = np.random.default_rng(0)
    w = tensor(rng.standard_normal((1, 3)), requires_grad=True, name="w")
    b = tensor(np.zeros((1, 1)), requires_grad=True, name="b")
    x = tensor(rng.standard_normal((3, n)))
    return (w @ x + b).sigmoid(), w, b, x


def _op_total(d: Dot) -> int:
    """Ops a drawing stands for: a folded node "Op ×N" counts N."""
    total = 0
    for n in d.nodes.values():
        if n["kind"] == "op":
            m = re.search(r"×(\d+)", n["text"])
            total += int(m.group(1)) if m else 1
    return total
