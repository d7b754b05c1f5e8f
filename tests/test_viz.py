"""Graph drawing (tinygrad_nn.viz): node and edge counts, names, styles, clusters, folding,
rendering with Graphviz's `dot` (SVG parsed back), the error without `dot`, big graphs."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tinygrad_nn import Tensor
from tinygrad_nn.engine import node_of, toposort
from tinygrad_nn.viz import draw_graph, draw_module, legend
from tinygrad_nn.viz._dot import STYLE

graphviz = pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


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
                raw = raw[1:-1]  # <html label> or "text"
                text = html.unescape(re.sub(r"<[^>]*>", " ", raw))
                self.nodes[m.group(1)] = {"kind": kind, "text": " ".join(text.split()),
                                          "clusters": tuple(stack)}

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
    w = Tensor(rng.standard_normal((1, 3)), requires_grad=True, name="w")
    b = Tensor(np.zeros((1, 1)), requires_grad=True, name="b")
    x = Tensor(rng.standard_normal((3, n)))
    return (w @ x + b).sigmoid(), w, b, x


# -- structure ------------------------------------------------------------------------------
def test_logistic_regression_has_exact_nodes_and_edges() -> None:
    y, *_ = logistic()
    d = Dot(draw_graph(y))
    assert d.ops() == Counter({"MatMul": 1, "Add": 1, "Sigmoid": 1})
    assert d.kinds() == Counter({"op": 3, "param": 2, "const": 1, "tensor": 2, "output": 1})
    assert len(d.edges) == 8  # w, X -> MatMul -> t -> Add <- b; Add -> t -> Sigmoid -> y
    ids = {n["text"].split()[0]: i for i, n in d.nodes.items() if n["kind"] == "op"}
    (w,) = d.find("w (1, 3)")
    (b,) = d.find("b (1, 1)")
    (x,) = [i for i, n in d.nodes.items() if n["kind"] == "const"]
    assert "(3, 5)" in d.nodes[x]["text"]
    pairs = {(s, t) for s, t, _ in d.edges}
    assert {(w, ids["MatMul"]), (x, ids["MatMul"]), (b, ids["Add"])} <= pairs
    (out,) = [i for i, n in d.nodes.items() if n["kind"] == "output"]
    assert (ids["Sigmoid"], out) in pairs and "(1, 5) float64" in d.nodes[out]["text"]


def test_every_drawn_edge_joins_drawn_nodes_and_graph_is_acyclic() -> None:
    rng = np.random.default_rng(1)
    a = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    h = a
    for _ in range(5):
        h = (h * 2 - a).tanh() + h.sum(axis=1, keepdims=True)
    d = Dot(draw_graph([h, a.exp()]))
    assert all(s in d.nodes and t in d.nodes for s, t, _ in d.edges)
    assert d.kinds()["output"] == 2
    indeg = Counter(t for _, t, _ in d.edges)
    ready = [n for n in d.nodes if indeg[n] == 0]
    seen = 0
    while ready:  # Kahn's algorithm: every node is reached only if there is no cycle
        n = ready.pop()
        seen += 1
        for s, t, _ in d.edges:
            if s == n:
                indeg[t] -= 1
                if indeg[t] == 0:
                    ready.append(t)
    assert seen == len(d.nodes)


def test_tensor_draw_is_draw_graph() -> None:
    y, *_ = logistic()
    assert y.draw(rankdir="TB").source == draw_graph(y, rankdir="TB").source
    assert "rankdir=TB" in y.draw(rankdir="TB").source


def test_names_come_from_params_and_other_leaves_are_inputs() -> None:
    rng = np.random.default_rng(2)
    w = Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    x = Tensor(rng.standard_normal((3,)), requires_grad=True)
    h = w @ x
    y = h.relu().sum()
    d = Dot(draw_graph(y, params={"weight": w, "hidden": h}))
    (wid,) = d.find("weight")
    assert d.nodes[wid]["kind"] == "param"
    (xid,) = [i for i, n in d.nodes.items() if n["kind"] == "input"]
    assert "(3) float64" in d.nodes[xid]["text"]
    (hid,) = d.find("hidden")
    assert d.nodes[hid]["kind"] == "tensor"
    # pairs (e.g. model.named_parameters()) work too; a Tensor's own .name is the fallback
    x.name = "x"
    d2 = Dot(draw_graph(y, params=[("weight", w)]))
    assert d2.find("weight") and d2.nodes[d2.find("x (3)")[0]]["kind"] == "input"


def test_styles_are_distinct_per_kind() -> None:
    rng = np.random.default_rng(3)
    w = Tensor(rng.standard_normal(3), requires_grad=True)
    x = Tensor(rng.standard_normal(3), requires_grad=True)
    y = (w * x * rng.standard_normal(3)).sum()
    d = Dot(draw_graph(y, params={"w": w}))
    assert {"param", "input", "const", "tensor", "output", "op"} <= set(d.kinds())
    styles = [STYLE[k] for k in ("param", "input", "const", "tensor", "output", "op")]
    assert len(set(styles)) == len(styles)
    assert "style=dashed" in d.source  # constants and their edges


def test_show_grads_after_backward_without_retain_graph() -> None:
    y, w, b, _ = logistic()
    h = y * 1.0
    h.retain_grad()
    loss = h.sum()
    before = Dot(draw_graph(loss, show_grads=True))
    assert "grad: None" in before.nodes[before.find("w (1, 3)")[0]]["text"]
    loss.backward()
    d = Dot(draw_graph(loss, show_grads=True))
    for t, name in ((w, "w"), (b, "b")):
        text = d.nodes[d.find(f"{name} {t.shape}".replace(",)", ")"))[0]]["text"]
        assert t.grad is not None
        norm = np.linalg.norm(t.grad.data)
        assert f"grad {t.shape} ‖g‖={norm:.3g}" in text
    retained = [n["text"] for n in d.nodes.values() if "‖g‖=" in n["text"]
                and n["kind"] == "tensor"]
    assert h.grad is not None
    assert retained == [f"(1, 5) float64 grad (1, 5) ‖g‖={np.linalg.norm(h.grad.data):.3g}"]
    assert "grad: not retained" in d.source  # the other intermediates keep no gradient
    assert "grad" not in Dot(draw_graph(loss)).source  # only on request


def test_show_values_for_small_held_tensors_and_ranges_for_large() -> None:
    w = Tensor(np.array([[0.5, -1.25]]), requires_grad=True, name="w")
    big = Tensor(np.arange(100.0).reshape(10, 10), requires_grad=True, name="big")
    y = (w @ big[:2]).sum()
    d = Dot(draw_graph(y, show_values=True))
    assert "[[ 0.5 , -1.25]]" in d.nodes[d.find("w (1, 2)")[0]]["text"]
    assert "values in [0, 99]" in d.nodes[d.find("big")[0]]["text"]
    assert f"{y.item():g}" in d.nodes[d.find("output")[0]]["text"]
    d4 = Dot(draw_graph(y, show_values=4))
    assert "values in [-1.25, 0.5]" not in d4.source and "[[ 0.5 , -1.25]]" in d4.source
    assert "values in" not in Dot(draw_graph(y)).source


def test_shapes_can_be_hidden_and_compact_drops_intermediate_nodes() -> None:
    y, *_ = logistic()
    plain = Dot(draw_graph(y, show_shapes=False))
    assert "float64" not in plain.source and plain.kinds()["point"] == 2
    c = Dot(draw_graph(y, compact=True))
    assert c.kinds()["tensor"] == 0 and c.ops() == Counter({"MatMul": 1, "Add": 1, "Sigmoid": 1})
    assert any("→ (1, 5)" in n["text"] for n in c.nodes.values())
    assert len(c.edges) == 6
    assert Dot(draw_graph(y, show_constants=False)).kinds()["const"] == 0


def test_multiple_outputs_custom_function_and_no_graph() -> None:
    class Cube(tg.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    x = Tensor(np.ones(3), requires_grad=True, name="x")
    c = Cube.apply(x)
    d = Dot(draw_graph((c, c.sum())))
    assert d.ops() == Counter({"Cube": 1, "Sum": 1}) and d.kinds()["output"] == 2
    lone = Dot(draw_graph(Tensor(np.ones(2))))
    assert list(lone.nodes.values())[0]["text"].startswith("output (no graph)")


def test_index_is_shown_on_getitem_ops() -> None:
    x = Tensor(np.ones((4, 6)), requires_grad=True)
    y = x[..., 2:4].sum() + x[1].sum()
    d = Dot(draw_graph(y))
    assert d.find("GetItem [..., 2:4]") and d.find("GetItem [1]")


@pytest.mark.parametrize("bad, match", [
    (dict(rankdir="XY"), "rankdir"), (dict(max_depth=0), "max_depth"),
    (dict(max_ops=1.5), "max_ops"), (dict(fold=-2), "fold"), (dict(show_values=-1), "show_values"),
])
def test_bad_options_raise_naming_the_option(bad: dict[str, Any], match: str) -> None:
    y, *_ = logistic()
    with pytest.raises(ValueError, match=match):
        draw_graph(y, **bad)


def test_bad_arguments_raise_type_errors() -> None:
    with pytest.raises(TypeError, match="expected a Tensor or a list of Tensors, got ndarray"):
        draw_graph(np.ones(3))
    with pytest.raises(TypeError, match="an empty list"):
        draw_graph([])
    y, *_ = logistic()
    with pytest.raises(TypeError, match="params must map names to Tensors"):
        draw_graph(y, params={"w": np.ones(3)})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Module, got int"):
        draw_module(3, np.ones(3))


RANDOM_OPS = {
    "add": lambda a, b, w: a + b, "mul": lambda a, b, w: a * b, "tanh": lambda a, b, w: a.tanh(),
    "matmul": lambda a, b, w: w @ a, "scale": lambda a, b, w: a * 0.5,
    "index": lambda a, b, w: a[1:].sum(keepdims=True) + a,
}


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_graphs_draw_every_op_once_and_fold_into_a_partition(data: Any) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    w = Tensor(rng.standard_normal((3, 3)), requires_grad=True, name="w")
    pool = [Tensor(rng.standard_normal(3), requires_grad=True, name="x"), w[0]]
    for _ in range(data.draw(st.integers(1, 30), label="ops")):
        a = pool[data.draw(st.integers(0, len(pool) - 1))]
        b = pool[data.draw(st.integers(0, len(pool) - 1))]
        pick = data.draw(st.sampled_from(list(RANDOM_OPS)))
        pool.append(RANDOM_OPS[pick](a, b, w))
    y = pool[-1].sum()
    n_ops = sum(1 for v in toposort(node_of(y)) if v._is_fn)
    d = Dot(draw_graph(y))
    assert sum(d.ops().values()) == n_ops == d.kinds()["tensor"] + d.kinds()["output"]
    assert all(s in d.nodes and t in d.nodes for s, t, _ in d.edges)
    folded = Dot(draw_graph(y, fold=data.draw(st.integers(1, 5), label="fold")))
    assert _op_total(folded) == n_ops
    assert all(s in folded.nodes and t in folded.nodes for s, t, _ in folded.edges)
    for g in (d, folded):  # an op's result always flows through its tensor node
        assert not any(g.nodes[s]["kind"] == g.nodes[t]["kind"] == "op" for s, t, _ in g.edges)
    k = data.draw(st.integers(1, 10), label="max_ops")
    assert sum(Dot(draw_graph(y, max_ops=k)).ops().values()) == min(k, n_ops)


# -- modules --------------------------------------------------------------------------------
class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(36, 10))

    def forward(self, x: Any) -> Any:
        return self.classifier(self.features(x))


def test_module_draw_names_parameters_and_clusters_submodules() -> None:
    tg.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    d = Dot(net.draw(tg.randn(5, 3)))
    assert d.ops() == Counter({"Transpose": 2, "MatMul": 2, "Add": 2, "ReLU": 1})
    assert d.kinds()["param"] == 4 and d.kinds()["input"] == 1
    labels = d.cluster_labels()
    assert labels[0].startswith("0: Linear(") and "1: ReLU" in labels
    assert labels[2].startswith("2: Linear(")
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):  # inside their module's cluster
        (i,) = d.find(name)
        assert d.nodes[i]["clusters"][-1].startswith(name[0] + ": Linear")
    (relu,) = [i for i, n in d.nodes.items() if n["text"] == "ReLU"]
    assert d.nodes[relu]["clusters"] == ("1: ReLU",)
    (inp,) = d.find("input")
    assert d.nodes[inp]["clusters"] == ()  # the model's input is not inside a layer


def test_small_cnn_reads_as_conv_relu_pool_blocks() -> None:
    tg.manual_seed(0)
    model = SmallCNN()
    d = Dot(draw_module(model, tg.randn(2, 1, 8, 8)))
    labels = d.cluster_labels()
    assert labels[:4] == ["features: Sequential", labels[1], "features.1: ReLU", labels[3]]
    assert labels[1].startswith("features.0: Conv2d(1, 4, kernel_size=(3, 3)")
    assert labels[3].startswith("features.2: MaxPool2d(")
    conv_ops = [n for n in d.nodes.values() if n["kind"] == "op"
                and n["clusters"][-1:] == (labels[1],)]
    assert {"MatMul", "Add"} <= {n["text"].split()[0] for n in conv_ops}
    for i in d.find("features.0."):
        assert d.nodes[i]["clusters"] == ("features: Sequential", labels[1])
    assert any(lab.startswith("classifier.1: Linear(") for lab in labels)


def lstm_model(steps: int) -> tuple[nn.Module, Tensor]:
    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(3, 4)
            self.head = nn.Linear(4, 2)

        def forward(self, x: Any) -> Any:
            out, _ = self.lstm(x)
            return self.head(out[-1])

    tg.manual_seed(0)
    return Tagger(), tg.randn(steps, 1, 3)


def test_lstm_shows_its_gates_inside_each_step() -> None:
    model, x = lstm_model(4)
    d = Dot(model.draw(x))
    lstm_label = "lstm: LSTM(3, 4)"
    assert lstm_label in d.cluster_labels()
    steps = {n["clusters"][1] for n in d.nodes.values() if len(n["clusters"]) > 1
             and n["clusters"][0] == lstm_label}
    assert steps == {"step 1", "step 2", "step 3", "step 4"}
    for s in steps:
        ops = Counter(n["text"].split()[0] for n in d.nodes.values()
                      if n["kind"] == "op" and n["clusters"] == (lstm_label, s))
        assert ops["Sigmoid"] >= 1 and ops["Tanh"] == 2 and ops["Mul"] >= 2
    for name in ("lstm.weight_ih_l0", "lstm.weight_hh_l0"):
        assert d.nodes[d.find(name)[0]]["clusters"] == (lstm_label,)
    assert "step" not in Dot(model.draw(x, steps=False)).source


def test_cell_called_in_a_loop_gets_one_cluster_per_call() -> None:
    class Loop(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cell = nn.RNNCell(2, 3)

        def forward(self, xs: Any) -> Any:
            h = None
            for t in range(xs.shape[0]):
                h = self.cell(xs[t], h)
            return h

    tg.manual_seed(0)
    model = Loop()
    d = Dot(model.draw(tg.randn(3, 1, 2)))
    labels = d.cluster_labels()
    assert [lab.split("[")[-1] for lab in labels] == [f"call {k} of 3]" for k in (1, 2, 3)]
    folded = Dot(model.draw(tg.randn(3, 1, 2), fold=True))
    assert folded.cluster_labels() == [labels[0].split("  [")[0] + "  ×3 calls"]


def test_draw_module_leaves_the_random_stream_and_grads_alone() -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    x = tg.randn(2, 3)
    tg.manual_seed(7)
    expected = tg.randn(4).data
    tg.manual_seed(7)
    draw_module(model, x)
    assert np.array_equal(tg.randn(4).data, expected)
    assert all(p.grad is None for p in model.parameters()) and not x.requires_grad


def test_module_with_tuple_outputs_names_each_output() -> None:
    tg.manual_seed(0)
    d = Dot(nn.LSTMCell(2, 3).draw(tg.randn(1, 2), (tg.randn(1, 3), tg.randn(1, 3))))
    outs = sorted(n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "output")
    assert outs == ["output[0]", "output[1]"]
    ins = sorted(n["text"].split()[0] for n in d.nodes.values() if n["kind"] == "input")
    assert ins == ["input0", "input1[0]", "input1[1]"]


# -- big graphs: folding, limits, speed -----------------------------------------------------
def rnn(steps: int) -> Tensor:
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((4, 4)) * 0.3, requires_grad=True, name="W")
    u = Tensor(rng.standard_normal((4, 3)), requires_grad=True, name="U")
    b = Tensor(np.zeros(4), requires_grad=True, name="b")
    xs = rng.standard_normal((steps, 3))
    h = Tensor(np.zeros(4))
    for t in range(steps):
        h = (w @ h + u @ xs[t] + b).tanh()
    return (h * h).sum()


def _op_total(d: Dot) -> int:
    """Ops a drawing stands for: a folded node "Op ×N" counts N."""
    total = 0
    for n in d.nodes.values():
        if n["kind"] == "op":
            m = re.search(r"×(\d+)", n["text"])
            total += int(m.group(1)) if m else 1
    return total


def test_folding_a_100_step_rnn_keeps_every_op_accounted_for() -> None:
    loss = rnn(100)
    full, folded = Dot(draw_graph(loss)), Dot(draw_graph(loss, fold=True))
    assert sum(full.ops().values()) == _op_total(folded) == 100 * 5 + 2
    assert sum(folded.ops().values()) < 40  # down from 502
    assert folded.find("Tanh ×9")  # the steady state: ~96 steps drawn once
    kinds = {(folded.nodes[s]["kind"], folded.nodes[t]["kind"]) for s, t, _ in folded.edges}
    assert ("op", "op") not in kinds and ("tensor", "op") in kinds
    assert any(lab == 'label="×2" fontsize=8' for *_, lab in folded.edges)  # h*h: 2 edges
    assert full.cluster_labels()[:2] == ["step 1", "step 2"] and len(full.cluster_labels()) == 100
    assert "subgraph" not in folded.source
    deeper = Dot(draw_graph(loss, fold=8))
    assert sum(folded.ops().values()) < sum(deeper.ops().values()) < 100


def test_folding_a_100_step_lstm_module() -> None:
    model, x = lstm_model(100)
    full, folded = Dot(model.draw(x, steps=False)), Dot(model.draw(x, fold=True))
    assert sum(full.ops().values()) == _op_total(folded) > 1300  # ~14 ops per step
    assert sum(folded.ops().values()) < 100
    assert folded.find("Sigmoid ×9")


def test_max_depth_and_max_ops_cut_the_graph_with_an_ellipsis() -> None:
    loss = rnn(20)
    d = Dot(draw_graph(loss, max_depth=6))
    assert d.ops() == Counter({"Sum": 1, "Mul": 1, "Tanh": 1, "Add": 2, "MatMul": 2})
    assert d.kinds()["cut"] == 1 and "earlier op(s) not drawn" in d.source  # h before the step
    hidden = int(re.search(r"… (\d+) earlier", d.source).group(1))  # type: ignore[union-attr]
    assert hidden + 7 == 20 * 5 + 2
    assert sum(Dot(draw_graph(loss, max_ops=7)).ops().values()) == 7
    assert "not drawn" not in Dot(draw_graph(loss, max_depth=1000)).source


def test_ten_thousand_op_graph_is_drawn_in_seconds() -> None:
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for i in range(10_000):
        y = y * 1.0001 if i % 2 else y + 1.0
    start = time.perf_counter()
    source = draw_graph(y).source
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"drawing 10,000 ops took {elapsed:.1f} s"
    assert source.count("shape=box style=\"rounded,filled\"") == 10_000


# -- rendering --------------------------------------------------------------------------------
@needs_dot
def test_rendered_svg_has_a_node_per_drawn_node(tmp_path: Any) -> None:
    y, *_ = logistic()
    g = draw_graph(y)
    path = g.render(tmp_path / "lr", format="svg")
    root = ET.parse(path).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    titles = {e.findtext("s:title", namespaces=ns) for e in root.iter(f"{{{ns['s']}}}g")
              if e.get("class") == "node"}
    assert titles == set(Dot(g).nodes)
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"w", "b", "MatMul", "Add", "Sigmoid", "output"} <= texts
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    assert len(edges) == 8


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_writes_png_and_pdf(tmp_path: Any, fmt: str, magic: bytes) -> None:
    y, *_ = logistic()
    path = draw_graph(y).render(tmp_path / "g", format=fmt)
    with open(path, "rb") as f:
        assert f.read(4) == magic


@needs_dot
def test_jupyter_shows_the_graph_inline_as_svg() -> None:
    y, *_ = logistic()
    bundle = draw_graph(y)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert "<svg" in legend()._repr_mimebundle_()["image/svg+xml"]


def test_without_dot_the_source_works_and_rendering_says_how_to_install(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    y, *_ = logistic()
    g = draw_graph(y)
    assert "MatMul" in g.source
    for call in (lambda: g.render(tmp_path / "g", format="svg"), lambda: g.pipe(format="png")):
        with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
            call()
        assert isinstance(info.value, graphviz.ExecutableNotFound)
        assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    assert "MatMul" in g._repr_mimebundle_()["text/plain"]


def test_import_does_not_load_graphviz() -> None:
    code = ("import sys, tinygrad_nn, tinygrad_nn.viz; "
            "assert 'graphviz' not in sys.modules, 'graphviz imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)
