"""Graph drawing (tinygrad_nn.viz) of Tensor graphs: node and edge counts, names, styles,
options, and big graphs (folding, limits, speed). Modules: test_viz_modules.py; rendering
with Graphviz's `dot`: test_viz_render.py."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_nn as tg
from tests.viz.viz_helpers import Dot, _op_total, logistic
from tinygrad_nn import Tensor, tensor
from tinygrad_nn.engine import iter_nodes
from tinygrad_nn.viz import draw_graph, draw_module
from tinygrad_nn.viz._dot import STYLE

pytest.importorskip("graphviz")


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
    a = tensor(rng.standard_normal((4, 3)), requires_grad=True)
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
    w = tensor(rng.standard_normal((2, 3)), requires_grad=True)
    x = tensor(rng.standard_normal((3,)), requires_grad=True)
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
    w = tensor(rng.standard_normal(3), requires_grad=True)
    x = tensor(rng.standard_normal(3), requires_grad=True)
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
        text = d.nodes[d.find(f"{name} {tuple(t.shape)}".replace(",)", ")"))[0]]["text"]
        assert t.grad is not None
        norm = np.linalg.norm(t.grad.numpy())
        assert f"grad {tuple(t.shape)} ‖g‖={norm:.3g}" in text
    retained = [n["text"] for n in d.nodes.values() if "‖g‖=" in n["text"]
                and n["kind"] == "tensor"]
    assert h.grad is not None
    assert retained == [f"(1, 5) float64 grad (1, 5) ‖g‖={np.linalg.norm(h.grad.numpy()):.3g}"]
    assert "grad: not retained" in d.source  # the other intermediates keep no gradient
    plain = Dot(draw_graph(loss))  # in labels only on request (tooltips always have it)
    assert not any("grad" in n["text"] for n in plain.nodes.values())


def test_show_values_for_small_held_tensors_and_ranges_for_large() -> None:
    w = tensor(np.array([[0.5, -1.25]]), requires_grad=True, name="w")
    big = tensor(np.arange(100.0).reshape(10, 10), requires_grad=True, name="big")
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
    assert not any("float64" in n["text"] for n in plain.nodes.values())  # tooltips keep it
    assert plain.kinds()["point"] == 2
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

    x = tensor(np.ones(3), requires_grad=True, name="x")
    c = Cube.apply(x)
    d = Dot(draw_graph((c, c.sum())))
    assert d.ops() == Counter({"Cube": 1, "Sum": 1}) and d.kinds()["output"] == 2
    lone = Dot(draw_graph(tensor(np.ones(2))))
    assert list(lone.nodes.values())[0]["text"].startswith("output (no graph)")


def test_index_is_shown_on_getitem_ops() -> None:
    x = tensor(np.ones((4, 6)), requires_grad=True)
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
    w = tensor(rng.standard_normal((3, 3)), requires_grad=True, name="w")
    pool = [tensor(rng.standard_normal(3), requires_grad=True, name="x"), w[0]]
    for _ in range(data.draw(st.integers(1, 30), label="ops")):
        a = pool[data.draw(st.integers(0, len(pool) - 1))]
        b = pool[data.draw(st.integers(0, len(pool) - 1))]
        pick = data.draw(st.sampled_from(list(RANDOM_OPS)))
        pool.append(RANDOM_OPS[pick](a, b, w))
    y = pool[-1].sum()
    n_ops = sum(1 for v in iter_nodes(y) if isinstance(v, tg.Function))
    d = Dot(draw_graph(y))
    assert sum(d.ops().values()) == n_ops == d.kinds()["tensor"] + d.kinds()["output"]
    assert all(s in d.nodes and t in d.nodes for s, t, _ in d.edges)
    folded = Dot(draw_graph(y, fold=data.draw(st.integers(1, 5), label="fold")))
    assert _op_total(folded) == n_ops
    assert all(s in folded.nodes and t in folded.nodes for s, t, _ in folded.edges)
    for g in (d, folded):  # an op's result always flows through its tensor node
        assert not any(g.nodes[s]["kind"] == g.nodes[t]["kind"] == "op"
                       for s, t, attrs in g.edges if "invis" not in attrs)  # not layout edges
    k = data.draw(st.integers(1, 10), label="max_ops")
    assert sum(Dot(draw_graph(y, max_ops=k)).ops().values()) == min(k, n_ops)


# -- big graphs: folding, limits, speed -----------------------------------------------------
def rnn(steps: int) -> Tensor:
    rng = np.random.default_rng(0)
    w = tensor(rng.standard_normal((4, 4)) * 0.3, requires_grad=True, name="W")
    u = tensor(rng.standard_normal((4, 3)), requires_grad=True, name="U")
    b = tensor(np.zeros(4), requires_grad=True, name="b")
    xs = rng.standard_normal((steps, 3))
    h = tensor(np.zeros(4))
    for t in range(steps):
        h = (w @ h + u @ xs[t] + b).tanh()
    return (h * h).sum()


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


def test_max_depth_and_max_ops_cut_the_graph_with_an_ellipsis() -> None:
    loss = rnn(20)
    d = Dot(draw_graph(loss, max_depth=6))
    assert d.ops() == Counter({"Sum": 1, "Mul": 1, "Tanh": 1, "Add": 2, "MatMul": 2})
    assert d.kinds()["cut"] == 1 and "earlier op(s) not drawn" in d.source  # h before the step
    hidden = int(re.search(r"… (\d+) earlier", d.source).group(1))  # type: ignore[union-attr]
    assert hidden + 7 == 20 * 5 + 2
    assert sum(Dot(draw_graph(loss, max_ops=7)).ops().values()) == 7
    assert "not drawn" not in Dot(draw_graph(loss, max_depth=1000)).source


def test_ten_thousand_op_graph_is_drawn_whole() -> None:
    # (how fast: benchmarks/bench_draw.py, issue 12's 2 s budget; tests assert no timings)
    x = tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for i in range(10_000):
        y = y * 1.0001 if i % 2 else y + 1.0
    source = draw_graph(y).source
    assert source.count("shape=box style=\"rounded,filled\"") == 10_000
